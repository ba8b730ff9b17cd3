from .bulletins import Bulletin
from .projects import ProjectMark, ProjectMonth
from .rollups import ActiveMark, CategoryMonth, DailyCounter, OrganizationMonth, RegionMonth

__all__ = [
    "ActiveMark",
    "Bulletin",
    "CategoryMonth",
    "DailyCounter",
    "OrganizationMonth",
    "ProjectMark",
    "ProjectMonth",
    "RegionMonth",
]
