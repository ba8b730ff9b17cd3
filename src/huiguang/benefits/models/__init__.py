"""The benefits app's models, one module per area: partners and their staff, the consent ledger."""

from .consent import Consent, PartnerAccess
from .partners import Partner, PartnerStaff

__all__ = ["Consent", "Partner", "PartnerAccess", "PartnerStaff"]
