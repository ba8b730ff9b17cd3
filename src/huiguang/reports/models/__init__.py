from .rollups import ActiveMark, CategoryMonth, DailyCounter, OrganizationMonth, RegionMonth

__all__ = ["ActiveMark", "CategoryMonth", "DailyCounter", "OrganizationMonth", "RegionMonth"]
