"""API v1, the volunteer's benefits: open offers with the reasons why not, claims and their codes,
cancelling, the consent ledger ("who can see my data") and the partner stores.

Refusals answer 409 with `{"detail", "reason"}`: CLOSED, SOLD_OUT, STAR, SCORE, NO_SCORE,
NEW_RESIDENT, REGION, QUOTA, PARTNER (eligibility), USED (cancelling a redeemed code).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination, RefusedOut, ShortText, choice, enum_schema
from huiguang.network.selectors import volunteer_of

from ..models import Offer, Redemption
from ..selectors.consent import access_list_of, consent_get_of, consent_list_of
from ..selectors.offers import (
    claim_qr_url,
    offer_get_open,
    offers_with_decisions,
    redemption_get_of,
    redemptions_of,
)
from ..selectors.partners import point_from, stores_by_distance
from ..services import offers as services
from ..services.consent import consent_withdraw

router = Router(tags=["benefits"])
REFUSALS = {**ERRORS, 409: RefusedOut}


def _volunteer(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


class ReasonOut(Schema):
    code: str
    message: str


class OfferOut(Schema):
    id: int
    title: str
    category: str
    description: str
    partner_id: int
    partner_name: str = Field(..., alias="partner.name")
    min_star: int
    min_score: int | None
    new_residents_only: bool
    region_code: str | None = Field(None, alias="region.code")
    quota: int
    period: str
    stock: int
    left: int
    valid_from: dt.datetime
    valid_until: dt.datetime


class OfferCheckOut(Schema):
    offer: OfferOut
    eligible: bool
    reasons: list[ReasonOut] = Field(..., description="Why not (empty when eligible).")


class ClaimOut(Schema):
    id: int
    offer_id: int
    offer_title: str = Field(..., alias="offer.title")
    partner_id: int
    partner_name: str = Field(..., alias="partner.name")
    code: str = Field(..., description="The one-time code (8 characters) the clerk types or scans.")
    qr_url: str = Field(..., description="The URL the claim's QR code encodes.")
    state: str = Field(..., description="open, used, cancelled or expired.")
    claimed_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    cancelled_at: dt.datetime | None

    @staticmethod
    def resolve_qr_url(obj) -> str:
        return claim_qr_url(obj)


class ConsentOut(Schema):
    id: int
    partner_id: int
    partner_name: str = Field(..., alias="partner.name")
    purpose: str
    fields: list[str]
    granted_at: dt.datetime
    expires_at: dt.datetime
    withdrawn_at: dt.datetime | None
    state: str = Field(..., description="live, withdrawn or expired.")


class AccessOut(Schema):
    id: int
    at: dt.datetime
    partner_id: int
    partner_name: str = Field(..., alias="partner.name")
    consent_id: int
    fields: list[str]
    what: str
    channel: str


class StoreOut(Schema):
    id: int
    name: str
    address: str
    region_name: str = Field(..., alias="region.name")
    latitude: float | None
    longitude: float | None
    open_offers: int
    distance_km: float | None = Field(None, alias="distance")


class OfferFilters(Schema):
    category: Annotated[str | None, choice(Offer.Category), enum_schema(Offer.Category)] = None


@router.get(
    "/me/offers",
    response={200: list[OfferCheckOut], **ERRORS},
    summary="Offers open to me, with the reasons",
    description="Every open offer with whether you may claim it now and, if not, every reason why.",
)
def my_offers(request, filters: Query[OfferFilters]):
    pairs = offers_with_decisions(_volunteer(request), category=filters.category or "")
    return [{"offer": o, "eligible": d.ok, "reasons": d.reasons} for o, d in pairs]


@router.post(
    "/offers/{offer_id}/claim",
    response={201: ClaimOut, **REFUSALS},
    summary="Claim an offer",
    description="Takes one unit of the offer's stock and gives a one-time code. 409 with the reason "
    "when you may not (eligibility, quota, sold out).",
)
def offer_claim(request, offer_id: int):
    claim = services.redemption_claim(
        volunteer=_volunteer(request), offer=offer_get_open(offer_id), request=request
    )
    return Status(201, Redemption.objects.select_related("offer", "partner").get(pk=claim.pk))


@router.get("/me/claims", response={200: list[ClaimOut], **ERRORS}, summary="My claims and codes")
@paginate(Pagination)
def my_claims(request):
    return redemptions_of(_volunteer(request))


@router.post(
    "/me/claims/{claim_id}/cancel",
    response={200: ClaimOut, **REFUSALS},
    summary="Cancel an unused claim",
    description="The unit goes back to the stock. 409 USED for a redeemed code.",
)
def claim_cancel(request, claim_id: int):
    volunteer = _volunteer(request)
    claim = redemption_get_of(volunteer, claim_id)
    services.redemption_cancel(volunteer=volunteer, claim=claim, request=request)
    return redemption_get_of(volunteer, claim_id)


@router.get("/me/consents", response={200: list[ConsentOut], **ERRORS}, summary="My consents")
@paginate(Pagination)
def my_consents(request):
    return consent_list_of(_volunteer(request))


@router.post(
    "/me/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **ERRORS},
    summary="Withdraw a consent",
    description="From now on the partner gets 404 for you. Withdrawing twice is harmless.",
)
def my_consent_withdraw(request, consent_id: int):
    consent = consent_get_of(_volunteer(request), consent_id)
    return consent_withdraw(consent=consent, user=request.user)


@router.get(
    "/me/partner-accesses",
    response={200: list[AccessOut], **ERRORS},
    summary="Every read of my data by a partner",
)
@paginate(Pagination)
def my_accesses(request):
    return access_list_of(_volunteer(request))


class StoreFilters(Schema):
    lat: ShortText = Field("", description="Your latitude, decimal degrees (with `lng`).")
    lng: ShortText = Field("", description="Your longitude, decimal degrees.")


@router.get(
    "/stores",
    response={200: list[StoreOut], **ERRORS},
    summary="Partner stores",
    description="The partner stores with their coordinates; nearest first when `lat` and `lng` are given.",
)
def stores(request, filters: Query[StoreFilters]):
    return stores_by_distance(*point_from(filters.lat, filters.lng))
