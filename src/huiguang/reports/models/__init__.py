"""The reports app's models: the rollups, the monthly bulletins, the assessments."""

from .assessments import (
    AssessmentResult,
    AssessmentRun,
    AssessmentScheme,
    HourlyRate,
    Indicator,
    ManualScore,
)
from .bulletins import Bulletin
from .projects import ProjectMark, ProjectMonth
from .registrations import MembershipMonth, RegistrationMonth
from .rollups import ActiveMark, CategoryMonth, DailyCounter, OrganizationMonth, RegionMonth

__all__ = [
    "ActiveMark",
    "AssessmentResult",
    "AssessmentRun",
    "AssessmentScheme",
    "Bulletin",
    "CategoryMonth",
    "DailyCounter",
    "HourlyRate",
    "Indicator",
    "ManualScore",
    "MembershipMonth",
    "OrganizationMonth",
    "ProjectMark",
    "ProjectMonth",
    "RegionMonth",
    "RegistrationMonth",
]
