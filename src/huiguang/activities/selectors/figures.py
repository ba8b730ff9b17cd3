"""Activity figures for the reports (issue 10): one GROUP BY per month, by region and organization."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from huiguang.core.compiled import CompiledByLength

from ..models import Activity, Enrollment, TrainingResult

A = Activity.Status
PUBLISHED = (A.PUBLISHED, A.FINISHED, A.ARCHIVED)


Window = tuple[dt.datetime, dt.datetime]


def _by_window(qs: QuerySet, columns: tuple[str, ...], p, **sums) -> QuerySet:
    """`qs`'s activities starting in each [since, until) of the windows (`p.since`, `p.until`:
    lists; `p.first`, `p.last`: their span), grouped per (region path, organization path, position
    of the window) with `sums`: one GROUP BY for every window (a bulletin's month and the month
    before). Rows: the two paths, the window's position, then `columns`."""
    which = Case(
        *(
            When(starts_at__gte=since, starts_at__lt=until, then=Value(i))
            for i, (since, until) in enumerate(zip(p.since, p.until, strict=True))
        ),
        output_field=IntegerField(),
    )
    return (
        qs.filter(starts_at__gte=p.first, starts_at__lt=p.last)
        .order_by()
        .values("region__path", "organization__path", window=which)
        .annotate(**sums)
        .values_list("region__path", "organization__path", "window", *columns)
    )


def _compiled(build) -> CompiledByLength:
    """The figures' query compiled once per connection and number of windows (core.compiled): a
    bulletin runs it on every generation, and compiling it cost more than running it."""
    return CompiledByLength(
        build, since=[dt.datetime], until=[dt.datetime], first=dt.datetime, last=dt.datetime, now=dt.datetime
    )


def _rows_by_window(
    query: CompiledByLength, columns: tuple[str, ...], windows: list[Window]
) -> list[list[dict]]:
    """Run a figures' query for `windows`: a list of rows ({paths and `columns`}) per window."""
    rows = query.rows(
        since=[w[0] for w in windows],
        until=[w[1] for w in windows],
        first=min(w[0] for w in windows),
        last=max(w[1] for w in windows),
        now=timezone.now(),
    )
    out: list[list[dict]] = [[] for _w in windows]
    for region_path, organization_path, window, *sums in rows:
        if window is not None:  # between two windows asked for, in neither
            out[window].append(
                {"region__path": region_path, "organization__path": organization_path}
                | dict(zip(columns, sums, strict=True))
            )
    return out


def _held(p) -> Q:
    """Held: finished, or published and already over (at `p.now`)."""
    return Q(status__in=(A.FINISHED, A.ARCHIVED)) | Q(status=A.PUBLISHED, ends_at__lte=p.now)


ACTIVITY_COLUMNS = ("published", "held", "served")
_ACTIVITIES = _compiled(
    lambda p: _by_window(
        Activity.objects.filter(status__in=PUBLISHED),
        ACTIVITY_COLUMNS,
        p,
        published=Count("pk"),
        held=Count("pk", filter=_held(p)),
        served=Sum("people_served", filter=_held(p), default=0),
    )
)
TRAINING_COLUMNS = ("sessions", "trained", "qualified")
_ENROLLMENT = "shifts__enrollments__"
_TRAININGS = _compiled(
    lambda p: _by_window(
        Activity.objects.filter(_held(p), course__isnull=False),
        TRAINING_COLUMNS,
        p,
        sessions=Count("pk", distinct=True),
        trained=Count(f"{_ENROLLMENT}pk", filter=Q(**{f"{_ENROLLMENT}status": Enrollment.Status.ATTENDED})),
        qualified=Count(
            f"{_ENROLLMENT}pk",
            filter=Q(
                **{f"{_ENROLLMENT}training_result": TrainingResult.PASSED}, course__grants__isnull=False
            ),
        ),
    )
)


def activity_figures(*, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Activities starting in [since, until), per (region path, organization path): `published`
    (reached publication and not cancelled), `held` (finished, or published and already over) and
    `served` (people served by the held ones, from their outcomes). The caller sums the paths of
    a subtree."""
    return activity_figures_by_window([(since, until)])[0]


def activity_figures_by_window(windows: list[Window]) -> list[list[dict]]:
    """activity_figures of each window, in one query."""
    return _rows_by_window(_ACTIVITIES, ACTIVITY_COLUMNS, windows)


def training_figures(*, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Training sessions (activities with a course) held that start in [since, until), per (region
    path, organization path) of the session: `sessions`, `trained` (attendees: enrollments checked
    in, person-times) and `qualified` (pass marks in sessions of a course that grants a
    qualification: each pass granted one, services/training.py). One GROUP BY; the caller sums
    the paths of a subtree (reports)."""
    return training_figures_by_window([(since, until)])[0]


def training_figures_by_window(windows: list[Window]) -> list[list[dict]]:
    """training_figures of each window, in one query."""
    return _rows_by_window(_TRAININGS, TRAINING_COLUMNS, windows)
