"""The benefits app's models, one module per area: partners and their staff, the consent ledger,
loans (志愿贷) and school-admission points (积分入学)."""

from .consent import Consent, PartnerAccess
from .loans import LoanProduct, LoanReferral
from .partners import Partner, PartnerStaff
from .points import PointsApplication, PointsPolicy

__all__ = [
    "Consent",
    "LoanProduct",
    "LoanReferral",
    "Partner",
    "PartnerAccess",
    "PartnerStaff",
    "PointsApplication",
    "PointsPolicy",
]
