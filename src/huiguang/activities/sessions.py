"""Training sessions as the sign-up rules see them: a session is an Activity whose `course` is set.
`grant_routes` tells a refused volunteer which course grants a qualification and when it meets
next. (Kept apart from selectors/, which import the rules.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from huiguang.training.models import Course

from .models import Activity


@dataclass(frozen=True)
class GrantRoute:
    """How to get a qualification: the course that grants it and its next session (if any)."""

    course_id: int
    course_title: str
    session_id: int | None
    session_starts_at: dt.datetime | None


def upcoming_sessions_q(now: dt.datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": Activity.Status.PUBLISHED, f"{prefix}starts_at__gt": now})


def grant_routes(*, now: dt.datetime | None = None) -> dict[int, GrantRoute]:
    """{type_id: GrantRoute} for every type an offered course grants, in one query; of several
    courses granting a type, the one with the soonest session."""
    now = now or timezone.now()
    next_session = Activity.objects.filter(upcoming_sessions_q(now), course=OuterRef("pk")).order_by(
        "starts_at", "pk"
    )
    courses = (
        Course.objects.filter(is_active=True, grants__isnull=False)
        .annotate(
            session_id=Subquery(next_session.values("pk")[:1]),
            session_starts_at=Subquery(next_session.values("starts_at")[:1]),
        )
        .values_list("grants_id", "pk", "title", "session_id", "session_starts_at")
        .order_by("pk")
    )
    routes: dict[int, GrantRoute] = {}
    for type_id, course_id, title, session_id, starts_at in courses:
        route = GrantRoute(course_id, title, session_id, starts_at)
        known = routes.get(type_id)
        if known is None or (
            starts_at is not None and (known.session_starts_at is None or starts_at < known.session_starts_at)
        ):
            routes[type_id] = route
    return routes
