"""Copying an activity with its shifts `days` later (a copy, a series' occurrence)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import Activity, Series, Shift
from .fields import CLONED_FIELDS


def move(value: dt.datetime, days: int) -> dt.datetime:
    """The same wall-clock time `days` days later (in the city's time zone)."""
    local = timezone.localtime(value)
    return timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=days), local.time()))


def move_by_days(value: dt.datetime | None, days: int) -> dt.datetime | None:
    return None if value is None else move(value, days)


def clone_activity(
    template: Activity,
    *,
    days: int,
    status: str,
    created_by,
    series: Series | None = None,
    copied_from: Activity | None = None,
    shifts: list[Shift] | None = None,
    skill_ids: list[int] | None = None,
) -> Activity:
    """A new activity `days` days after `template` with the same shifts (counters at zero)."""
    activity = Activity(
        **{name: getattr(template, name) for name in CLONED_FIELDS},
        starts_at=move(template.starts_at, days),
        ends_at=move(template.ends_at, days),
        recruit_opens_at=move_by_days(template.recruit_opens_at, days),
        recruit_closes_at=move_by_days(template.recruit_closes_at, days),
        status=status,
        series=series,
        copied_from=copied_from,
        created_by=created_by,
    )
    if status == Activity.Status.PUBLISHED:
        activity.reviewed_by_id, activity.reviewed_at = template.reviewed_by_id, template.reviewed_at
    activity.save()
    if skill_ids is None:
        skill_ids = list(template.required_skills.values_list("pk", flat=True))
    if skill_ids:
        activity.required_skills.set(skill_ids)
    qualification_ids = list(template.required_qualifications.values_list("pk", flat=True))
    if qualification_ids:
        activity.required_qualifications.set(qualification_ids)
    if shifts is None:
        shifts = list(template.shifts.all())
    Shift.objects.bulk_create(
        [
            Shift(
                activity=activity,
                name=s.name,
                description=s.description,
                starts_at=move(s.starts_at, days),
                ends_at=move(s.ends_at, days),
                capacity=s.capacity,
                waitlist_size=s.waitlist_size,
            )
            for s in shifts
        ]
    )
    return activity
