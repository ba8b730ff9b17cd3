"""Activity figures for the reports (issue 10): one GROUP BY per month, by region and organization."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from ..models import Activity, Enrollment, TrainingResult

A = Activity.Status
PUBLISHED = (A.PUBLISHED, A.FINISHED, A.ARCHIVED)


Window = tuple[dt.datetime, dt.datetime]


def _by_window(qs: QuerySet, windows: list[Window], **sums) -> list[list[dict]]:
    """`qs`'s activities starting in each [since, until) of `windows`, grouped per (region path,
    organization path) with `sums`: one GROUP BY for every window (a bulletin's month and the
    month before), a list of rows per window."""
    which = Case(
        *(
            When(starts_at__gte=since, starts_at__lt=until, then=Value(i))
            for i, (since, until) in enumerate(windows)
        ),
        output_field=IntegerField(),
    )
    rows = (
        qs.filter(starts_at__gte=min(w[0] for w in windows), starts_at__lt=max(w[1] for w in windows))
        .order_by()
        .values("region__path", "organization__path", window=which)
        .annotate(**sums)
    )
    out: list[list[dict]] = [[] for _w in windows]
    for row in rows:
        if row["window"] is not None:  # between two windows asked for, in neither
            out[row.pop("window")].append(row)
    return out


def activity_figures(*, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Activities starting in [since, until), per (region path, organization path): `published`
    (reached publication and not cancelled), `held` (finished, or published and already over) and
    `served` (people served by the held ones, from their outcomes). The caller sums the paths of
    a subtree."""
    return activity_figures_by_window([(since, until)])[0]


def activity_figures_by_window(windows: list[Window]) -> list[list[dict]]:
    """activity_figures of each window, in one query."""
    held = Q(status__in=(A.FINISHED, A.ARCHIVED)) | Q(status=A.PUBLISHED, ends_at__lte=timezone.now())
    return _by_window(
        Activity.objects.filter(status__in=PUBLISHED),
        windows,
        published=Count("pk"),
        held=Count("pk", filter=held),
        served=Sum("people_served", filter=held, default=0),
    )


def training_figures(*, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Training sessions (activities with a course) held that start in [since, until), per (region
    path, organization path) of the session: `sessions`, `trained` (attendees: enrollments checked
    in, person-times) and `qualified` (pass marks in sessions of a course that grants a
    qualification: each pass granted one, services/training.py). One GROUP BY; the caller sums
    the paths of a subtree (reports)."""
    return training_figures_by_window([(since, until)])[0]


def training_figures_by_window(windows: list[Window]) -> list[list[dict]]:
    """training_figures of each window, in one query."""
    held = Q(status__in=(A.FINISHED, A.ARCHIVED)) | Q(status=A.PUBLISHED, ends_at__lte=timezone.now())
    enrollment = "shifts__enrollments__"
    attended = Q(**{f"{enrollment}status": Enrollment.Status.ATTENDED})
    passed = Q(**{f"{enrollment}training_result": TrainingResult.PASSED}, course__grants__isnull=False)
    return _by_window(
        Activity.objects.filter(held, course__isnull=False),
        windows,
        sessions=Count("pk", distinct=True),
        trained=Count(f"{enrollment}pk", filter=attended),
        qualified=Count(f"{enrollment}pk", filter=passed),
    )
