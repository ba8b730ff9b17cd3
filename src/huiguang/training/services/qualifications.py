"""Qualifications: granted by a passed course session (called by activities, down the layers),
recorded by an admin from an outside certificate, revoked with a reason. Every write audited.

Granting from a session is idempotent: the caller passes a `source_key` (the enrollment), unique
in the table, so a pass mark sent twice (a retry, two taps at once) grants one qualification.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.core.audit import audit_log
from huiguang.core.dates import add_months
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import MB, ImagePolicy, image_check
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.permissions import volunteer_visible_q

from ..models import Course, Qualification, QualificationType
from ..permissions import may_record_qualifications

# A photo or scan of a paper certificate.
EVIDENCE = ImagePolicy(
    formats=("JPEG", "PNG", "WEBP"),
    max_bytes=8 * MB,
    max_side=8000,
    min_side=300,
    format_message=gettext_lazy(
        "The evidence must be a photo or scan of the certificate (JPEG, PNG or WebP)."
    ),
)


def expiry_for(course: Course, issued_on: dt.date) -> dt.date | None:
    return add_months(issued_on, course.validity_months) if course.validity_months else None


def qualification_grant_from_session(
    *, volunteer_id: int, course: Course, issued_on: dt.date, source_key: str, source_label: str, actor=None
) -> Qualification | None:
    """The qualification a passed session grants (None when the course grants none). A revoked
    grant with the same key (the mark was changed to fail, then back to pass) is restored."""
    if course.grants_id is None:
        return None
    with transaction.atomic():
        found = Qualification.objects.select_for_update().filter(source_key=source_key).first()
        if found is not None:
            if found.revoked_at is not None:
                found.revoked_at, found.revoked_by, found.revoke_reason = None, None, ""
                found.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
                audit_log(action="qualification_restored", actor=actor, obj=found)
            return found
        try:
            with transaction.atomic():
                qualification = Qualification.objects.create(
                    volunteer_id=volunteer_id,
                    type_id=course.grants_id,
                    issued_on=issued_on,
                    expires_on=expiry_for(course, issued_on),
                    source=Qualification.Source.COURSE,
                    course=course,
                    source_label=source_label[:200],
                    source_key=source_key,
                    recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:  # the same pass mark granted at the same moment
            return Qualification.objects.get(source_key=source_key)
        audit_log(action="qualification_granted", actor=actor, obj=qualification, course=course.title)
    return qualification


def qualification_withdraw_from_session(*, source_key: str, actor=None) -> bool:
    """A pass mark changed to fail: the grant it made is revoked. False when there was none."""
    with transaction.atomic():
        found = (
            Qualification.objects.select_for_update().filter(source_key=source_key, revoked_at=None).first()
        )
        if found is None:
            return False
        found.revoked_at = timezone.now()
        found.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        found.revoke_reason = str(_("The session's result was changed to failed."))[:200]
        found.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_log(action="qualification_revoked", actor=actor, obj=found, reason=found.revoke_reason)
    return True


def _visible(actor, volunteer: Volunteer) -> bool:
    q = volunteer_visible_q(actor)
    return q is not None and Volunteer.objects.filter(q, pk=volunteer.pk).exists()


def qualification_record(
    *,
    actor,
    volunteer: Volunteer,
    type: QualificationType,  # noqa: A002 - the model's field name
    issued_on: dt.date,
    expires_on: dt.date | None,
    certificate_no: str,
    issuer: str,
    evidence,
    request=None,
) -> Qualification:
    """An admin records a qualification from an outside certificate; the photo of it is required."""
    if not may_record_qualifications(actor) or not _visible(actor, volunteer):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if issued_on > today:
        errors["issued_on"] = [_("The certificate cannot be issued in the future.")]
    if expires_on is not None and expires_on < issued_on:
        errors["expires_on"] = [_("The expiry must come after the issue date.")]
    if not certificate_no.strip():
        errors["certificate_no"] = [_("Give the certificate's number.")]
    if not issuer.strip():
        errors["issuer"] = [_("Say who issued the certificate.")]
    if evidence is None:
        errors["evidence"] = [_("Attach a photo or scan of the certificate.")]
    if errors:
        raise FieldErrors(errors)
    checked = image_check(evidence, field="evidence", policy=EVIDENCE)
    evidence.name = f"certificate{checked.extension}"
    with transaction.atomic():
        qualification = Qualification.objects.create(
            volunteer=volunteer,
            type=type,
            issued_on=issued_on,
            expires_on=expires_on,
            source=Qualification.Source.CERTIFICATE,
            source_label=issuer.strip()[:200],
            certificate_no=certificate_no.strip(),
            issuer=issuer.strip(),
            evidence=evidence,
            recorded_by=actor,
        )
        audit_log(
            action="qualification_recorded",
            actor=actor,
            obj=qualification,
            request=request,
            certificate_no=qualification.certificate_no,
        )
    return qualification


def qualification_revoke(*, actor, qualification: Qualification, reason: str, request=None) -> Qualification:
    if not may_record_qualifications(actor) or not _visible(actor, qualification.volunteer):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": [_("Say why the qualification is revoked.")]})
    with transaction.atomic():
        updated = Qualification.objects.filter(pk=qualification.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=actor, revoke_reason=reason[:200]
        )
        if not updated:
            raise Refused("ALREADY_REVOKED", _("This qualification has already been revoked."))
        qualification.refresh_from_db()
        audit_log(
            action="qualification_revoked", actor=actor, obj=qualification, request=request, reason=reason
        )
    return qualification
