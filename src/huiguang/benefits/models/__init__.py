"""The benefits app's models, one module per area: partners and their staff, the consent ledger,
offers and their claims, loans (志愿贷) and school-admission points (积分入学)."""

from .consent import Consent, PartnerAccess
from .loans import LoanProduct, LoanReferral
from .offers import Offer, Redemption
from .partners import Partner, PartnerStaff
from .points import PointsApplication, PointsPolicy

__all__ = [
    "Consent",
    "LoanProduct",
    "LoanReferral",
    "Offer",
    "Partner",
    "PartnerAccess",
    "PartnerStaff",
    "PointsApplication",
    "PointsPolicy",
    "Redemption",
]
