"""志愿贷 referrals: the products (kept by city admins), the tier a score gives, the referral with
its consent and signed attestation, the bank's verification and decision.

Locking: a decision is a guarded `UPDATE … WHERE status = 'pending'` (the row count decides), so
of two officers deciding at once one wins and the other is refused; nothing else is scarce here.
Every bank read (verify, open, decide) passes `consent.partner_read` first: without a live consent
for that bank and purpose it is 404, and with one it leaves an access row the volunteer sees.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.formatting import format_hours
from huiguang.core.masking import mask_name
from huiguang.credit.selectors import latest_snapshot
from huiguang.credit.services import snapshot_compute
from huiguang.ledger.selectors.hours import hours_summary
from huiguang.notifications.services import notify

from ..models import Consent, LoanProduct, LoanReferral, Partner, PartnerAccess
from ..permissions import may_manage_partners
from . import attestation
from .consent import consent_grant, partner_read

# What the bank may read under a loan-referral consent: exactly what the attestation states.
LOAN_FIELDS = [
    Consent.Field.VOLUNTEER_NUMBER,
    Consent.Field.MASKED_NAME,
    Consent.Field.SCORE,
    Consent.Field.CREDIT_HOURS,
    Consent.Field.STAR,
]
DEFAULT_CONSENT_DAYS = 30
MAX_SCORE = 1000


@dataclass(frozen=True)
class Tier:
    index: int  # 1-based
    min_score: int
    quota: int
    discount: Decimal
    rate: Decimal


def tiers_of(product: LoanProduct) -> list[Tier]:
    """The product's bands, lowest first, each with its quota (never above the product's maximum)
    and its rate (the base rate less the band's discount, never below zero)."""
    bands = sorted(product.tiers, key=lambda t: int(t["min_score"]))
    return [
        Tier(
            index=i,
            min_score=int(t["min_score"]),
            quota=min(int(t["quota"]), product.max_amount),
            discount=Decimal(str(t["discount"])),
            rate=max(Decimal(product.base_rate) - Decimal(str(t["discount"])), Decimal("0")),
        )
        for i, t in enumerate(bands, start=1)
    ]


def tier_for(product: LoanProduct, score: int) -> Tier | None:
    """The highest band whose minimum the score reaches; None below the first (not eligible)."""
    reached = [t for t in tiers_of(product) if score >= t.min_score]
    return reached[-1] if reached else None


def next_tier(product: LoanProduct, score: int) -> Tier | None:
    return next((t for t in tiers_of(product) if score < t.min_score), None)


# --- products (city admins) --------------------------------------------------------------------


def _check_product(data: dict) -> None:
    errors: dict[str, list[str]] = {}
    partner = data.get("partner")
    if partner is None or partner.kind != Partner.Kind.BANK:
        errors["partner"] = [_("Choose a bank partner.")]
    max_amount = data.get("max_amount") or 0
    base_rate = Decimal(str(data.get("base_rate") or 0))
    if data["valid_until"] < data["valid_from"]:
        errors["valid_until"] = [_("The end of the period is before its start.")]
    tiers = data.get("tiers") or []
    scores = [int(t["min_score"]) for t in tiers]
    if not tiers:
        errors["tiers"] = [_("Give at least one score band.")]
    elif len(set(scores)) != len(scores):
        errors["tiers"] = [_("Two bands start at the same score.")]
    elif any(not 0 <= s <= MAX_SCORE for s in scores):
        errors["tiers"] = [_("A band starts at a score from 0 to %(max)s.") % {"max": MAX_SCORE}]
    elif any(not 1 <= int(t["quota"]) <= max_amount for t in tiers):
        errors["tiers"] = [_("A band's quota is from 1 CNY up to the product's maximum amount.")]
    elif any(not Decimal("0") <= Decimal(str(t["discount"])) <= base_rate for t in tiers):
        errors["tiers"] = [_("A band's discount is from 0 up to the base rate.")]
    if errors:
        raise FieldErrors(errors)


def _normalise_tiers(tiers: list[dict]) -> list[dict]:
    return [
        {
            "min_score": int(t["min_score"]),
            "quota": int(t["quota"]),
            "discount": str(Decimal(str(t["discount"]))),
        }
        for t in sorted(tiers, key=lambda t: int(t["min_score"]))
    ]


def loan_product_save(*, actor, data: dict, product: LoanProduct | None = None, request=None) -> LoanProduct:
    """Create (product=None) or change a product. City admins only (others: 404)."""
    if not may_manage_partners(actor):
        raise Http404
    _check_product(data)
    data = {**data, "tiers": _normalise_tiers(data["tiers"])}
    with transaction.atomic():
        if product is None:
            if LoanProduct.objects.filter(partner=data["partner"], name=data["name"]).exists():
                raise FieldErrors({"name": [_("This bank already has a product of this name.")]})
            product = LoanProduct.objects.create(**data)
            created = True
        else:
            if (
                LoanProduct.objects.filter(partner=data["partner"], name=data["name"])
                .exclude(pk=product.pk)
                .exists()
            ):
                raise FieldErrors({"name": [_("This bank already has a product of this name.")]})
            for name, value in data.items():
                setattr(product, name, value)
            product.save()
            created = False
        audit_log(
            action="loan_product.create" if created else "loan_product.update",
            actor=actor,
            obj=product,
            request=request,
            tiers=product.tiers,
        )
    return product


# --- the volunteer's side ----------------------------------------------------------------------


def current_score(volunteer):
    """The volunteer's latest credit snapshot, computed now if there is none yet."""
    return latest_snapshot(volunteer) or snapshot_compute(volunteer=volunteer)


def product_is_open(product: LoanProduct, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        product.active
        and product.partner.status == Partner.Status.ACTIVE
        and product.valid_from <= today <= product.valid_until
    )


def referral_request(*, volunteer, product: LoanProduct, days: int, user, request=None) -> LoanReferral:
    """Ask for a referral: checks the tier, records the volunteer's consent for THIS bank, the
    loan purpose and LOAN_FIELDS for `days` days, and signs the attestation valid as long."""
    if not product_is_open(product):
        raise Refused("PRODUCT_CLOSED", _("This product is not offered at the moment."))
    snapshot = current_score(volunteer)
    tier = tier_for(product, snapshot.score)
    if tier is None:
        first = tiers_of(product)[0]
        raise Refused(
            "NOT_ELIGIBLE",
            _("Your credit score %(score)s is below %(min)s, the lowest band of this product.")
            % {"score": snapshot.score, "min": first.min_score},
        )
    if LoanReferral.objects.filter(
        volunteer=volunteer,
        product=product,
        status=LoanReferral.Status.PENDING,
        consent__withdrawn_at__isnull=True,
        valid_until__gt=timezone.now(),
    ).exists():
        raise Refused(
            "ALREADY_REFERRED", _("You already have a referral for this product awaiting the bank.")
        )
    hours = hours_summary(volunteer)
    statement = _(
        "I agree that %(bank)s may read my volunteer number, masked name, credit score, credit hours "
        "and star for a 志愿贷 loan referral for %(days)s days."
    ) % {"bank": product.partner.name, "days": days}
    with transaction.atomic():
        consent = consent_grant(
            volunteer=volunteer,
            partner=product.partner,
            purpose=Consent.Purpose.LOAN_REFERRAL,
            fields=[str(f) for f in LOAN_FIELDS],
            days=days,
            user=user,
            statement=statement,
        )
        referral = LoanReferral(
            product=product,
            volunteer=volunteer,
            consent=consent,
            score=snapshot.score,
            policy_version=snapshot.policy_version,
            credit_minutes=hours["credit_minutes"],
            star=hours["star"],
            tier=tier.index,
            quota=tier.quota,
            rate=tier.rate,
            nonce=secrets.token_hex(16),
            valid_until=consent.expires_at,
        )
        referral.attestation = attestation.sign(attestation.LOAN_KIND, attestation_fields(referral))
        referral.save()
        audit_log(
            action="loan_referral.request",
            actor=user,
            obj=referral,
            request=request,
            product=product.pk,
            score=snapshot.score,
            tier=tier.index,
        )
    return referral


def attestation_fields(referral: LoanReferral) -> dict:
    """What the attestation states: never the full name, never an ID number."""
    return {
        "vno": referral.volunteer.volunteer_number,
        "name": mask_name(referral.volunteer.real_name),
        "score": referral.score,
        "policy": referral.policy_version,
        "credit_hours": format_hours(referral.credit_minutes),
        "star": referral.star,
        "bank": referral.product.partner.name,
        "product": referral.product.name,
        "tier": referral.tier,
        "quota": referral.quota,
        "rate": str(referral.rate),
        "until": attestation.utc_iso(referral.valid_until),
        "nonce": referral.nonce,
    }


# --- the bank's side -------------------------------------------------------------------------


@dataclass(frozen=True)
class BankCheck:
    state: str  # "valid", "expired", "invalid", "unknown" (signed by us, not for this bank)
    fields: dict
    referral: LoanReferral | None = None


def referral_open(
    *, user, referral: LoanReferral, what: str, channel=PartnerAccess.Channel.WEB
) -> LoanReferral:
    """The bank officer opens a referral: 404 without a live consent, else an access row."""
    partner_read(
        user=user,
        partner=referral.product.partner,
        volunteer=referral.volunteer,
        purpose=Consent.Purpose.LOAN_REFERRAL,
        fields=[str(f) for f in LOAN_FIELDS],
        what=what,
        channel=channel,
    )
    return referral


def attestation_check(*, user, partner: Partner, text: str, channel=PartnerAccess.Channel.WEB) -> BankCheck:
    """A bank officer pastes or scans an attestation. Invalid or expired answers so without
    reading anything; a valid one must be in the register for this bank, and is read through
    the consent gate (404 once the volunteer withdrew)."""
    checked = attestation.check(text, attestation.LOAN_KIND)
    if not checked.valid:
        return BankCheck(checked.state, checked.fields)
    referral = (
        LoanReferral.objects.select_related("product__partner", "volunteer", "consent")
        .filter(nonce=str(checked.fields.get("nonce", "")), product__partner=partner)
        .first()
    )
    if referral is None:
        return BankCheck("unknown", checked.fields)
    if referral.attestation != attestation.extract(text):
        return BankCheck("invalid", {})
    referral_open(user=user, referral=referral, what=_("attestation verified"), channel=channel)
    return BankCheck("valid", checked.fields, referral)


def _decision_errors(referral, *, approve, amount, rate, disbursed_on, reason) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if approve:
        if amount is None or not 1 <= amount <= referral.product.max_amount:
            errors["amount"] = [
                _("Enter an amount from 1 to %(max)s CNY.") % {"max": referral.product.max_amount}
            ]
        if rate is None or not Decimal("0") <= Decimal(rate) <= Decimal("100"):
            errors["rate"] = [_("Enter an annual rate from 0 to 100 %.")]
        today = timezone.localdate()
        if disbursed_on is None:
            errors["disbursed_on"] = [_("Enter the date of the disbursement.")]
        elif disbursed_on > today or disbursed_on < timezone.localdate(referral.created_at):
            errors["disbursed_on"] = [_("The disbursement is dated between the referral and today.")]
    elif not (reason or "").strip():
        errors["reason"] = [_("Give a reason for the refusal.")]
    if len(reason or "") > 300:
        errors["reason"] = [_("At most %(n)s characters.") % {"n": 300}]
    return errors


def referral_decide(
    *,
    user,
    referral: LoanReferral,
    approve: bool,
    amount: int | None = None,
    rate: Decimal | None = None,
    disbursed_on: dt.date | None = None,
    reason: str = "",
    channel=PartnerAccess.Channel.WEB,
    request=None,
) -> LoanReferral:
    """The bank records its outcome: approved with the disbursement, or refused with a reason."""
    referral_open(user=user, referral=referral, what=_("decision recorded"), channel=channel)
    errors = _decision_errors(
        referral, approve=approve, amount=amount, rate=rate, disbursed_on=disbursed_on, reason=reason
    )
    if errors:
        raise FieldErrors(errors)
    outcome = {
        "status": LoanReferral.Status.APPROVED if approve else LoanReferral.Status.REFUSED,
        "decided_by": user,
        "decided_at": timezone.now(),
        "reason": (reason or "").strip(),
        "amount": amount if approve else None,
        "disbursed_rate": rate if approve else None,
        "disbursed_on": disbursed_on if approve else None,
    }
    with transaction.atomic():
        done = LoanReferral.objects.filter(pk=referral.pk, status=LoanReferral.Status.PENDING).update(
            **outcome
        )
        if done != 1:
            raise Refused("DECIDED", _("This referral has already been decided."))
        referral.refresh_from_db()
        audit_log(
            action="loan_referral.approve" if approve else "loan_referral.refuse",
            actor=user,
            obj=referral,
            request=request,
            amount=amount if approve else None,
            rate=str(rate) if approve and rate is not None else None,
            disbursed_on=disbursed_on.isoformat() if approve and disbursed_on else None,
            reason=outcome["reason"],
        )
        notify(
            user=referral.volunteer.user,
            kind="loan_referral_decided",
            title=_("%(bank)s decided on your 志愿贷 referral") % {"bank": referral.product.partner.name},
            body=(
                _("Approved: %(amount)s CNY at %(rate)s %%.") % {"amount": amount, "rate": rate}
                if approve
                else _("Refused: %(reason)s") % {"reason": outcome["reason"]}
            ),
            url=reverse("benefits:my_loans"),
        )
    return referral
