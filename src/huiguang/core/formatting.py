"""How the platform writes hours and time ranges: one rule for every page, export, PDF and API.

Hours are kept in whole minutes (DESIGN §5) and shown to one decimal, rounded half up from the
minutes themselves: 15 minutes is 0.3 h everywhere. A total is computed from the summed minutes,
never by adding rounded numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

_TENTH = Decimal("0.1")


def hours_from_minutes(minutes: int | None) -> Decimal:
    """Minutes as hours to one decimal, half up (15 → 0.3, -15 → -0.3, 0 → 0.0)."""
    if minutes is None:
        return Decimal("0.0")
    return (Decimal(int(minutes)) / 60).quantize(_TENTH, rounding=ROUND_HALF_UP)


def format_hours(minutes: int | None) -> str:
    """The text of `hours_from_minutes`: "0.3", "12.0"."""
    return str(hours_from_minutes(minutes))


def _local(value: dt.datetime | dt.time) -> dt.datetime | dt.time:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_time_range(start, end=None, *, with_date: bool = True) -> str:
    """ "2026-12-06 08:00–12:00" on one day, "2026-12-06 20:00 – 2026-12-07 02:00" across midnight;
    `with_date=False`: "08:00–12:00". Aware datetimes are shown in the city's time zone; an open
    end (a check-in without a check-out) shows the start alone."""
    if start is None:
        return ""
    start = _local(start)
    end = _local(end) if end is not None else None
    has_date = isinstance(start, dt.datetime)
    first = f"{start:%Y-%m-%d %H:%M}" if with_date and has_date else f"{start:%H:%M}"
    if end is None:
        return first
    if has_date and isinstance(end, dt.datetime) and end.date() != start.date():
        return f"{first} – {end:%Y-%m-%d %H:%M}"
    return f"{first}–{end:%H:%M}"
