"""API v1, 志愿贷: products with the caller's tier, referrals (volunteer), attestation checks,
referrals and decisions (bank officer), the city's statistics. Every bank read passes the consent
gate: 404 once the volunteer's consent is withdrawn or expired."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from huiguang.activities.api.console_schemas import Day
from huiguang.core.api import ERRORS, Flag, Pagination, RefusedOut, number_schema, text, whole_number
from huiguang.core.errors import FieldErrors
from huiguang.core.formatting import hours_from_minutes
from huiguang.core.masking import mask_name

from ..models import LoanReferral, Partner, PartnerAccess
from ..permissions import may_read_partner_statistics, partners_of
from ..selectors import loans as selectors
from ..services import loans as services

router = Router(tags=["benefits: loans"])
API = PartnerAccess.Channel.API


def _rate(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("decimal_type", _("Enter an annual rate from 0 to 100 %."))
    try:
        rate = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise PydanticCustomError("decimal_type", _("Enter an annual rate from 0 to 100 %.")) from None
    if not Decimal("0") <= rate <= Decimal("100"):
        raise PydanticCustomError("decimal_type", _("Enter an annual rate from 0 to 100 %."))
    return rate


Rate = Annotated[
    Decimal | None,
    BeforeValidator(_rate),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 100}, {"type": "null"}]}),
]
Amount = Annotated[
    int | None, whole_number(1, 10_000_000, optional=True), number_schema(1, 10_000_000, nullable=True)
]
ConsentDays = Annotated[int, whole_number(1, 90), number_schema(1, 90)]
Token = Annotated[str, text(4000, multiline=False), Field(max_length=4000)]
Reason = Annotated[str, text(300), Field(max_length=300)]


class LoanTierOut(Schema):
    index: int
    min_score: int
    quota: int
    rate: Decimal


class LoanProductOut(Schema):
    id: int
    name: str
    bank: str
    description: str
    max_amount: int
    base_rate: Decimal
    valid_until: dt.date
    tiers: list[LoanTierOut]
    my_score: int
    my_tier: LoanTierOut | None = Field(
        None, description="The band the caller's score reaches; null: not eligible."
    )
    next_tier: LoanTierOut | None
    explanation: str


class LoanReferralOut(Schema):
    id: int
    product_id: int
    product: str
    bank: str
    status: str
    score: int
    policy_version: int
    credit_hours: float
    star: int
    tier: int
    quota: int
    rate: Decimal
    valid_until: dt.datetime
    consent_state: str
    attestation: str = Field(
        ..., description="The signed attestation; docs/attestations.md checks it offline."
    )
    amount: int | None
    disbursed_rate: Decimal | None
    disbursed_on: dt.date | None
    reason: str
    created_at: dt.datetime


class LoanReferralIn(Schema):
    days: ConsentDays = Field(
        30, description="How long the bank may read the data (and the attestation is valid)."
    )
    agree: Flag = Field(
        ..., description="The volunteer's consent to this bank reading LOAN_FIELDS; must be true."
    )


class BankReferralOut(Schema):
    id: int
    product: str
    status: str
    volunteer_number: str
    masked_name: str
    score: int
    credit_hours: float
    star: int
    tier: int
    quota: int
    rate: Decimal
    valid_until: dt.datetime
    amount: int | None
    disbursed_rate: Decimal | None
    disbursed_on: dt.date | None
    reason: str


class BankReferralListOut(Schema):
    id: int
    product: str
    status: str
    created_at: dt.datetime


class AttestationVerifyIn(Schema):
    attestation: Token


class AttestationVerifyOut(Schema):
    state: str = Field(..., description="valid, expired, invalid or unknown (not a referral to your bank).")
    fields: dict
    referral: BankReferralOut | None


class LoanDecisionIn(Schema):
    approve: Flag
    amount: Amount = None
    rate: Rate = None
    disbursed_on: Day = None
    reason: Reason = ""


class LoanMonthOut(Schema):
    month: dt.date
    referrals: int
    loans: int
    amount: int


class LoanStatisticsOut(Schema):
    referrals: int
    approved: int
    refused: int
    pending: int
    amount: int
    months: list[LoanMonthOut]


def _tier(t) -> dict | None:
    return (
        None if t is None else {"index": t.index, "min_score": t.min_score, "quota": t.quota, "rate": t.rate}
    )


def _referral(r: LoanReferral) -> dict:
    return {
        "id": r.pk,
        "product_id": r.product_id,
        "product": r.product.name,
        "bank": r.product.partner.name,
        "status": r.status,
        "score": r.score,
        "policy_version": r.policy_version,
        "credit_hours": float(hours_from_minutes(r.credit_minutes)),
        "star": r.star,
        "tier": r.tier,
        "quota": r.quota,
        "rate": r.rate,
        "valid_until": r.valid_until,
        "consent_state": r.consent.state,
        "attestation": r.attestation,
        "amount": r.amount,
        "disbursed_rate": r.disbursed_rate,
        "disbursed_on": r.disbursed_on,
        "reason": r.reason,
        "created_at": r.created_at,
    }


def _bank_referral(r: LoanReferral) -> dict:
    return {
        "id": r.pk,
        "product": r.product.name,
        "status": r.status,
        "volunteer_number": r.volunteer.volunteer_number,
        "masked_name": mask_name(r.volunteer.real_name),
        "score": r.score,
        "credit_hours": float(hours_from_minutes(r.credit_minutes)),
        "star": r.star,
        "tier": r.tier,
        "quota": r.quota,
        "rate": r.rate,
        "valid_until": r.valid_until,
        "amount": r.amount,
        "disbursed_rate": r.disbursed_rate,
        "disbursed_on": r.disbursed_on,
        "reason": r.reason,
    }


def _volunteer(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        raise Http404
    return volunteer


def _bank(request) -> Partner:
    bank = partners_of(request.user, Partner.Kind.BANK).first()
    if bank is None:
        raise Http404
    return bank


# --- the volunteer ------------------------------------------------------------------------------


@router.get(
    "/loan-products",
    response={200: list[LoanProductOut], **ERRORS},
    summary="Loan products with my tier",
    description="The banks' 志愿贷 products on offer, each with its score bands and the band the caller's "
    "credit score reaches (an automated decision: the explanation says why; "
    "the credit score can be reviewed).",
)
def loan_products(request):
    volunteer = _volunteer(request)
    snapshot = services.current_score(volunteer)
    out = []
    for p in selectors.products_open():
        tier = services.tier_for(p, snapshot.score)
        nxt = services.next_tier(p, snapshot.score)
        explanation = (
            _("Score %(score)s reaches band %(index)s (from %(min)s).")
            % {"score": snapshot.score, "index": tier.index, "min": tier.min_score}
            if tier
            else _("Score %(score)s is below the lowest band.") % {"score": snapshot.score}
        )
        out.append(
            {
                "id": p.pk,
                "name": p.name,
                "bank": p.partner.name,
                "description": p.description,
                "max_amount": p.max_amount,
                "base_rate": p.base_rate,
                "valid_until": p.valid_until,
                "tiers": [_tier(t) for t in services.tiers_of(p)],
                "my_score": snapshot.score,
                "my_tier": _tier(tier),
                "next_tier": _tier(nxt),
                "explanation": explanation,
            }
        )
    return out


@router.post(
    "/loan-products/{product_id}/referrals",
    response={201: LoanReferralOut, 409: RefusedOut, **ERRORS},
    summary="Ask for a referral (with consent)",
    description="Records the caller's consent for THIS bank, the loan-referral purpose and the "
    "attested fields "
    "for `days` days and returns the signed attestation. 409 NOT_ELIGIBLE below the lowest band.",
)
def referral_request(request, product_id: int, payload: LoanReferralIn):
    volunteer = _volunteer(request)
    product = selectors.product_open_get(product_id)
    if not payload.agree:
        raise FieldErrors({"agree": [_("A referral needs your consent.")]})
    referral = services.referral_request(
        volunteer=volunteer, product=product, days=payload.days, user=request.user, request=request
    )
    return Status(201, _referral(selectors.referral_of(volunteer, referral.pk)))


@router.get("/me/loan-referrals", response={200: list[LoanReferralOut], **ERRORS}, summary="My referrals")
@paginate(Pagination)
def my_referrals(request):
    return [_referral(r) for r in selectors.referrals_of(_volunteer(request))]


@router.get(
    "/me/loan-referrals/{referral_id}",
    response={200: LoanReferralOut, **ERRORS},
    summary="One of my referrals",
)
def my_referral(request, referral_id: int):
    return _referral(selectors.referral_of(_volunteer(request), referral_id))


# --- the bank officer ---------------------------------------------------------------------------


@router.post(
    "/bank/attestations/verify",
    response={200: AttestationVerifyOut, **ERRORS},
    summary="Verify an attestation",
    description="For a bank officer: the signature, the period and the register. A valid attestation is read "
    "through the volunteer's consent (recorded for the volunteer); 404 once the consent is withdrawn.",
)
def attestation_verify(request, payload: AttestationVerifyIn):
    result = services.attestation_check(
        user=request.user, partner=_bank(request), text=payload.attestation, channel=API
    )
    referral = _bank_referral(result.referral) if result.referral else None
    return {
        "state": result.state,
        "fields": result.fields if result.state != "invalid" else {},
        "referral": referral,
    }


@router.get(
    "/bank/referrals", response={200: list[BankReferralListOut], **ERRORS}, summary="The bank's referrals"
)
@paginate(Pagination)
def bank_referrals(request):
    _bank(request)
    return [
        {"id": r.pk, "product": r.product.name, "status": r.status, "created_at": r.created_at}
        for r in selectors.referral_register_for(request.user)
    ]


@router.get("/bank/referrals/{referral_id}", response={200: BankReferralOut, **ERRORS}, summary="A referral")
def bank_referral(request, referral_id: int):
    referral = selectors.referral_get_for_bank(request.user, referral_id)
    services.referral_open(user=request.user, referral=referral, what=_("referral opened"), channel=API)
    return _bank_referral(referral)


@router.post(
    "/bank/referrals/{referral_id}/decision",
    response={200: BankReferralOut, 409: RefusedOut, **ERRORS},
    summary="Record the bank's outcome",
    description="approve: true with amount, rate and disbursed_on; false with a reason. 409 DECIDED when "
    "already decided.",
)
def bank_decide(request, referral_id: int, payload: LoanDecisionIn):
    referral = selectors.referral_get_for_bank(request.user, referral_id)
    referral = services.referral_decide(
        user=request.user, referral=referral, channel=API, request=request, **payload.dict()
    )
    return _bank_referral(referral)


# --- the city -----------------------------------------------------------------------------------


@router.get(
    "/benefits/statistics/loans", response={200: LoanStatisticsOut, **ERRORS}, summary="志愿贷 statistics"
)
def loan_statistics(request):
    if not may_read_partner_statistics(request.user):
        raise Http404
    return {**selectors.loan_totals(), "months": selectors.loan_totals_by_month()}
