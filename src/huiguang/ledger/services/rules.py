"""The rules every service record obeys (DESIGN §5): hours are the overlap of the presence with
the shift window in whole minutes; no two counted records of one volunteer overlap in time; a
day's total never exceeds the cap (HUIGUANG_DAILY_CAP_HOURS).

Call the checks inside the writing transaction, after `lock_volunteer`: two writes for one
volunteer at once then cannot both pass them (docs/locking.md).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from huiguang.core.compiled import CompiledQuery
from huiguang.core.errors import Refused
from huiguang.core.formatting import format_hours
from huiguang.volunteers.models import Volunteer

from ..models import ServiceRecord

R = ServiceRecord


def attended_window(shift, started_at: dt.datetime, ended_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The presence counted for a shift: its overlap with the shift window, whole shift minutes
    only (travel and waiting outside the shift never count). The grace
    (HUIGUANG_CHECKIN_GRACE_MINUTES) forgives the queue at the door: checking in up to `grace`
    after the start counts from the start, checking out up to `grace` before the end counts to
    the end. Beyond the grace the actual times count."""
    grace = dt.timedelta(minutes=settings.HUIGUANG_CHECKIN_GRACE_MINUTES)
    start = shift.starts_at if started_at <= shift.starts_at + grace else started_at
    end = shift.ends_at if ended_at >= shift.ends_at - grace else ended_at
    return max(start, shift.starts_at), min(end, shift.ends_at)


def whole_minutes(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def _counted(volunteer_id: int):
    """Records that count against the overlap rule and the daily cap: not rejected, not a reversal,
    not reversed (a dispute's correction replaces the reversed row)."""
    return (
        R.objects.filter(volunteer_id=volunteer_id)
        .exclude(status=R.Status.REJECTED)
        .exclude(kind=R.Kind.REVERSAL)
        .exclude(reversals__status__in=[R.Status.PENDING, R.Status.CONFIRMED])
    )


def check_overlap(volunteer_id: int, started_at, ended_at) -> None:
    if started_at is None or ended_at is None:
        return
    if _counted(volunteer_id).filter(started_at__lt=ended_at, ended_at__gt=started_at).exists():
        raise Refused("OVERLAPS", _("This time overlaps another record of the volunteer."))


def check_daily_cap(volunteer_id: int, day: dt.date, minutes: int) -> None:
    already = (
        R.objects.filter(volunteer_id=volunteer_id, service_date=day)
        .exclude(status=R.Status.REJECTED)
        .aggregate(n=Sum("minutes"))["n"]
        or 0
    )
    _refuse_over_cap(day, already, minutes)


def _refuse_over_cap(day: dt.date, already: int, minutes: int) -> None:
    cap = settings.HUIGUANG_DAILY_CAP_HOURS * 60
    if already + minutes > cap:
        raise Refused(
            "DAILY_CAP",
            _("A day counts at most %(hours)d hours; %(done)s h are already recorded on %(day)s.")
            % {"hours": settings.HUIGUANG_DAILY_CAP_HOURS, "done": format_hours(already), "day": day},
        )


# The check-out's path reads both rules in one query (compiled once, core.compiled: its
# compilation cost more than the database): the volunteer's not rejected records of the day or of
# the time, each with whether it counts as overlapping (as _counted: not a reversal, not reversed)
# — a handful of rows, by the daily cap.
_DAY_AND_OVERLAPS = CompiledQuery(
    lambda p: (
        R.objects.filter(volunteer_id=p.volunteer)
        .exclude(status=R.Status.REJECTED)
        .filter(Q(service_date=p.day) | Q(started_at__lt=p.end, ended_at__gt=p.start))
        .annotate(
            overlaps=ExpressionWrapper(
                Q(started_at__lt=p.end, ended_at__gt=p.start)
                & ~Q(kind=R.Kind.REVERSAL)
                & ~Exists(
                    R.objects.filter(
                        reverses=OuterRef("pk"), status__in=[R.Status.PENDING, R.Status.CONFIRMED]
                    )
                ),
                output_field=BooleanField(),
            )
        )
        .values_list("overlaps", "service_date", "minutes")
        .order_by()
    ),
    volunteer=int,
    day=dt.date,
    start=dt.datetime,
    end=dt.datetime,
)


def check_overlap_and_daily_cap(volunteer_id: int, started_at, ended_at, day: dt.date, minutes: int) -> None:
    """check_overlap and check_daily_cap in one query (the check-out's path): the same rules, the
    same answers, the overlap first."""
    rows = _DAY_AND_OVERLAPS.rows(volunteer=volunteer_id, day=day, start=started_at, end=ended_at)
    if any(overlaps for overlaps, _day, _minutes in rows):
        raise Refused("OVERLAPS", _("This time overlaps another record of the volunteer."))
    _refuse_over_cap(day, sum(n for _overlaps, date, n in rows if date == day), minutes)


def lock_volunteer(volunteer_id: int) -> None:
    if connection.vendor == "postgresql":
        list(
            Volunteer.objects.select_for_update(no_key=True)
            .filter(pk=volunteer_id)
            .order_by()
            .values_list("pk")
        )
