"""Offers and their claims: create and edit an offer, claim it, cancel a claim, redeem a code.

Locking (docs/locking.md, "offers"):

- claiming runs in one short transaction that on PostgreSQL first locks the volunteer's row and
  then the offer's row (`FOR NO KEY UPDATE`, in that order; SQLite's IMMEDIATE transaction holds
  the write lock from BEGIN), re-checks eligibility and the quota on committed data, takes a unit
  with the guarded `UPDATE offer SET taken = taken + 1 WHERE id = … AND taken < stock` (the row
  count decides) and inserts the claim with its unique code;
- cancelling an unused claim is `UPDATE redemption SET cancelled_at = now WHERE id = … AND
  used_at IS NULL AND cancelled_at IS NULL`, and only when that changed a row is the unit given back
  (`… SET taken = taken - 1 WHERE taken > 0`), in the same transaction;
- redeeming is the single guarded statement `UPDATE redemption SET used_at = now, used_by = …
  WHERE code = … AND partner = <the clerk's partner> AND used_at IS NULL AND cancelled_at IS NULL
  AND expires_at > now`: however many clerks send the code at once, one row count is 1.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.volunteers.models import Volunteer

from ..eligibility import REASONS, offer_check, period_key, volunteer_facts
from ..models import Offer, Partner, Redemption

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or typed on a phone keyboard is not misread.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8

OFFER_FIELDS = (
    "title",
    "category",
    "description",
    "min_star",
    "min_score",
    "new_residents_only",
    "region",
    "quota",
    "period",
    "stock",
    "valid_from",
    "valid_until",
    "code_days",
    "active",
)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """What the clerk typed or scanned (a URL of ours, "abcd-efgh", spaces) → the stored code."""
    raw = (raw or "").strip()[:300]
    if "/" in raw:
        raw = raw.rstrip("/").rsplit("/", 1)[-1]
    return "".join(ch for ch in raw.upper() if ch.isalnum())[: CODE_LENGTH + 4]


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


class ClaimRefused(Refused):
    pass


# --- offers ---------------------------------------------------------------------------------------


def _check_offer(data: dict) -> None:
    errors: dict[str, list[str]] = {}
    if data["valid_until"] <= data["valid_from"]:
        errors["valid_until"] = [_("The end of the validity must come after its start.")]
    if data["min_star"] > 5:
        errors["min_star"] = [_("Stars go from 0 to 5.")]
    if data["quota"] < 1:
        errors["quota"] = [_("Allow at least one claim per period.")]
    if data["code_days"] < 1:
        errors["code_days"] = [_("A code stays valid for at least one day.")]
    if errors:
        raise FieldErrors(errors)


def offer_create(*, user, partner: Partner, request=None, **data) -> Offer:
    _check_offer(data)
    with transaction.atomic():
        offer = Offer.objects.create(partner=partner, created_by=user, **{k: data[k] for k in OFFER_FIELDS})
        audit_log(action="offer.create", actor=user, obj=offer, request=request, partner=partner.pk)
    return offer


def offer_update(*, user, offer: Offer, request=None, **data) -> Offer:
    """Change an offer; the stock never drops below the units already taken (guarded UPDATE)."""
    _check_offer(data)
    values = {k: data[k] for k in OFFER_FIELDS}
    with transaction.atomic():
        if not Offer.objects.filter(pk=offer.pk, taken__lte=values["stock"]).update(**values):
            raise FieldErrors(
                {
                    "stock": [
                        _("%(n)s units are already claimed: the stock cannot be smaller.")
                        % {"n": offer.taken}
                    ]
                }
            )
        offer.refresh_from_db()
        audit_log(action="offer.update", actor=user, obj=offer, request=request, stock=offer.stock)
    return offer


# --- claims ---------------------------------------------------------------------------------------


def _lock(volunteer_id: int, offer_id: int) -> Offer:
    """Lock the volunteer, then the offer (PostgreSQL; no-ops on SQLite)."""
    list(Volunteer.objects.select_for_update(of=("self",), no_key=True).filter(pk=volunteer_id))
    return (
        Offer.objects.select_for_update(of=("self",), no_key=True)
        .select_related("partner", "region")
        .get(pk=offer_id)
    )


def redemption_claim(*, volunteer, offer: Offer, request=None) -> Redemption:
    """Claim one unit of `offer` for `volunteer`: a Redemption with a new one-time code, or
    ClaimRefused with the first reason of eligibility.offer_check (SOLD_OUT when the guard finds no
    unit left)."""
    now = timezone.now()
    with transaction.atomic():
        offer = _lock(volunteer.pk, offer.pk)
        decision = offer_check(offer, volunteer_facts(volunteer, [offer], now), now)
        if not decision.ok:
            reason = decision.reasons[0]
            raise ClaimRefused(reason.code, reason.message)
        if not Offer.objects.filter(pk=offer.pk, taken__lt=F("stock")).update(taken=F("taken") + 1):
            raise ClaimRefused("SOLD_OUT", str(REASONS["SOLD_OUT"]))
        expires = min(now + dt.timedelta(days=offer.code_days), offer.valid_until)
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    claim = Redemption.objects.create(
                        offer=offer,
                        partner_id=offer.partner_id,
                        volunteer=volunteer,
                        code=new_code(),
                        period_key=period_key(offer.period, now),
                        claimed_at=now,
                        expires_at=expires,
                    )
                break
            except IntegrityError:  # a code already given out: draw another
                continue
        else:
            raise ClaimRefused("RETRY", _("Please try again."))
        audit_log(action="offer.claim", actor=volunteer.user, obj=claim, request=request, offer=offer.pk)
    return claim


def redemption_cancel(*, volunteer, claim: Redemption, request=None) -> Redemption:
    """Cancel an unused claim and give its unit back to the stock. Twice is harmless."""
    with transaction.atomic():
        cancelled = Redemption.objects.filter(
            pk=claim.pk, volunteer=volunteer, used_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
        if cancelled:
            Offer.objects.filter(pk=claim.offer_id, taken__gt=0).update(taken=F("taken") - 1)
            audit_log(action="offer.cancel", actor=volunteer.user, obj=claim, request=request)
        elif Redemption.objects.filter(pk=claim.pk, used_at__isnull=False).exists():
            raise Refused("USED", _("This code has been redeemed already and cannot be cancelled."))
        claim.refresh_from_db()
    return claim


def _why_not(code: str, partner: Partner, now) -> Refused:
    claim = Redemption.objects.filter(code=code, partner=partner).first()
    if claim is None:
        # Unknown here, or another partner's: the same answer, so that nothing about other
        # partners' codes leaks.
        return Refused("NOT_HERE", _("This is not a code of %(partner)s.") % {"partner": partner.name})
    if claim.used_at is not None:
        return Refused(
            "USED",
            _("This code was redeemed already on %(at)s.")
            % {"at": timezone.localtime(claim.used_at).strftime("%Y-%m-%d %H:%M")},
        )
    if claim.cancelled_at is not None:
        return Refused("CANCELLED", _("The volunteer cancelled this claim."))
    return Refused("EXPIRED", _("This code has expired."))


def redemption_redeem(*, user, partner: Partner, code: str, request=None) -> Redemption:
    """Redeem `code` at `partner` (whose staff `user` must be; the caller checks): used at most once
    however many clerks try at once, and only at the offer's own partner."""
    code = normalize_code(code)
    if not code:
        raise FieldErrors({"code": [_("Type the code the volunteer shows.")]})
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            list(Redemption.objects.select_for_update(no_key=True).filter(code=code, partner=partner))
        used = Redemption.objects.filter(
            code=code,
            partner=partner,
            used_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=now,
        ).update(used_at=now, used_by=user)
        if used:
            claim = Redemption.objects.select_related("offer", "volunteer").get(code=code)
            audit_log(action="offer.redeem", actor=user, obj=claim, request=request, partner=partner.pk)
            return claim
    exc = _why_not(code, partner, now)
    audit_log(
        action="offer.redeem",
        actor=user,
        outcome="denied",
        request=request,
        partner=partner.pk,
        reason=exc.reason,
    )
    raise exc
