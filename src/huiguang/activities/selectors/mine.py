"""A volunteer's own pages: the shifts I can take, my activities, my calendar feed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ..models import Activity, CalendarToken, Enrollment, Shift
from ..rules.context import SHIFT_RULE_PREFETCH, signup_context
from ..rules.decide import enrollment_check
from ..rules.reasons import Decision
from .public import member_organization_paths, visibility_q, waitlist_position
from .search import ActivityFilters, geo_annotated, subject_q, time_q, within

# "Shifts I can take" checks the rules on the soonest upcoming shifts that match the filters;
# beyond this many the volunteer narrows the search (dates, region, distance) instead.
CAN_TAKE_SCAN_LIMIT = 2000


# --- shifts I can take -----------------------------------------------------------------------


@dataclass
class ShiftOption:
    shift: Shift
    decision: Decision
    distance_km: float | None = None


def shifts_i_can_take(
    volunteer, filters: ActivityFilters, *, now: dt.datetime | None = None
) -> list[ShiftOption]:
    """Upcoming shifts of published activities the volunteer may sign up for right now.

    The candidates (matching the filters, not yet started, not already taken by the volunteer)
    come in one query with what the rules need (activity, required skills); the rules decide with
    one signup_context, so the number of queries does not depend on the number of shifts.
    """
    now = now or timezone.now()
    filters = replace(filters, past=False)  # a shift one can take has not started
    org_paths = member_organization_paths(volunteer)
    qs = (
        Shift.objects.filter(
            visibility_q(org_paths, "activity__"),
            subject_q(filters, "activity__"),
            time_q(filters, now),
            activity__status=Activity.Status.PUBLISHED,
            starts_at__gt=now,
        )
        .exclude(
            pk__in=Enrollment.objects.filter(volunteer=volunteer, status__in=Enrollment.ACTIVE).values(
                "shift_id"
            )
        )
        .select_related(
            "activity", "activity__organization", "activity__category", "activity__region", "activity__site"
        )
        .prefetch_related(*SHIFT_RULE_PREFETCH)
    )
    distances: dict[int, float] = {}
    if filters.near:
        hits = within(geo_annotated(qs, "activity__"), filters)
        distances = {pk: d for d, pk, _ in hits[:CAN_TAKE_SCAN_LIMIT]}
        shifts = sorted(qs.filter(pk__in=list(distances)), key=lambda s: (distances[s.pk], s.starts_at, s.pk))
    else:
        shifts = list(qs.order_by("starts_at", "pk")[:CAN_TAKE_SCAN_LIMIT])
    _share_activities(shifts)
    context = signup_context(volunteer, now=now)
    options = []
    for shift in shifts:
        decision = enrollment_check(volunteer, shift, context=context, now=now)
        if decision.ok:
            d = distances.get(shift.pk)
            options.append(
                ShiftOption(
                    shift=shift, decision=decision, distance_km=round(d, 2) if d is not None else None
                )
            )
    return options


def _share_activities(shifts: list[Shift]) -> None:
    """Shifts of one activity share one Activity object (and its prefetched skills)."""
    seen: dict[int, Activity] = {}
    for s in shifts:
        s.activity = seen.setdefault(s.activity_id, s.activity)


# --- my activities ---------------------------------------------------------------------------


def my_enrollments(volunteer) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(volunteer=volunteer)
        .select_related("shift", "shift__activity", "shift__activity__organization", "shift__activity__site")
        .annotate(waitlist_position=waitlist_position())
    )


def my_upcoming(volunteer, *, now: dt.datetime | None = None) -> QuerySet[Enrollment]:
    """Every enrollment (any status) on a shift that has not ended, soonest first."""
    now = now or timezone.now()
    return my_enrollments(volunteer).filter(shift__ends_at__gt=now).order_by("shift__starts_at", "pk")


def my_past(volunteer, *, now: dt.datetime | None = None) -> QuerySet[Enrollment]:
    now = now or timezone.now()
    return my_enrollments(volunteer).filter(shift__ends_at__lte=now).order_by("-shift__starts_at", "-pk")


# --- calendars -------------------------------------------------------------------------------


def calendar_token_of(volunteer) -> CalendarToken | None:
    return CalendarToken.objects.filter(volunteer=volunteer).first() if volunteer is not None else None


def calendar_feed_enrollments(token: str, *, now: dt.datetime | None = None) -> QuerySet[Enrollment]:
    """The enrollments in a calendar feed: the token owner's confirmed, awaiting and waitlisted
    shifts that have not ended. A wrong or replaced token → 404."""
    now = now or timezone.now()
    volunteer_id = CalendarToken.objects.filter(token=token).values_list("volunteer_id", flat=True).first()
    if volunteer_id is None:
        raise Http404
    return (
        Enrollment.objects.filter(
            volunteer_id=volunteer_id, status__in=Enrollment.ACTIVE, shift__ends_at__gt=now
        )
        .select_related("shift", "shift__activity", "shift__activity__organization", "shift__activity__site")
        .order_by("shift__starts_at", "pk")
    )
