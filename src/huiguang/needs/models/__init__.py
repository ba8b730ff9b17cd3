"""The needs app's models, one module per area: residents' requests and their ratings; the care
register with its visit plans and visits."""

from .care import CareRecipient, Visit, VisitPlan
from .requests import PhoneCode, Rating, RatingInvite, RequestPhoto, Resident, ServiceRequest

__all__ = [
    "CareRecipient",
    "PhoneCode",
    "Rating",
    "RatingInvite",
    "RequestPhoto",
    "Resident",
    "ServiceRequest",
    "Visit",
    "VisitPlan",
]
