"""API v1, the partner's side: look a code up and redeem it at one of the partners you act for, and
that partner's statistics (managers). A code of another partner is not found (404): nothing about
other partners' codes is revealed. Refusals of a redemption answer 409 with `reason`: USED,
CANCELLED, EXPIRED, NOT_HERE."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404
from ninja import Field, Router, Schema

from huiguang.core.api import ERRORS, RefusedOut, text
from huiguang.core.masking import mask_name

from ..selectors.offers import offer_statistics, redemption_lookup, statistics_totals
from ..selectors.partners import partner_acting_for
from ..services import offers as services

router = Router(tags=["benefits (partners)"])
REFUSALS = {**ERRORS, 409: RefusedOut}
Code = Annotated[str, text(300), Field(max_length=300, description="The code, as typed or scanned.")]


class CodeIn(Schema):
    code: Code


class PartnerClaimOut(Schema):
    code: str
    offer_id: int
    offer_title: str = Field(..., alias="offer.title")
    volunteer_masked_name: str
    state: str = Field(..., description="open, used, cancelled or expired.")
    claimed_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None

    @staticmethod
    def resolve_volunteer_masked_name(obj) -> str:
        return mask_name(obj.volunteer.real_name)


class OfferStatOut(Schema):
    offer_id: int = Field(..., alias="pk")
    title: str
    category: str
    stock: int
    taken: int
    left: int
    claims: int
    redeemed: int
    cancelled: int


class StatisticsOut(Schema):
    claims: int
    redeemed: int
    stock: int
    left: int
    offers: list[OfferStatOut]


@router.post(
    "/partners/{partner_id}/codes/lookup",
    response={200: PartnerClaimOut, **ERRORS},
    summary="Look a code up",
    description="The offer and the volunteer's masked name behind a code of this partner; 404 for "
    "an unknown code or another partner's.",
)
def code_lookup(request, partner_id: int, payload: CodeIn):
    partner = partner_acting_for(request.user, partner_id)
    claim = redemption_lookup(partner, services.normalize_code(payload.code))
    if claim is None:
        raise Http404
    return claim


@router.post(
    "/partners/{partner_id}/codes/redeem",
    response={200: PartnerClaimOut, **REFUSALS},
    summary="Redeem a code",
    description="Used at most once, however many clerks send it at once; only at the offer's own "
    "partner (409 NOT_HERE otherwise, and nothing changes).",
)
def code_redeem(request, partner_id: int, payload: CodeIn):
    partner = partner_acting_for(request.user, partner_id)
    return services.redemption_redeem(user=request.user, partner=partner, code=payload.code, request=request)


@router.get(
    "/partners/{partner_id}/statistics",
    response={200: StatisticsOut, **ERRORS},
    summary="My partner's offer statistics",
    description="For the partner's managers: claims, redemptions and stock per offer.",
)
def partner_statistics(request, partner_id: int):
    partner = partner_acting_for(request.user, partner_id, manager=True)
    return {**statistics_totals(partner), "offers": offer_statistics(partner)}
