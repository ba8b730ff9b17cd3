"""Service records: from attendance to the ledger, confirmation and rejection, appended rows
(reversals, corrections, make-up hours) — DESIGN §5.

A confirmed row is never changed by the application. The only write that touches a record's
status is a guarded `UPDATE … WHERE status = 'pending'` (confirm or reject); no code path here
calls `save()` on an existing record. Confirming chains the record (chaining.py: the head lock,
the rollups, the star), and the confirming transaction puts what it chained under a new seal
(sealing.py) before it commits.

Creating a record (from attendance or appended) first locks the volunteer row (`FOR NO KEY
UPDATE` on PostgreSQL) so that two writes at once cannot both pass the overlap rule and the
daily cap (rules.py).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.models import Enrollment
from huiguang.attendance.signals import NOTHING_TO_COUNT
from huiguang.core.audit import audit_log
from huiguang.core.compiled import CompiledUpdate
from huiguang.core.errors import FieldErrors, Refused
from huiguang.training.selectors import training_policy

from ..models import ServiceRecord
from ..permissions import managed_q, may_manage_records
from ..selectors.hours import current_policy
from ..selectors.records import actor_name, pending_list_for
from .chaining import announce_confirmed, chain_record
from .rules import (
    attended_window,
    check_daily_cap,
    check_overlap,
    check_overlap_and_daily_cap,
    lock_volunteer,
    whole_minutes,
)
from .sealing import seal_records

R = ServiceRecord
ATTENDANCE_SOURCES = (R.Source.QR, R.Source.CODE_GPS, R.Source.LEADER, R.Source.ECARD)
# The fields of the 2012 记录办法 (and the note) a caller of record_append may set.
APPENDABLE_FIELDS = (
    "activity_name",
    "place",
    "recipients",
    "content",
    "evaluation",
    "rating",
    "responsible_person",
    "recorder",
    "note",
    "region_code",
    "shift",
    "enrollment",
)


# --- from attendance --------------------------------------------------------------------------------------


def record_from_attendance(
    *,
    enrollment,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    source: str,
    actor=None,
    pending_note: str = "",
    volunteer_locked: bool = False,
) -> ServiceRecord | None:
    """A pending record for one check-in/check-out pair (several pairs a day: one record each).

    A training session (an activity with a course) counts only if the city's training policy says
    so, and then as non-credit hours (荣誉时数); otherwise the attendee is marked attended and no
    record is written (None).

    Refuses OUTSIDE_SHIFT (no minute inside the shift), OVERLAPS (another record of the
    volunteer at that time) and DAILY_CAP (the day's total would pass the cap).

    On the check-out's path (issue 14) this is three statements: the rules in one query, the
    insert and the attended mark. `volunteer_locked`: the caller's transaction already locked the
    volunteer (attendance does); `enrollment` should come with its shift, activity, organization,
    region, category, site and volunteer loaded (attendance's enrollments_for_checkin), or they
    are read one by one."""
    if source not in R.Source.values:
        raise FieldErrors({"source": [_("Unknown source.")]})
    if ended_at <= started_at:
        raise FieldErrors({"ended_at": [_("The check-out must come after the check-in.")]})
    shift = enrollment.shift
    activity = shift.activity
    organization = activity.organization
    start, end = attended_window(shift, started_at, ended_at)
    minutes = whole_minutes(start, end)
    if minutes <= 0:
        raise Refused(NOTHING_TO_COUNT, _("No time inside the shift was recorded."))
    day = timezone.localdate(start)
    description = activity.description.strip().splitlines()
    training = activity.course_id is not None
    if training and not training_policy().count_hours:
        _mark_attended(enrollment)
        return None
    # Called by a check-out (volunteer_locked): no savepoint, a refusal rolls back the whole
    # check-out. Called on its own inside a caller's transaction: a savepoint, so that the caller
    # may catch the refusal and go on.
    with transaction.atomic(savepoint=not volunteer_locked):
        if not volunteer_locked:
            lock_volunteer(enrollment.volunteer_id)
        check_overlap_and_daily_cap(enrollment.volunteer_id, start, end, day, minutes)
        record = R.objects.create(
            volunteer_id=enrollment.volunteer_id,
            organization=organization,
            activity=activity,
            shift=shift,
            enrollment=enrollment,
            region_code=activity.region.code,
            service_date=day,
            started_at=start,
            ended_at=end,
            minutes=minutes,
            kind=R.Kind.SERVICE,
            source=source,
            is_credit=source in ATTENDANCE_SOURCES and not training,
            status=R.Status.PENDING,
            activity_name=activity.title[:200],
            place=(activity.address or (activity.site.name if activity.site_id else ""))[:200],
            recipients=(description[0].strip() if description else activity.category.name)[:200],
            content=shift.name[:300],
            responsible_person=organization.contact_name[:64],
            recorder=_recorder(enrollment, actor),
            note=(pending_note or "")[:300],
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        if enrollment.status != Enrollment.Status.ATTENDED:
            _mark_attended(enrollment)
    return record


def _recorder(enrollment, actor) -> str:
    """The recorder's name: the volunteer's own, already loaded, when they checked themselves out."""
    if actor is not None and Enrollment.volunteer.is_cached(enrollment):
        volunteer = enrollment.volunteer
        if volunteer.user_id == actor.pk and volunteer.real_name:
            return volunteer.real_name[:64]
    return actor_name(actor)


# On every check-out (compiled once, core.compiled).
_MARK_ATTENDED = CompiledUpdate(
    lambda p: Enrollment.objects.filter(
        pk=p.enrollment, status__in=[Enrollment.Status.CONFIRMED, Enrollment.Status.NO_SHOW]
    ),
    lambda p: {"status": Enrollment.Status.ATTENDED, "updated_at": p.now},
    enrollment=int,
    now=dt.datetime,
)


def _mark_attended(enrollment) -> None:
    _MARK_ATTENDED.run(enrollment=enrollment.pk, now=timezone.now())


# --- confirmation and rejection ------------------------------------------------------------------------


def records_confirm(*, actor, ids: list[int], rating: int | None = None, evaluation: str = "") -> int:
    """Confirm pending records of organizations the actor administers; returns how many.

    Others' records, and records no longer pending, are skipped (a bulk confirmation of a page
    that someone else partly handled confirms the rest)."""
    if rating is not None and not 1 <= int(rating) <= 5:
        raise FieldErrors({"rating": [_("Give a rating from 1 to 5.")]})
    evaluation = (evaluation or "").strip()
    if len(evaluation) > 200:
        raise FieldErrors({"evaluation": [_("At most 200 characters.")]})
    q = managed_q(actor)
    ids = [int(i) for i in ids][:1000]
    if q is None or not ids:
        return 0
    policy = current_policy()
    with transaction.atomic():
        records = list(
            R.objects.filter(q, pk__in=ids, status=R.Status.PENDING)
            .select_related("volunteer", "volunteer__user", "organization", "organization__region")
            .order_by("volunteer_id", "pk")  # heads locked in volunteer pk order: no deadlock
        )
        chained = []
        stars: dict[int, tuple[int, int]] = {}
        for record in records:
            if chain_record(
                record, actor=actor, policy=policy, rating=rating, evaluation=evaluation, stars=stars
            ):
                chained.append(record)
        done = len(chained)
        announce_confirmed(chained, stars)
        seal_records(chained)  # the last lock of the transaction: the seal head (sealing.py)
        if done:
            audit_log(action="records.confirm", actor=actor, count=done, ids=[r.pk for r in records][:200])
    return done


def record_reject(*, actor, record: ServiceRecord, reason: str) -> ServiceRecord:
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": [_("Give a reason for the volunteer.")]})
    if len(reason) > 300:
        raise FieldErrors({"reason": [_("At most 300 characters.")]})
    if not may_manage_records(actor, record.organization):
        raise PermissionDenied
    with transaction.atomic():
        updated = R.objects.filter(pk=record.pk, status=R.Status.PENDING).update(
            status=R.Status.REJECTED, note=reason
        )
        if updated != 1:
            raise Refused("NOT_PENDING", _("This record is no longer awaiting confirmation."))
        audit_log(action="record.reject", actor=actor, obj=record, reason=reason)
    record.refresh_from_db()
    return record


def records_reject(*, actor, ids: list[int], reason: str) -> int:
    """Reject the pending records among `ids` that the actor may reject; returns how many (records
    decided meanwhile are skipped, like a bulk confirmation)."""
    done = 0
    for record in pending_list_for(actor).filter(pk__in=[int(i) for i in ids][:1000]):
        try:
            record_reject(actor=actor, record=record, reason=reason)
        except Refused:
            continue
        done += 1
    return done


# --- appended rows: reversals, corrections, make-up hours -------------------------------------------------


def record_append(
    *,
    actor,
    volunteer,
    organization,
    kind: str,
    source: str,
    minutes: int,
    service_date: dt.date,
    started_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    is_credit: bool = False,
    activity=None,
    reverses: ServiceRecord | None = None,
    dispute=None,
    fields: dict | None = None,
    confirm: bool = True,
) -> ServiceRecord:
    """Append a row (a reversal with negative minutes, a correction, make-up hours, an import);
    with confirm=True it is confirmed and chained in the same transaction.

    A reversal mirrors the row it reverses (same credit flag, at most its minutes) and a row is
    reversed once; other rows obey the overlap rule and the daily cap like attendance."""
    if kind not in R.Kind.values or source not in R.Source.values:
        raise FieldErrors({"kind": [_("Unknown kind or source.")]})
    if actor is not None and not may_manage_records(actor, organization):
        raise PermissionDenied
    extra = {k: v for k, v in (fields or {}).items() if k in APPENDABLE_FIELDS}
    if kind == R.Kind.REVERSAL:
        if reverses is None or reverses.status != R.Status.CONFIRMED or reverses.volunteer_id != volunteer.pk:
            raise Refused("NOT_REVERSIBLE", _("Only a confirmed record of this volunteer can be reversed."))
        if minutes > 0 or -minutes > reverses.minutes:
            raise FieldErrors({"minutes": [_("A reversal takes back at most the record's minutes.")]})
        is_credit = reverses.is_credit
    elif minutes < 0:
        raise FieldErrors({"minutes": [_("Minutes cannot be negative.")]})
    if kind in (R.Kind.MAKEUP, R.Kind.IMPORT):
        is_credit = False  # 荣誉时数, never credit hours (DESIGN §5)
    with transaction.atomic():
        lock_volunteer(volunteer.pk)
        if (
            reverses is not None
            and R.objects.filter(reverses=reverses).exclude(status=R.Status.REJECTED).exists()
        ):
            raise Refused("ALREADY_REVERSED", _("This record has already been reversed."))
        if kind != R.Kind.REVERSAL:
            check_overlap(volunteer.pk, started_at, ended_at)
            check_daily_cap(volunteer.pk, service_date, minutes)
        record = R.objects.create(
            volunteer=volunteer,
            organization=organization,
            activity=activity,
            region_code=extra.pop("region_code", None)
            or (activity.region.code if activity is not None else organization.region.code),
            service_date=service_date,
            started_at=started_at,
            ended_at=ended_at,
            minutes=minutes,
            kind=kind,
            source=source,
            is_credit=is_credit,
            status=R.Status.PENDING,
            activity_name=(extra.pop("activity_name", "") or (activity.title if activity else ""))[:200],
            reverses=reverses,
            dispute=dispute,
            recorder=(extra.pop("recorder", "") or actor_name(actor))[:64],
            created_by=actor if actor is not None and actor.is_authenticated else None,
            **extra,
        )
        if confirm:
            record.organization = organization
            stars: dict[int, tuple[int, int]] = {}
            if chain_record(record, actor=actor, policy=current_policy(), stars=stars):
                announce_confirmed([record], stars)
                seal_records([record])
        audit_log(action=f"record.append.{kind}", actor=actor, obj=record, minutes=minutes)
    record.refresh_from_db()
    return record
