"""Corrections of the ledger: make-up hours (补录), disputes, the volunteer's rating of an activity.

None of these paths changes a confirmed ServiceRecord: make-up hours and corrections are new rows
appended through `records.record_append` (part E), which confirms and chains them in the same
transaction. An accepted dispute becomes a reversing row (the whole original, negative minutes)
plus a corrected row, both linked to the dispute (记录办法: the organization verifies and fixes).

Who may do what:
- a make-up request is filed by someone who edits the organization's activities (its admins, the
  admins above it, the region's admins, its team leaders) for an active member of it;
- a *second* admin who manages the organization decides it (never the requester);
- the organization's managers answer disputes.
A user outside those gets PermissionDenied (the views answer 404); a rule that refuses gets
Refused (409) with a reason code.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.formatting import format_hours
from huiguang.notifications.services import notify

from ..models import ActivityRating, Dispute, MakeupRequest, ServiceRecord
from ..permissions import may_manage_records, may_request_makeup_for
from ..selectors.corrections import is_active_member, served_records
from ..selectors.records import actor_name
from .records import record_append

MAKEUP_APPROVED = "makeup_approved"
MAKEUP_REJECTED = "makeup_rejected"
DISPUTE_ANSWERED = "dispute_answered"

# The 2012 记录办法 fields a correction copies from the record it corrects.
RECORD_FIELDS = ("activity_name", "place", "recipients", "content", "responsible_person", "recorder")


def makeup_deadline(service_date: dt.date) -> dt.date:
    """The last day on which make-up hours for `service_date` may still be requested."""
    return service_date + dt.timedelta(days=settings.HUIGUANG_MAKEUP_LIMIT_DAYS)


# --- make-up hours (补录) ----------------------------------------------------------------------------


def makeup_request_create(
    *,
    actor,
    volunteer,
    organization,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    reason: str,
    activity=None,
    request=None,
) -> MakeupRequest:
    """File a make-up request. The service date is the local date of `started_at`; it must lie
    within HUIGUANG_MAKEUP_LIMIT_DAYS before today (DESIGN §5) and not in the future."""
    if activity is not None:
        organization = activity.organization
    if not may_request_makeup_for(actor, organization):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the hours were not recorded.")]
    if started_at is None or ended_at is None or ended_at <= started_at:
        errors["ended_at"] = [_("The end must be after the start.")]
    elif ended_at - started_at > dt.timedelta(hours=settings.HUIGUANG_DAILY_CAP_HOURS):
        errors["ended_at"] = [
            _("At most %(hours)d hours can be recorded for one day.")
            % {"hours": settings.HUIGUANG_DAILY_CAP_HOURS}
        ]
    elif timezone.localdate(started_at) != timezone.localdate(ended_at):
        errors["ended_at"] = [_("The start and the end must be on the same day.")]
    if errors:
        raise FieldErrors(errors)
    service_date = timezone.localdate(started_at)
    today = timezone.localdate()
    if ended_at > timezone.now():
        raise Refused("IN_FUTURE", _("Make-up hours are for service already done."))
    if today > makeup_deadline(service_date):
        raise Refused(
            "TOO_LATE",
            _("Make-up hours can be requested up to %(days)d days after the service date.")
            % {"days": settings.HUIGUANG_MAKEUP_LIMIT_DAYS},
        )
    if not is_active_member(volunteer, organization):
        raise Refused("NOT_MEMBER", _("The volunteer is not an active member of this organization."))
    with transaction.atomic():
        makeup = MakeupRequest.objects.create(
            volunteer=volunteer,
            organization=organization,
            activity=activity,
            service_date=service_date,
            started_at=started_at,
            ended_at=ended_at,
            reason=reason[:500],
            requested_by=actor,
        )
        audit_log(action="makeup.request", actor=actor, obj=makeup, request=request, volunteer=volunteer.pk)
    return makeup


def _decide(makeup: MakeupRequest, *, actor, status: str, note: str) -> None:
    """Move a pending request to `status`; a second decision (or a concurrent one) is refused."""
    updated = MakeupRequest.objects.filter(pk=makeup.pk, status=MakeupRequest.Status.PENDING).update(
        status=status, decided_by=actor, decided_at=timezone.now(), decision_note=note[:300]
    )
    if updated != 1:
        raise Refused("DECIDED", _("This request has already been decided."))
    makeup.refresh_from_db()


def _check_decider(actor, makeup: MakeupRequest) -> None:
    if not may_manage_records(actor, makeup.organization):
        raise PermissionDenied
    if makeup.requested_by_id == actor.pk:
        # 补录 needs a second person's approval (DESIGN §5).
        raise Refused("SAME_PERSON", _("A second administrator must decide: you filed this request."))


def makeup_request_approve(*, actor, makeup: MakeupRequest, request=None) -> MakeupRequest:
    """Approve: appends a confirmed make-up record (honour hours, never credit hours)."""
    _check_decider(actor, makeup)
    activity = makeup.activity
    organization = makeup.organization
    fields = {
        "activity_name": (activity.title if activity else makeup.reason)[:200],
        "place": (activity.address if activity else "")[:200],
        "recipients": (
            (activity.description.strip().splitlines() or [""])[0]
            if activity and activity.description
            else ""
        )[:200],
        "content": makeup.reason[:300],
        "responsible_person": (getattr(organization, "contact_name", "") or "")[:64],
        "recorder": actor_name(makeup.requested_by),
        "note": _("Make-up hours approved by %(name)s") % {"name": actor_name(actor)},
    }
    with transaction.atomic():
        _decide(makeup, actor=actor, status=MakeupRequest.Status.APPROVED, note="")
        record = record_append(
            actor=actor,
            volunteer=makeup.volunteer,
            organization=organization,
            kind=ServiceRecord.Kind.MAKEUP,
            source=ServiceRecord.Source.MAKEUP,
            minutes=makeup.minutes,
            service_date=makeup.service_date,
            started_at=makeup.started_at,
            ended_at=makeup.ended_at,
            is_credit=False,
            activity=activity,
            fields=fields,
            confirm=True,
        )
        MakeupRequest.objects.filter(pk=makeup.pk).update(record=record)
        makeup.record = record
        audit_log(action="makeup.approve", actor=actor, obj=makeup, request=request, record=record.pk)
        notify(
            user=makeup.volunteer.user,
            kind=MAKEUP_APPROVED,
            title=_("Make-up hours recorded: %(name)s") % {"name": fields["activity_name"]},
            body=_("%(hours)s hours on %(date)s were added to your record as honour hours.")
            % {"hours": format_hours(record.minutes), "date": makeup.service_date.isoformat()},
            url=reverse("ledger:my_hours"),
        )
    return makeup


def makeup_request_reject(*, actor, makeup: MakeupRequest, note: str, request=None) -> MakeupRequest:
    _check_decider(actor, makeup)
    note = (note or "").strip()
    if not note:
        raise FieldErrors({"note": [_("Say why the request is rejected.")]})
    with transaction.atomic():
        _decide(makeup, actor=actor, status=MakeupRequest.Status.REJECTED, note=note)
        audit_log(action="makeup.reject", actor=actor, obj=makeup, request=request)
        notify(
            user=makeup.volunteer.user,
            kind=MAKEUP_REJECTED,
            title=_("Make-up hours not approved"),
            body=note,
            url=reverse("ledger:my_hours"),
        )
    return makeup


# --- disputes ---------------------------------------------------------------------------------------


def record_disputable(record: ServiceRecord) -> bool:
    """A confirmed row that adds hours and has not been reversed yet (the caller annotates
    `is_reversed`, or it is read here)."""
    if record.status != ServiceRecord.Status.CONFIRMED or record.kind == ServiceRecord.Kind.REVERSAL:
        return False
    reversed_ = getattr(record, "is_reversed", None)
    if reversed_ is None:
        reversed_ = record.reversals.exclude(status=ServiceRecord.Status.REJECTED).exists()
    return not reversed_


def dispute_open(
    *, volunteer, record: ServiceRecord, reason: str, claimed_minutes: int | None = None, request=None
) -> Dispute:
    """The volunteer contests one of their confirmed records; one open dispute per record."""
    if record.volunteer_id != volunteer.pk:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say what is wrong with this record.")]
    cap = settings.HUIGUANG_DAILY_CAP_HOURS * 60
    if claimed_minutes is not None and not 0 <= claimed_minutes <= cap:
        errors["claimed_minutes"] = [_("Give between 0 and %(max)d minutes.") % {"max": cap}]
    if errors:
        raise FieldErrors(errors)
    if not record_disputable(record):
        raise Refused(
            "NOT_DISPUTABLE", _("Only a confirmed record that has not been corrected can be disputed.")
        )
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                record=record, volunteer=volunteer, reason=reason[:500], claimed_minutes=claimed_minutes
            )
            audit_log(
                action="dispute.open", actor=volunteer.user, obj=dispute, request=request, record=record.pk
            )
    except IntegrityError:
        raise Refused("ALREADY_OPEN", _("This record is already disputed; wait for the answer.")) from None
    return dispute


def _close(dispute: Dispute, *, actor, status: str, answer: str) -> None:
    updated = Dispute.objects.filter(pk=dispute.pk, status=Dispute.Status.OPEN).update(
        status=status, answer=answer[:500], answered_by=actor, answered_at=timezone.now()
    )
    if updated != 1:
        raise Refused("ANSWERED", _("This dispute has already been answered."))
    dispute.refresh_from_db()


def dispute_accept(*, actor, dispute: Dispute, minutes: int, answer: str = "", request=None) -> Dispute:
    """Fix the record: a reversal of the whole original and, unless the right answer is nothing,
    a corrected row with `minutes` and the same fields; both linked to the dispute, both confirmed
    and chained by record_append. The credit flag is the original's."""
    original = dispute.record
    if not may_manage_records(actor, original.organization):
        raise PermissionDenied
    cap = settings.HUIGUANG_DAILY_CAP_HOURS * 60
    if minutes is None or not 0 <= minutes <= cap:
        raise FieldErrors({"minutes": [_("Give between 0 and %(max)d minutes.") % {"max": cap}]})
    answer = (answer or "").strip()
    fields = {name: getattr(original, name) for name in RECORD_FIELDS}
    fields["evaluation"] = original.evaluation
    fields["note"] = (_("Dispute #%(id)d") % {"id": dispute.pk})[:300]
    common = {
        "actor": actor,
        "volunteer": original.volunteer,
        "organization": original.organization,
        "source": ServiceRecord.Source.CORRECTION,
        "service_date": original.service_date,
        "is_credit": original.is_credit,
        "activity": original.activity,
        "dispute": dispute,
        "confirm": True,
    }
    with transaction.atomic():
        _close(dispute, actor=actor, status=Dispute.Status.ACCEPTED, answer=answer)
        reversal = record_append(
            kind=ServiceRecord.Kind.REVERSAL,
            minutes=-original.minutes,
            started_at=original.started_at,
            ended_at=original.ended_at,
            reverses=original,
            fields=dict(fields),
            **common,
        )
        correction = None
        if minutes > 0:
            started = original.started_at
            correction = record_append(
                kind=ServiceRecord.Kind.CORRECTION,
                minutes=minutes,
                started_at=started,
                ended_at=started + dt.timedelta(minutes=minutes) if started else None,
                fields=dict(fields),
                **common,
            )
        audit_log(
            action="dispute.accept",
            actor=actor,
            obj=dispute,
            request=request,
            reversal=reversal.pk,
            correction=correction.pk if correction else None,
            minutes=minutes,
        )
        notify(
            user=original.volunteer.user,
            kind=DISPUTE_ANSWERED,
            title=_("Your dispute was accepted: %(name)s") % {"name": original.activity_name},
            body=_("The record now counts %(hours)s hours.") % {"hours": format_hours(minutes)}
            + (f"\n{answer}" if answer else ""),
            url=reverse("ledger:my_hours"),
        )
    return dispute


