"""Activity figures for the reports (issue 10): one GROUP BY per month, by region and organization."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from ..models import Activity, Enrollment, TrainingResult

A = Activity.Status
PUBLISHED = (A.PUBLISHED, A.FINISHED, A.ARCHIVED)


def activity_figures(*, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Activities starting in [since, until), per (region path, organization path): `published`
    (reached publication and not cancelled), `held` (finished, or published and already over) and
    `served` (people served by the held ones, from their outcomes). The caller sums the paths of
    a subtree."""
    held = Q(status__in=(A.FINISHED, A.ARCHIVED)) | Q(status=A.PUBLISHED, ends_at__lte=timezone.now())
    return list(
        Activity.objects.filter(starts_at__gte=since, starts_at__lt=until, status__in=PUBLISHED)
        .order_by()
        .values("region__path", "organization__path")
        .annotate(
            published=Count("pk"),
            held=Count("pk", filter=held),
            served=Sum("people_served", filter=held, default=0),
        )
    )


def training_figures(*, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Training sessions (activities with a course) held that start in [since, until), per (region
    path, organization path) of the session: `sessions`, `trained` (attendees: enrollments checked
    in, person-times) and `qualified` (pass marks in sessions of a course that grants a
    qualification: each pass granted one, services/training.py). One GROUP BY; the caller sums
    the paths of a subtree (reports)."""
    held = Q(status__in=(A.FINISHED, A.ARCHIVED)) | Q(status=A.PUBLISHED, ends_at__lte=timezone.now())
    enrollment = "shifts__enrollments__"
    attended = Q(**{f"{enrollment}status": Enrollment.Status.ATTENDED})
    passed = Q(**{f"{enrollment}training_result": TrainingResult.PASSED}, course__grants__isnull=False)
    return list(
        Activity.objects.filter(held, course__isnull=False, starts_at__gte=since, starts_at__lt=until)
        .order_by()
        .values("region__path", "organization__path")
        .annotate(
            sessions=Count("pk", distinct=True),
            trained=Count(f"{enrollment}pk", filter=attended),
            qualified=Count(f"{enrollment}pk", filter=passed),
        )
    )
