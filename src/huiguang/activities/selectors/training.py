"""Training sessions, read from the activity side: a session is an Activity whose `course` is set
(training is below activities and cannot see them). Documented contract for the apps above and
beside it (mobilization pushes the induction course's sessions to recruits with it):

- `course_sessions_upcoming(course)`: the published sessions of a course whose first shift has not
  started, soonest first, with their shifts;
- `grant_routes()` (activities.sessions): for each qualification type, the course that grants it and that
  course's next session (one query): the sign-up rule's explanation of a refusal;
- `session_get_for_trainer(user, pk)`: a session whose results `user` may mark (404 otherwise).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, Prefetch, QuerySet
from django.utils import timezone

from huiguang.core.selectors import get_or_404
from huiguang.training.models import Course

from ..models import Activity, Enrollment, Shift
from ..permissions import editor_q
from ..sessions import GrantRoute, grant_routes, upcoming_sessions_q

__all__ = ["GrantRoute", "grant_routes", "course_sessions_upcoming", "session_get_for_trainer"]


def course_sessions_upcoming(course: Course, *, now: dt.datetime | None = None) -> QuerySet[Activity]:
    now = now or timezone.now()
    return (
        Activity.objects.filter(upcoming_sessions_q(now), course=course)
        .select_related("organization", "region", "site")
        .prefetch_related(Prefetch("shifts", queryset=Shift.objects.order_by("starts_at", "name", "id")))
        .order_by("starts_at", "pk")
    )


def next_sessions_by_course(course_ids, *, now: dt.datetime | None = None, per_course: int = 3) -> dict:
    """{course_id: [next sessions]} for a page of courses, in one query."""
    now = now or timezone.now()
    out: dict[int, list[Activity]] = {pk: [] for pk in course_ids}
    sessions = (
        Activity.objects.filter(upcoming_sessions_q(now), course_id__in=list(out))
        .select_related("region")
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        listed = out[session.course_id or 0]
        if len(listed) < per_course:
            listed.append(session)
    return out


def session_list_for_trainer(user) -> QuerySet[Activity]:
    q = editor_q(user, "organization__")
    if q is None:
        return Activity.objects.none()
    return Activity.objects.filter(q, course__isnull=False).select_related(
        "course", "course__grants", "organization"
    )


def session_get_for_trainer(user, pk) -> Activity:
    """A training session whose results `user` marks: its organization's editors (admins above it,
    its region's admins, the city admin, its own leaders: the trainer on the day)."""
    return get_or_404(session_list_for_trainer(user), pk)


def session_attendees(session: Activity) -> QuerySet[Enrollment]:
    """Who took part in the session (confirmed or checked in), with their result if marked."""
    return (
        Enrollment.objects.filter(
            shift__activity=session,
            status__in=[Enrollment.Status.CONFIRMED, Enrollment.Status.ATTENDED],
        )
        .select_related("volunteer", "shift")
        .order_by("volunteer__real_name", "pk")
    )


def session_first_start(session: Activity) -> dt.datetime:
    return session.shifts.aggregate(first=Min("starts_at"))["first"] or session.starts_at
