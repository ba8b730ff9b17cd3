"""志愿服务记录证明 (2015 guidance): request, issue from the issuer's register, refuse, revoke.

Who issues: the organization whose hours are certified. A certificate of the hours of *every*
organization is issued by one organization the volunteer chooses: one they served (has
confirmed records of theirs) or a city-level organization (the city's volunteer association or
federation), which may certify the city-wide total from the shared ledger.

Who may act for an issuer: its organization admins (or an ancestor's), region admins of its
region subtree and city admins: `Scope.managed_organizations_q`.

Hours are computed from CONFIRMED records only, reversals included (they are negative), so a
corrected record counts once. They are computed when the certificate is requested (a preview)
and again when it is issued (what the certificate says).

Numbers come from the issuer's register, CertificateSequence(organization, year): a guarded
`UPDATE ... SET last = last + 1` read back in the same transaction. The UPDATE's row lock (on
PostgreSQL) or the database write lock (SQLite) holds until commit, so two issuers never read
the same number and numbers have no gaps (a failed issue rolls its increment back).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huiguang.core import crypto
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.formatting import format_hours
from huiguang.network.models import Organization
from huiguang.notifications.services import notify
from huiguang.volunteers.models import Volunteer

from ..models import Certificate, CertificateSequence
from ..permissions import may_issue_certificate
from ..selectors.certificates import certificate_by_number, certificate_hours, has_served, issuer_choices

SUMMARY_ACTIVITIES = 8  # the service content lists the activities with the most hours


# --- the text of a certificate -----------------------------------------------------------------


def summary_text(activities: list[dict]) -> str:
    """The service content in the site's language: "敬老助餐（3次，6.0小时）；…等12项活动"."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = [
            _("%(name)s (%(count)s times, %(hours)s h)")
            % {"name": a["name"], "count": a["count"], "hours": format_hours(a["minutes"])}
            for a in activities[:SUMMARY_ACTIVITIES]
        ]
        text = _("; ").join(parts)
        if len(activities) > SUMMARY_ACTIVITIES:
            text += _(", %(n)s activities in all") % {"n": len(activities)}
        return text


# --- writes -------------------------------------------------------------------------------------


def certificate_request(
    *,
    volunteer: Volunteer,
    issuer: Organization,
    all_organizations: bool,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    purpose: str = "",
    request=None,
) -> Certificate:
    errors: dict[str, list[str]] = {}
    if period_start and period_end and period_start > period_end:
        errors["period_end"] = [_("The end of the period is before its start.")]
    today = timezone.localdate()
    if period_start and period_start > today:
        errors["period_start"] = [_("The period cannot start in the future.")]
    if not issuer_choices(volunteer).filter(pk=issuer.pk).exists():
        errors["issuer"] = [_("Choose an organization you served with or the city's volunteer association.")]
    elif not all_organizations and not has_served(volunteer, issuer):
        errors["issuer"] = [
            _("You have no confirmed hours with this organization; ask for the hours of every organization.")
        ]
    if len(purpose) > 200:
        errors["purpose"] = [_("At most 200 characters.")]
    if errors:
        raise FieldErrors(errors)
    hours = certificate_hours(
        volunteer=volunteer,
        issuer=issuer,
        all_organizations=all_organizations,
        period_start=period_start,
        period_end=period_end,
    )
    if hours.total_minutes <= 0:
        raise FieldErrors({"__all__": [_("There are no confirmed hours to certify in this scope.")]})
    with transaction.atomic():
        cert = Certificate.objects.create(
            volunteer=volunteer,
            issuer=issuer,
            all_organizations=all_organizations,
            period_start=period_start,
            period_end=period_end,
            purpose=purpose.strip(),
            total_minutes=hours.total_minutes,
            credit_minutes=hours.credit_minutes,
            summary=summary_text(hours.activities),
        )
        audit_log(action="certificate_requested", actor=volunteer.user, obj=cert, request=request)
    return cert