def dispute_reject(*, actor, dispute: Dispute, answer: str, request=None) -> Dispute:
    if not may_manage_records(actor, dispute.record.organization):
        raise PermissionDenied
    answer = (answer or "").strip()
    if not answer:
        raise FieldErrors({"answer": [_("Tell the volunteer why the record stays as it is.")]})
    with transaction.atomic():
        _close(dispute, actor=actor, status=Dispute.Status.REJECTED, answer=answer)
        audit_log(action="dispute.reject", actor=actor, obj=dispute, request=request)
        notify(
            user=dispute.volunteer.user,
            kind=DISPUTE_ANSWERED,
            title=_("Your dispute was not accepted: %(name)s") % {"name": dispute.record.activity_name},
            body=answer,
            url=reverse("ledger:my_hours"),
        )
    return dispute


# --- the volunteer rates the activity -------------------------------------------------------------------


def activity_rate(*, volunteer, activity, rating: int, comment: str = "") -> ActivityRating:
    """A volunteer with a confirmed record of the activity rates it (1–5); rating again replaces
    their earlier rating."""
    errors: dict[str, list[str]] = {}
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        errors["rating"] = [_("Give a rating from 1 to 5.")]
    comment = (comment or "").strip()
    if len(comment) > 300:
        errors["comment"] = [_("At most 300 characters.")]
    if errors:
        raise FieldErrors(errors)
    if not served_records(volunteer, activity).exists():
        raise Refused("NOT_SERVED", _("Only volunteers with confirmed hours in an activity can rate it."))
    with transaction.atomic():
        obj, _created = ActivityRating.objects.update_or_create(
            activity=activity, volunteer=volunteer, defaults={"rating": rating, "comment": comment}
        )
    return obj
