# --- assessments and dashboards (branch reports-assess) ---
from .assessments import (  # noqa: E402, I001
    AssessmentResult,
    AssessmentRun,
    AssessmentScheme,
    HourlyRate,
    Indicator,
    ManualScore,
)
from .rollups import ActiveMark, CategoryMonth, DailyCounter, OrganizationMonth, RegionMonth

__all__ = [
    "ActiveMark",
    "AssessmentResult",
    "AssessmentRun",
    "AssessmentScheme",
    "CategoryMonth",
    "DailyCounter",
    "HourlyRate",
    "Indicator",
    "ManualScore",
    "OrganizationMonth",
    "RegionMonth",
]
