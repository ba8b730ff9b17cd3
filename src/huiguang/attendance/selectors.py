"""Reads of attendance: the shifts a leader runs on the day, their rosters with check-ins."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from huiguang.activities.models import Enrollment, Shift
from huiguang.activities.permissions import organization_may_edit_activities
from huiguang.activities.selectors.console import shift_get_for

from .models import CheckIn

ROSTER_STATUSES = (Enrollment.Status.CONFIRMED, Enrollment.Status.ATTENDED, Enrollment.Status.NO_SHOW)


def shift_run_by(user, pk: int) -> Shift:
    """A shift whose check-in `user` runs: leaders of the activity's organization, its admins (or
    an ancestor's), region admins of its subtree, city admins. Anyone else: 404."""
    shift = shift_get_for(user, pk)
    if not organization_may_edit_activities(user, shift.activity.organization):
        raise Http404
    return shift


def _is_in():
    later_out = CheckIn.objects.filter(
        enrollment=OuterRef("enrollment"), kind=CheckIn.Kind.OUT, at__gte=OuterRef("at")
    )
    return Exists(
        CheckIn.objects.filter(enrollment=OuterRef("pk"), kind=CheckIn.Kind.IN).exclude(Exists(later_out))
    )


def attendance_roster(shift: Shift) -> QuerySet[Enrollment]:
    """Everyone with a place on the shift, each with their check-ins (two queries in all)."""
    return (
        shift.enrollments.filter(status__in=ROSTER_STATUSES)
        .select_related("volunteer")
        .annotate(is_in=_is_in())
        .prefetch_related(Prefetch("checkins", queryset=CheckIn.objects.order_by("at", "pk")))
        .order_by("volunteer__real_name", "pk")
    )


def inside_count(shift: Shift) -> int:
    """How many people are checked in right now."""
    return shift.enrollments.annotate(is_in=_is_in()).filter(is_in=True).count()
