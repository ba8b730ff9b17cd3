"""Projects, brands and their funding (DESIGN §4 projects); one module per area."""

from .competitions import (
    Award,
    AwardLevel,
    Competition,
    Criterion,
    Entry,
    EntryImage,
    Judge,
    Round,
    RoundResult,
    Score,
    Track,
)
from .funding import (
    Disbursement,
    Funder,
    Grant,
    Milestone,
    MilestoneReport,
    Programme,
    ProjectMentor,
    ReportPhoto,
    SpendingLine,
)
from .projects import Brand, Project, ProjectPhoto

__all__ = [
    "Award",
    "AwardLevel",
    "Competition",
    "Criterion",
    "Entry",
    "EntryImage",
    "Judge",
    "Round",
    "RoundResult",
    "Score",
    "Track",
    "Brand",
    "Disbursement",
    "Funder",
    "Grant",
    "Milestone",
    "MilestoneReport",
    "Programme",
    "Project",
    "ProjectMentor",
    "ProjectPhoto",
    "ReportPhoto",
    "SpendingLine",
]
