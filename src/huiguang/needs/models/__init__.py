"""The needs app's models, one module per area: residents' requests and their ratings."""

from .requests import PhoneCode, Rating, RatingInvite, RequestPhoto, Resident, ServiceRequest

__all__ = ["PhoneCode", "Rating", "RatingInvite", "RequestPhoto", "Resident", "ServiceRequest"]
