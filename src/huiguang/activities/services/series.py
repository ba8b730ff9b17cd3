"""Recurring activities (系列活动): the date rules, generating occurrences, editing the whole series.

The rules (Series.Rule), with `weekdays` as ISO numbers (Monday = 1 ... Sunday = 7):

- WEEKLY: every week on each of the given weekdays.
- MONTHLY_NTH_WEEKDAY ("the second Saturday", 第二个星期六): the n-th time the weekday occurs in
  the month; n = 1..5, or -1 for the last one. A month without a fifth one has no occurrence.
- MONTHLY_WEEK_WEEKDAY ("the Saturday of the second week", 第二周的星期六 — Pinghu's monthly
  金平湖·志愿服务日): weeks run Monday to Sunday and week 1 is the week that contains the 1st of the
  month, so week n starts on the Monday of week 1 plus 7·(n−1) days. The occurrence is the given
  weekday of week n, if that day lies in the month (the Saturday of week 1 of a month that begins
  on a Sunday is in the previous month: no occurrence). When the 1st is a Sunday, week 1 is that
  single Sunday and week 2 starts on the 2nd, so "the Saturday of the second week" is the 7th
  (2026-03-07, 2026-11-07), whereas "the second Saturday" is the 14th. n = 1..6, or -1 for the
  last week that holds the weekday (which is the weekday's last occurrence in the month).

A series is reviewed once, through its template: only a published activity can become recurring,
and its occurrences are generated as published activities of the same organization.

Generating is idempotent: `Series.generated_until` records how far dates have been generated and
the series row is locked while generating (select_for_update; SQLite's IMMEDIATE transactions
serialize), so two runs never create the same occurrence; an occurrence that was moved to another
day or deleted is not created again. Besides, a date that already has an occurrence is skipped.

Editing the whole series (`series_update`, in services/series_edit.py) changes the future
occurrences that were not edited on their own (`series_detached`) and are still open (draft,
pending, returned or published). Occurrences that already have active enrollments keep their
times: the volunteers signed up for those hours, perhaps around other commitments. Everything else
(title, description, place, requirements, ...) changes on them too. The occurrences whose times
were kept are returned so that the organizer can move them one by one (which notifies their
volunteers). Changing the rule itself is not offered: end the series and start a new one.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from huiguang.activities.permissions import organization_may_manage_activities
from huiguang.core.audit import audit_log
from huiguang.core.dates import add_months
from huiguang.core.errors import FieldErrors, Refused
from huiguang.network.models import Organization

from ..models import Activity, Series
from .copies import clone_activity

MAX_SERIES_YEARS = 5
MAX_HORIZON_MONTHS = 24


# --- pure date rules -------------------------------------------------------------------------


def _months(start: dt.date, end: dt.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date | None:
    """The n-th `weekday` (ISO, 1-7) of the month; n = -1 the last. None when there is none."""
    last_day = calendar.monthrange(year, month)[1]
    days = [
        dt.date(year, month, d)
        for d in range(1, last_day + 1)
        if dt.date(year, month, d).isoweekday() == weekday
    ]
    if n == -1:
        return days[-1]
    return days[n - 1] if 1 <= n <= len(days) else None


def week_weekday(year: int, month: int, weekday: int, n: int) -> dt.date | None:
    """The `weekday` (ISO, 1-7) of the n-th Monday-to-Sunday week of the month, week 1 being the
    week that contains the 1st; None when that day falls outside the month. n = -1: the last week
    of the month that holds the weekday."""
    if n == -1:
        return nth_weekday(year, month, weekday, -1)
    first = dt.date(year, month, 1)
    week1_monday = first - dt.timedelta(days=first.isoweekday() - 1)
    day = week1_monday + dt.timedelta(weeks=n - 1, days=weekday - 1)
    return day if day.month == month and day.year == year else None


def occurrence_dates(
    rule: str, weekdays: list[int], ordinal: int | None, start: dt.date, end: dt.date
) -> list[dt.date]:
    """Every date of the rule from `start` to `end`, both included, in order."""
    if end < start:
        return []
    if rule == Series.Rule.WEEKLY:
        wanted = set(weekdays)
        days = (start + dt.timedelta(days=i) for i in range((end - start).days + 1))
        return [d for d in days if d.isoweekday() in wanted]
    if rule not in (Series.Rule.MONTHLY_NTH_WEEKDAY, Series.Rule.MONTHLY_WEEK_WEEKDAY):
        raise ValueError(f"unknown rule {rule!r}")
    pick = nth_weekday if rule == Series.Rule.MONTHLY_NTH_WEEKDAY else week_weekday
    dates = []
    for year, month in _months(start, end):
        for weekday in sorted(set(weekdays)):
            day = pick(year, month, weekday, ordinal or 1)
            if day is not None and start <= day <= end:
                dates.append(day)
    return sorted(dates)


def rule_errors(rule: str, weekdays, ordinal) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if rule not in Series.Rule.values:
        errors["rule"] = [_("Choose how the activity repeats.")]
        return errors
    days = weekdays if isinstance(weekdays, list | tuple) else []
    if not days or any(not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7 for d in days):
        errors["weekdays"] = [_("Choose the day(s) of the week.")]
    elif rule != Series.Rule.WEEKLY and len(set(days)) != 1:
        errors["weekdays"] = [_("A monthly series takes place on one day of the week: choose one.")]
    if rule == Series.Rule.MONTHLY_NTH_WEEKDAY and ordinal not in (1, 2, 3, 4, 5, -1):
        errors["ordinal"] = [_("Choose which occurrence in the month: first to fifth, or the last.")]
    if rule == Series.Rule.MONTHLY_WEEK_WEEKDAY and ordinal not in (1, 2, 3, 4, 5, 6, -1):
        errors["ordinal"] = [_("Choose which week of the month: first to sixth, or the last.")]
    return errors


def rule_display(series: Series) -> str:
    """'每周 星期二、星期四', '每月第2个星期六', '每月第2周的星期六'."""
    names = [str(WEEKDAYS[d - 1]) for d in sorted(set(series.weekdays or [])) if 1 <= d <= 7]
    if series.rule == Series.Rule.WEEKLY:
        return _("Every week on %(days)s") % {"days": _(", ").join(names)}
    day = names[0] if names else ""
    if series.ordinal == -1:
        if series.rule == Series.Rule.MONTHLY_WEEK_WEEKDAY:
            return _("Every month, the %(day)s of the last week") % {"day": day}
        return _("Every month, the last %(day)s") % {"day": day}
    if series.rule == Series.Rule.MONTHLY_WEEK_WEEKDAY:
        return _("Every month, the %(day)s of week %(n)d") % {"day": day, "n": series.ordinal or 1}
    return _("Every month, %(day)s number %(n)d") % {"day": day, "n": series.ordinal or 1}


# --- occurrences -----------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


def series_create(
    *,
    actor,
    template: Activity,
    rule: str,
    weekdays: list[int],
    ordinal: int | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    horizon_months: int | None = None,
    request=None,
    now: dt.datetime | None = None,
) -> Series:
    """Make a published activity recurring: it becomes the series' first occurrence and template,
    and the occurrences of the next `horizon_months` are generated at once."""
    if not organization_may_manage_activities(actor, template.organization):
        raise PermissionDenied
    if template.series_id is not None:
        raise Refused("already_in_series", _("This activity already belongs to a series."))
    if template.status != Activity.Status.PUBLISHED:
        raise Refused(
            "not_published", _("Only a published activity can be made recurring: submit it for review first.")
        )
    template_day = _local(template.starts_at).date()
    starts_on = starts_on or template_day + dt.timedelta(days=1)
    horizon = settings.HUIGUANG_SERIES_HORIZON_MONTHS if horizon_months is None else horizon_months
    weekdays = sorted(set(weekdays)) if isinstance(weekdays, list | tuple) else weekdays
    errors = rule_errors(rule, weekdays, ordinal)
    if starts_on <= template_day:
        errors["starts_on"] = [_("The series starts after the first activity's day.")]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The last date must not be before the first.")]
    elif ends_on is not None and ends_on > add_months(starts_on, 12 * MAX_SERIES_YEARS):
        errors["ends_on"] = [_("A series may last at most %(n)d years.") % {"n": MAX_SERIES_YEARS}]
    if not isinstance(horizon, int) or not 1 <= horizon <= MAX_HORIZON_MONTHS:
        errors["horizon_months"] = [
            _("Generate between 1 and %(n)d months ahead.") % {"n": MAX_HORIZON_MONTHS}
        ]
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        series = Series.objects.create(
            organization=template.organization,
            title=template.title,
            rule=rule,
            weekdays=weekdays,
            ordinal=None if rule == Series.Rule.WEEKLY else ordinal,
            starts_on=starts_on,
            ends_on=ends_on,
            horizon_months=horizon,
            template=template,
            created_by=actor,
        )
        Activity.objects.filter(pk=template.pk).update(series=series, series_detached=False)
        template.series, template.series_detached = series, False
        created = series_generate(series, now=now)
        audit_log(
            action="series_created",
            actor=actor,
            obj=series,
            request=request,
            template=template.pk,
            rule=rule,
            generated=len(created),
        )
    return series


def series_generate(
    series: Series, until: dt.date | None = None, *, now: dt.datetime | None = None
) -> list[Activity]:
    """Create the occurrences from the last generated date up to `until` (default: the series'
    horizon from today), never before today and never twice. Returns the new occurrences."""
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    with transaction.atomic():
        series = (
            Series.objects.select_for_update(of=("self",))
            .select_related("template", "organization")
            .get(pk=series.pk)
        )
        template = series.template
        if template is None or series.organization.status != Organization.Status.ACTIVE:
            return []
        end = until or add_months(today, series.horizon_months)
        if series.ends_on is not None:
            end = min(end, series.ends_on)
        start = series.starts_on
        if series.generated_until is not None:
            start = max(start, series.generated_until + dt.timedelta(days=1))
        start = max(start, today)
        if end < start:
            return []
        existing = {_local(v).date() for v in series.occurrences.values_list("starts_at", flat=True)}
        template_day = _local(template.starts_at).date()
        shifts = list(template.shifts.all())
        skill_ids = list(template.required_skills.values_list("pk", flat=True))
        created = [
            clone_activity(
                template,
                days=(day - template_day).days,
                status=Activity.Status.PUBLISHED,
                created_by=series.created_by or template.created_by,
                series=series,
                shifts=shifts,
                skill_ids=skill_ids,
            )
            for day in occurrence_dates(series.rule, series.weekdays, series.ordinal, start, end)
            if day not in existing
        ]
        if series.generated_until is None or end > series.generated_until:
            Series.objects.filter(pk=series.pk).update(generated_until=end)
    return created


def series_generate_all(*, now: dt.datetime | None = None) -> dict[int, int]:
    """Extend every series that has not ended (the `generate_series` command, run daily by cron)."""
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    counts = {}
    running = Series.objects.exclude(ends_on__lt=today).exclude(template__isnull=True).order_by("pk")
    for series in running:
        counts[series.pk] = len(series_generate(series, now=now))
    return counts
