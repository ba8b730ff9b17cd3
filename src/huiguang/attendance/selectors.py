"""Reads of attendance: the shifts a leader runs on the day, their rosters with check-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from huiguang.activities.models import Enrollment, Shift
from huiguang.activities.permissions import organization_may_edit_activities
from huiguang.activities.selectors.console import shift_get_for
from huiguang.core.selectors import get_or_404

from .models import CheckIn

ROSTER_STATUSES = (Enrollment.Status.CONFIRMED, Enrollment.Status.ATTENDED, Enrollment.Status.NO_SHOW)
CHECKIN_STATUSES = (Enrollment.Status.CONFIRMED, Enrollment.Status.ATTENDED)
# Check-in opens this long before the shift starts (people come early to get ready; the ledger
# counts only from the shift start minus the grace).
OPENS_BEFORE = dt.timedelta(minutes=60)


def shift_run_by(user, pk: int) -> Shift:
    """A shift whose check-in `user` runs: leaders of the activity's organization, its admins (or
    an ancestor's), region admins of its subtree, city admins. Anyone else: 404."""
    shift = shift_get_for(user, pk)
    if not organization_may_edit_activities(user, shift.activity.organization):
        raise Http404
    return shift


def roster_enrollment_get_for(user, pk: int) -> Enrollment:
    """An enrollment of a shift whose check-in `user` runs; anyone else: 404."""
    enrollment = get_or_404(Enrollment.objects.select_related("shift", "shift__activity", "volunteer"), pk)
    shift_run_by(user, enrollment.shift_id)
    return enrollment


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


def open_checkin(enrollment: Enrollment) -> CheckIn | None:
    """The enrollment's check-in that has no check-out yet."""
    last = enrollment.checkins.order_by("-at", "-pk").first()
    return last if last is not None and last.kind == CheckIn.Kind.IN else None


def code_candidates(volunteer, now: dt.datetime | None = None) -> Sequence[Enrollment]:
    """The volunteer's enrollments that could check in or out now: open check-ins first, then the
    shifts open for check-in (from an hour before the start to the end)."""
    now = now or timezone.now()
    rows = list(
        Enrollment.objects.filter(volunteer=volunteer, status__in=CHECKIN_STATUSES)
        .annotate(is_in=_is_in())
        .select_related("shift", "shift__activity", "volunteer")
        .filter(shift__starts_at__lte=now + OPENS_BEFORE, shift__ends_at__gt=now - dt.timedelta(hours=12))
        .order_by("shift__starts_at", "pk")
    )
    inside = [e for e in rows if getattr(e, "is_in", False)]
    return inside + [e for e in rows if not getattr(e, "is_in", False) and e.shift.ends_at > now]


def scan_enrollment(user, shift_id: int) -> Enrollment | None:
    """The user's place on the shift of a scanned QR code that may check in, None without one."""
    return (
        Enrollment.objects.filter(shift_id=shift_id, volunteer__user=user, status__in=CHECKIN_STATUSES)
        .select_related("shift", "shift__activity")
        .order_by("-pk")
        .first()
    )