def certificate_next_number(*, organization: Organization, year: int) -> str:
    """The next number of the issuer's register; call inside the issuing transaction."""
    try:
        with transaction.atomic():  # a savepoint: a concurrent creator of the row wins, we reuse it
            CertificateSequence.objects.get_or_create(organization=organization, year=year)
    except IntegrityError:
        pass
    # The guarded UPDATE: one statement, so no two transactions read the same `last`.
    updated = CertificateSequence.objects.filter(organization=organization, year=year).update(
        last=F("last") + 1
    )
    if updated != 1:
        raise RuntimeError("certificate register row missing")
    last = (
        CertificateSequence.objects.filter(organization=organization, year=year)
        .values_list("last", flat=True)
        .get()
    )
    return f"{organization.code}-{year}-{last:05d}"


def canonical_payload(fields: dict) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def payload_fields(cert: Certificate, *, first_date=None, last_date=None) -> dict:
    """What the QR code signs: enough to check the paper, never the full ID number."""
    start = cert.period_start or first_date
    end = cert.period_end or last_date
    return {
        "no": cert.number,
        "name": cert.volunteer.real_name,
        "vno": cert.volunteer.volunteer_number,
        "id": cert.volunteer.id_masked,
        "h": format_hours(cert.total_minutes),
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
        "issuer": cert.issuer.name,
        "date": timezone.localdate(cert.issued_at).isoformat(),
    }


def certificate_issue(
    *,
    actor,
    certificate: Certificate,
    responsible_person: str = "",
    handler: str = "",
    contact: str = "",
    request=None,
) -> Certificate:
    if not may_issue_certificate(actor, certificate):
        raise Http404
    issuer = certificate.issuer
    responsible_person = (responsible_person or issuer.contact_name).strip()
    handler = (handler or getattr(actor, "display_name", "") or "").strip()
    contact = (contact or issuer.contact_phone).strip()
    errors = {}
    for name, value, limit in (
        ("responsible_person", responsible_person, 64),
        ("handler", handler, 64),
        ("contact", contact, 64),
    ):
        if not value:
            errors[name] = [_("Fill this in.")]
        elif len(value) > limit:
            errors[name] = [_("At most %(n)s characters.") % {"n": limit}]
    if errors:
        raise FieldErrors(errors)
    volunteer = certificate.volunteer
    now = timezone.now()
    with transaction.atomic():
        # Claim the request first: of two admins issuing it at once, one wins, and only the
        # winner takes a number from the register.
        claimed = Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.REQUESTED).update(
            status=Certificate.Status.ISSUED, issued_at=now, issued_by=actor
        )
        if claimed != 1:
            raise Refused("NOT_REQUESTED", _("This certificate is no longer awaiting issue."))
        hours = certificate_hours(
            volunteer=volunteer,
            issuer=issuer,
            all_organizations=certificate.all_organizations,
            period_start=certificate.period_start,
            period_end=certificate.period_end,
        )
        if hours.total_minutes <= 0:
            raise Refused("NO_HOURS", _("There are no confirmed hours to certify in this scope."))
        certificate.refresh_from_db()
        certificate.number = certificate_next_number(organization=issuer, year=timezone.localdate(now).year)
        certificate.total_minutes = hours.total_minutes
        certificate.credit_minutes = hours.credit_minutes
        certificate.summary = summary_text(hours.activities)
        certificate.responsible_person = responsible_person
        certificate.handler = handler
        certificate.contact = contact
        if not certificate.period_start:
            certificate.period_start = hours.first_date
        if not certificate.period_end:
            certificate.period_end = hours.last_date
        certificate.payload = crypto.sign_token(canonical_payload(payload_fields(certificate)))
        certificate.save(
            update_fields=[
                "number",
                "total_minutes",
                "credit_minutes",
                "summary",
                "responsible_person",
                "handler",
                "contact",
                "period_start",
                "period_end",
                "payload",
            ]
        )
        audit_log(
            action="certificate_issued",
            actor=actor,
            obj=certificate,
            request=request,
            number=certificate.number,
        )
        notify(
            user=volunteer.user,
            kind="certificate_issued",
            title=_("Your certificate %(number)s has been issued") % {"number": certificate.number},
            body=_("%(issuer)s certified %(hours)s hours of volunteer service.")
            % {"issuer": issuer.name, "hours": format_hours(certificate.total_minutes)},
            url=reverse("ledger:my_certificates"),
        )
    return certificate


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": [_("Give a reason.")]})
    if len(reason) > 300:
        raise FieldErrors({"reason": [_("At most %(n)s characters.") % {"n": 300}]})
    return reason


