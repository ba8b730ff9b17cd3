"""The order a history's records join their volunteers' chains (plan.chain_order): by volunteer,
date and start time, a record without times first, equal ones in the files' order."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from huiguang.ledger.history.plan import chain_order, day_of


def _record(volunteer: int, day: dt.date, start: str | None, row: int) -> tuple:
    started = None
    if start:
        clock = dt.time.fromisoformat(start)
        started = timezone.make_aware(dt.datetime.combine(day, clock))
    return (volunteer, day, started, None, 60, "O", "", "", "", "", "", f"K{row}", "a.csv", row)


def test_records_sort_by_volunteer_date_and_start_with_untimed_first_and_ties_in_file_order():
    d1, d2 = dt.date(2023, 5, 1), dt.date(2023, 5, 2)
    records = [
        _record(7, d2, "09:00", 2),
        _record(7, d1, "14:30:05", 3),
        _record(3, d2, None, 4),
        _record(7, d1, "14:30", 5),
        _record(7, d1, None, 6),
        _record(7, d1, "08:00", 7),
        _record(7, d1, "08:00", 8),
        _record(3, d1, "23:59:59", 9),
        _record(300_000, d1, None, 10),
    ]
    records.sort(key=chain_order)
    assert [r[13] for r in records] == [9, 4, 6, 7, 8, 5, 3, 2, 10]


def test_a_start_on_the_day_before_the_service_date_sorts_before_that_days_starts():
    day = dt.date(2024, 1, 10)
    late = (5, day, timezone.make_aware(dt.datetime(2024, 1, 9, 23, 0)), None)
    early = (5, day, timezone.make_aware(dt.datetime(2024, 1, 10, 0, 30)), None)
    untimed = (5, day, None, None)
    assert chain_order(untimed) < chain_order(late) < chain_order(early)


def test_each_volunteer_and_date_has_its_own_day_key():
    keys = {day_of(v, dt.date(2020, 1, 1) + dt.timedelta(days=d)) for v in (1, 2, 10**6) for d in range(800)}
    assert len(keys) == 3 * 800
    assert day_of(1, dt.date(9999, 12, 31)) < day_of(2, dt.date(1, 1, 1))
