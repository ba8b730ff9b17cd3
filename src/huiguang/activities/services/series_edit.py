"""Editing the whole series (see services/series.py's docstring): every future, open occurrence
that was not edited on its own takes the change; those with active enrollments keep their times."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.permissions import organization_may_manage_activities
from huiguang.core.audit import audit_log
from huiguang.core.dates import add_months
from huiguang.core.errors import FieldErrors, Refused

from ..models import Activity, Enrollment, Series, Shift
from .activities import activity_cancel_internal
from .copies import clone_activity
from .fields import (
    SERIES_EDITABLE,
    activity_field_errors,
    check_known_fields,
    normalize_activity_fields,
    project_errors,
)
from .series import occurrence_dates, series_generate

OPEN_STATUSES = (
    Activity.Status.DRAFT,
    Activity.Status.PENDING,
    Activity.Status.REJECTED,
    Activity.Status.PUBLISHED,
)


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


@dataclass
class SeriesUpdate:
    series: Series
    updated: list[Activity] = field(default_factory=list)
    times_kept: list[Activity] = field(default_factory=list)  # have enrollments: times unchanged
    cancelled: list[Activity] = field(default_factory=list)  # after a new, earlier last date


def _new_times(
    activity: Activity, starts_time: dt.time, ends_time: dt.time
) -> tuple[dt.datetime, dt.datetime]:
    day = _local(activity.starts_at).date()
    return (
        timezone.make_aware(dt.datetime.combine(day, starts_time)),
        timezone.make_aware(dt.datetime.combine(day, ends_time)),
    )


KEEP = object()  # series_update(ends_on=KEEP): the last date does not change


def series_update(
    *,
    actor,
    series: Series,
    starts_time: dt.time | None = None,
    ends_time: dt.time | None = None,
    ends_on=KEEP,
    required_skills=None,
    request=None,
    now: dt.datetime | None = None,
    **changes,
) -> SeriesUpdate:
    """Edit every future, non-detached, open occurrence of the series (see the module docstring).

    `starts_time`/`ends_time`: a new time of day (the shifts move with the start); `ends_on`: a
    new last date (None: no end), after which open occurrences are cancelled and their volunteers
    told. Future generations copy the latest occurrence that took every change; when none did
    (all future ones have sign-ups, or none is generated yet), the next date is generated at once
    to carry the new values.
    """
    if not organization_may_manage_activities(actor, series.organization):
        raise PermissionDenied
    check_known_fields(changes, SERIES_EDITABLE)
    now = now or timezone.now()
    template = series.template
    if template is None:
        raise Refused("no_template", _("This series has no template activity any more."))
    data = normalize_activity_fields(changes)
    merged = {name: getattr(template, name) for name in SERIES_EDITABLE} | data
    errors = activity_field_errors(merged, organization=series.organization)
    if data.get("project") != template.project:
        errors |= project_errors(data, series.organization)
    retime = starts_time is not None or ends_time is not None
    delta = dt.timedelta(0)
    start_t: dt.time = starts_time or _local(template.starts_at).time()
    end_t: dt.time = ends_time or _local(template.ends_at).time()
    if retime:
        if end_t <= start_t:
            errors["ends_time"] = [_("The end time must be after the start time.")]
        else:
            new_start, new_end = _new_times(template, start_t, end_t)
            delta = new_start - template.starts_at
            if any(
                s.starts_at + delta < new_start or s.ends_at + delta > new_end for s in template.shifts.all()
            ):
                errors["ends_time"] = [
                    _("Some shifts would lie outside the new times: change the shifts or choose other times.")
                ]
    if ends_on is not KEEP and ends_on is not None and ends_on < series.starts_on:
        errors["ends_on"] = [_("The last date must not be before the first.")]
    if errors:
        raise FieldErrors(errors)

    result = SeriesUpdate(series=series)
    with transaction.atomic():
        series = (
            Series.objects.select_for_update(of=("self",)).select_related("organization").get(pk=series.pk)
        )
        result.series = series
        targets = list(
            Activity.objects.filter(
                series=series, series_detached=False, status__in=OPEN_STATUSES, starts_at__gt=now
            ).order_by("starts_at")
        )
        if ends_on is not KEEP:
            late = [a for a in targets if ends_on is not None and _local(a.starts_at).date() > ends_on]
            reason = _("The recurring activity ends on %(date)s.") % {"date": ends_on}
            for activity in late:
                activity_cancel_internal(activity=activity, actor=actor, reason=reason)
            result.cancelled = late
            targets = [a for a in targets if a not in late]
            series.ends_on = ends_on
            if ends_on is not None and series.generated_until and series.generated_until > ends_on:
                series.generated_until = ends_on
        with_enrollments = set(
            Enrollment.objects.filter(shift__activity__in=targets, status__in=Enrollment.ACTIVE).values_list(
                "shift__activity_id", flat=True
            )
        )
        for activity in targets:
            for name, value in data.items():
                setattr(activity, name, value)
            fields = list(data)
            if retime and activity.pk in with_enrollments:
                result.times_kept.append(activity)
            elif retime:
                new_start, new_end = _new_times(activity, start_t, end_t)
                shift_delta = new_start - activity.starts_at
                for shift in activity.shifts.all():
                    Shift.objects.filter(pk=shift.pk).update(
                        starts_at=shift.starts_at + shift_delta, ends_at=shift.ends_at + shift_delta
                    )
                activity.starts_at, activity.ends_at = new_start, new_end
                fields += ["starts_at", "ends_at"]
            if fields:
                activity.save(update_fields=[*fields, "updated_at"])
            if required_skills is not None:
                activity.required_skills.set(required_skills)
            result.updated.append(activity)
        complete = [a for a in result.updated if a not in result.times_kept]
        if complete:
            series.template = complete[-1]
        elif data or retime or required_skills is not None:
            carrier = _carry_forward(series, template, data, delta, required_skills, now)
            if carrier is not None:
                series.template = carrier
                result.updated.append(carrier)
        if "title" in data:
            series.title = data["title"]
        series.save(update_fields=["title", "template", "ends_on", "generated_until"])
        audit_log(
            action="series_updated",
            actor=actor,
            obj=series,
            request=request,
            fields=sorted(
                [*data, *(["times"] if retime else []), *(["ends_on"] if ends_on is not KEEP else [])]
            ),
            updated=len(result.updated),
            times_kept=len(result.times_kept),
            cancelled=len(result.cancelled),
        )
        # A later last date (or none) lets the series run on: fill up to the horizon at once.
        series_generate(series, now=now)
    return result


def _carry_forward(series, template, data, delta, required_skills, now) -> Activity | None:
    """Generate the series' next date now, from the template with the new values, so that it
    carries them into later generations. None when the series has no date left."""
    today = timezone.localdate(now)
    start = max(series.starts_on, today)
    if series.generated_until is not None:
        start = max(start, series.generated_until + dt.timedelta(days=1))
    end = min(series.ends_on or dt.date.max, add_months(start, 13))
    dates = occurrence_dates(series.rule, series.weekdays, series.ordinal, start, end)
    if not dates:
        return None
    proto = copy.copy(template)
    for name, value in data.items():
        setattr(proto, name, value)
    proto.starts_at, proto.ends_at = template.starts_at + delta, template.ends_at + delta
    shifts = [
        Shift(
            name=s.name,
            description=s.description,
            starts_at=s.starts_at + delta,
            ends_at=s.ends_at + delta,
            capacity=s.capacity,
            waitlist_size=s.waitlist_size,
        )
        for s in template.shifts.all()
    ]
    skill_ids = (
        [s.pk for s in required_skills]
        if required_skills is not None
        else list(template.required_skills.values_list("pk", flat=True))
    )
    occurrence = clone_activity(
        proto,
        days=(dates[0] - _local(proto.starts_at).date()).days,
        status=Activity.Status.PUBLISHED,
        created_by=series.created_by or template.created_by,
        series=series,
        shifts=shifts,
        skill_ids=skill_ids,
    )
    series.generated_until = dates[0]
    return occurrence