def certificate_refuse(*, actor, certificate: Certificate, reason: str, request=None) -> Certificate:
    if not may_issue_certificate(actor, certificate):
        raise Http404
    reason = _reason(reason)
    with transaction.atomic():
        done = Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.REQUESTED).update(
            status=Certificate.Status.REFUSED, status_reason=reason
        )
        if done != 1:
            raise Refused("NOT_REQUESTED", _("This certificate is no longer awaiting issue."))
        certificate.refresh_from_db()
        audit_log(action="certificate_refused", actor=actor, obj=certificate, request=request, reason=reason)
        notify(
            user=certificate.volunteer.user,
            kind="certificate_refused",
            title=_("Your certificate request was refused"),
            body=reason,
            url=reverse("ledger:my_certificates"),
        )
    return certificate


def certificate_revoke(*, actor, certificate: Certificate, reason: str, request=None) -> Certificate:
    if not may_issue_certificate(actor, certificate):
        raise Http404
    reason = _reason(reason)
    with transaction.atomic():
        done = Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.ISSUED).update(
            status=Certificate.Status.REVOKED, status_reason=reason, revoked_at=timezone.now()
        )
        if done != 1:
            raise Refused("NOT_ISSUED", _("Only an issued certificate can be revoked."))
        certificate.refresh_from_db()
        audit_log(action="certificate_revoked", actor=actor, obj=certificate, request=request, reason=reason)
        notify(
            user=certificate.volunteer.user,
            kind="certificate_revoked",
            title=_("Your certificate %(number)s has been revoked") % {"number": certificate.number},
            body=reason,
            url=reverse("ledger:my_certificates"),
        )
    return certificate


# --- verification -------------------------------------------------------------------------------


def public_name(name: str) -> str:
    """The name on the public verification page: 张*明, 王*, 欧阳**锋 (first and last kept)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class Verification:
    state: str  # "valid", "revoked", "unknown", "invalid" (a payload whose signature fails)
    certificate: Certificate | None = None
    fields: dict | None = None

    @property
    def masked_name(self) -> str:
        if self.fields:
            return public_name(str(self.fields.get("name", "")))
        return public_name(self.certificate.volunteer.real_name) if self.certificate else ""


def decode_payload(token: str, public_key: str | None = None) -> dict:
    """The signed fields of a QR payload (or of a verification URL carrying it); raises SignatureError."""
    token = (token or "").strip()
    if "payload=" in token:
        token = token.split("payload=", 1)[1].split("&", 1)[0]
    raw = crypto.verify_token(token, public_key=public_key)
    try:
        fields = json.loads(raw.decode())
    except (UnicodeDecodeError, ValueError) as exc:
        raise crypto.SignatureError("not a certificate payload") from exc
    if not isinstance(fields, dict) or "no" not in fields:
        raise crypto.SignatureError("not a certificate payload")
    return fields


def certificate_verify(*, number: str = "", payload: str = "") -> Verification:
    """Public: by number or by a scanned payload. A payload must verify and match the register."""
    fields = None
    if payload:
        try:
            fields = decode_payload(payload)
        except crypto.SignatureError:
            return Verification("invalid")
        number = str(fields.get("no", ""))
    cert = certificate_by_number(number)
    if cert is None:
        return Verification("unknown", fields=fields)
    if fields is not None and cert.payload and fields != decode_payload(cert.payload):
        return Verification("invalid", fields=fields)
    state = "revoked" if cert.status == Certificate.Status.REVOKED else "valid"
    return Verification(state, certificate=cert, fields=fields)
