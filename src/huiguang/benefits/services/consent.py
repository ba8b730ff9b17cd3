"""Consent: granting, withdrawing, and the one gate through which a partner reads a volunteer.

`partner_read` is the only way partner-facing code obtains a volunteer's data: without a live
consent for that partner and purpose it raises Http404 (the partner learns nothing, not even that
the volunteer exists), and with one it writes a `PartnerAccess` row the volunteer will see.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused

from ..models import Consent, Partner, PartnerAccess
from ..permissions import partners_of

MAX_CONSENT_DAYS = 366


def consent_grant(
    *,
    volunteer,
    partner: Partner,
    purpose: str,
    fields: list[str],
    days: int,
    user,
    statement: str = "",
) -> Consent:
    """Record the volunteer's (or the guardian's) separate consent for one recipient, one purpose
    and the named fields, for `days` days (PIPL art. 23/29)."""
    errors: dict[str, list[str]] = {}
    if purpose not in Consent.Purpose.values:
        errors["purpose"] = [_("Choose a purpose from the list.")]
    unknown = [f for f in fields if f not in Consent.Field.values]
    if not fields or unknown:
        errors["fields"] = [_("Choose at least one field from the list.")]
    if not 1 <= days <= MAX_CONSENT_DAYS:
        errors["days"] = [_("A consent lasts from 1 to %(max)s days.") % {"max": MAX_CONSENT_DAYS}]
    if errors:
        raise FieldErrors(errors)
    if partner.status != Partner.Status.ACTIVE:
        raise Refused("PARTNER_SUSPENDED", _("This partner is suspended and cannot receive data."))
    now = timezone.now()
    with transaction.atomic():
        consent = Consent.objects.create(
            volunteer=volunteer,
            partner=partner,
            purpose=purpose,
            fields=sorted(set(fields)),
            statement=statement,
            granted_at=now,
            expires_at=now + dt.timedelta(days=days),
            granted_by=user,
        )
        audit_log(action="consent.grant", actor=user, obj=consent, partner=partner.pk, purpose=purpose)
    return consent


def consent_withdraw(*, consent: Consent, user) -> Consent:
    """Withdraw a consent: from this moment the partner's pages and API answer 404 for the
    volunteer under it. Withdrawing twice is harmless."""
    with transaction.atomic():
        updated = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        consent.refresh_from_db()
        if updated:
            audit_log(action="consent.withdraw", actor=user, obj=consent, partner=consent.partner_id)
    return consent


def live_consent(
    *, partner: Partner, volunteer, purpose: str, at: dt.datetime | None = None
) -> Consent | None:
    at = at or timezone.now()
    return (
        Consent.objects.filter(
            partner=partner,
            volunteer=volunteer,
            purpose=purpose,
            withdrawn_at__isnull=True,
            granted_at__lte=at,
            expires_at__gt=at,
        )
        .order_by("-granted_at", "-pk")
        .first()
    )


def partner_read(
    *,
    user,
    partner: Partner,
    volunteer,
    purpose: str,
    fields: list[str],
    what: str,
    channel: str = PartnerAccess.Channel.WEB,
) -> Consent:
    """The gate of every partner read: `user` must act for `partner`, and the volunteer must hold a
    live consent for it and `purpose` covering `fields`; otherwise Http404. Writes the access row."""
    if not partners_of(user).filter(pk=partner.pk).exists():
        raise Http404
    consent = live_consent(partner=partner, volunteer=volunteer, purpose=purpose)
    if consent is None or not set(fields) <= set(consent.fields):
        raise Http404
    PartnerAccess.objects.create(
        consent=consent,
        partner=partner,
        volunteer=volunteer,
        user=user,
        fields=sorted(set(fields)),
        what=what[:200],
        channel=channel,
    )
    return consent
