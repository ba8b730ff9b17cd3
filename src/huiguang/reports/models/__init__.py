from .bulletins import Bulletin
from .rollups import ActiveMark, CategoryMonth, DailyCounter, OrganizationMonth, RegionMonth

__all__ = ["ActiveMark", "Bulletin", "CategoryMonth", "DailyCounter", "OrganizationMonth", "RegionMonth"]
