"""The date rules of recurring activities, with fixed dates (no clock involved).

2026 has three months that begin on a Sunday (February, March, November): there "the Saturday
of the second week" (第二周的星期六, the 金平湖·志愿服务日) is the 7th, a week before "the second
Saturday" (the 14th). In the other months both rules give the same day.
"""

import datetime as dt

import pytest

from huiguang.activities.models import Series
from huiguang.activities.services.series import (
    add_months,
    nth_weekday,
    occurrence_dates,
    rule_errors,
    week_weekday,
)

D = dt.date
SATURDAY = 6
WEEK = Series.Rule.MONTHLY_WEEK_WEEKDAY
NTH = Series.Rule.MONTHLY_NTH_WEEKDAY

SECOND_WEEK_SATURDAYS_2026 = [
    D(2026, 1, 10),
    D(2026, 2, 7),  # February 1st is a Sunday
    D(2026, 3, 7),  # March 1st is a Sunday
    D(2026, 4, 11),
    D(2026, 5, 9),
    D(2026, 6, 13),
    D(2026, 7, 11),
    D(2026, 8, 8),  # August 1st is a Saturday: week 1's Saturday is the 1st
    D(2026, 9, 12),
    D(2026, 10, 10),
    D(2026, 11, 7),  # November 1st is a Sunday
    D(2026, 12, 12),
]

SECOND_SATURDAYS_2026 = [
    D(2026, 1, 10),
    D(2026, 2, 14),
    D(2026, 3, 14),
    D(2026, 4, 11),
    D(2026, 5, 9),
    D(2026, 6, 13),
    D(2026, 7, 11),
    D(2026, 8, 8),
    D(2026, 9, 12),
    D(2026, 10, 10),
    D(2026, 11, 14),
    D(2026, 12, 12),
]


def test_second_week_saturday_for_a_whole_year():
    assert occurrence_dates(WEEK, [SATURDAY], 2, D(2026, 1, 1), D(2026, 12, 31)) == SECOND_WEEK_SATURDAYS_2026


def test_second_saturday_for_a_whole_year():
    assert occurrence_dates(NTH, [SATURDAY], 2, D(2026, 1, 1), D(2026, 12, 31)) == SECOND_SATURDAYS_2026


@pytest.mark.parametrize("first_of_month", [D(2026, 3, 1), D(2026, 11, 1)])
def test_month_beginning_on_a_sunday(first_of_month):
    assert first_of_month.isoweekday() == 7
    year, month = first_of_month.year, first_of_month.month
    # Week 1 is just the Sunday the 1st: its Saturday lies in the previous month.
    assert week_weekday(year, month, SATURDAY, 1) is None
    assert week_weekday(year, month, SATURDAY, 2) == D(year, month, 7)
    assert week_weekday(year, month, 1, 2) == D(year, month, 2)  # week 2 starts on Monday the 2nd
    assert week_weekday(year, month, 7, 1) == first_of_month  # the Sunday of week 1 is the 1st
    assert nth_weekday(year, month, SATURDAY, 1) == D(year, month, 7)
    assert nth_weekday(year, month, SATURDAY, 2) == D(year, month, 14)


def test_first_week_saturday_is_skipped_in_months_where_it_falls_before_the_first():
    dates = occurrence_dates(WEEK, [SATURDAY], 1, D(2026, 1, 1), D(2026, 12, 31))
    assert D(2026, 8, 1) in dates and D(2026, 1, 3) in dates
    # February, March and November begin on a Sunday: no Saturday in their first week.
    assert [d.month for d in dates] == [1, 4, 5, 6, 7, 8, 9, 10, 12]


def test_last_and_fifth():
    assert occurrence_dates(NTH, [SATURDAY], -1, D(2026, 2, 1), D(2026, 3, 31)) == [
        D(2026, 2, 28),
        D(2026, 3, 28),
    ]
    assert occurrence_dates(WEEK, [SATURDAY], -1, D(2026, 2, 1), D(2026, 2, 28)) == [D(2026, 2, 28)]
    # Only some months have a fifth Saturday (2026: January, May, August, October).
    fifth = occurrence_dates(NTH, [SATURDAY], 5, D(2026, 1, 1), D(2026, 12, 31))
    assert fifth == [D(2026, 1, 31), D(2026, 5, 30), D(2026, 8, 29), D(2026, 10, 31)]
    # A sixth week exists when a 31-day month begins on a Sunday (March 2026: the 30th and 31st).
    assert week_weekday(2026, 3, 1, 6) == D(2026, 3, 30)
    assert week_weekday(2026, 3, SATURDAY, 6) is None


def test_weekly_on_given_days():
    dates = occurrence_dates(Series.Rule.WEEKLY, [2, 4], None, D(2026, 3, 1), D(2026, 3, 15))
    assert dates == [D(2026, 3, 3), D(2026, 3, 5), D(2026, 3, 10), D(2026, 3, 12)]
    assert occurrence_dates(Series.Rule.WEEKLY, [7], None, D(2026, 3, 1), D(2026, 3, 1)) == [D(2026, 3, 1)]


def test_the_range_is_inclusive_and_clipped():
    dates = occurrence_dates(WEEK, [SATURDAY], 2, D(2026, 3, 7), D(2026, 4, 11))
    assert dates == [D(2026, 3, 7), D(2026, 4, 11)]
    assert occurrence_dates(WEEK, [SATURDAY], 2, D(2026, 3, 8), D(2026, 4, 10)) == []
    assert occurrence_dates(WEEK, [SATURDAY], 2, D(2026, 4, 1), D(2026, 3, 1)) == []


def test_across_the_new_year():
    dates = occurrence_dates(WEEK, [SATURDAY], 2, D(2026, 11, 1), D(2027, 2, 28))
    # 2027: January 1st is a Friday (week 2: Jan 4-10), February 1st a Monday (week 2: Feb 8-14).
    assert dates == [D(2026, 11, 7), D(2026, 12, 12), D(2027, 1, 9), D(2027, 2, 13)]


def test_add_months_keeps_the_day_or_takes_the_last():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 11, 29), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 5, 9), 12) == D(2027, 5, 9)


def test_rule_errors_in_chinese():
    errors = rule_errors(NTH, [6, 7], 2)
    assert errors["weekdays"] == ["每月系列只能选一个星期几。"]
    assert "ordinal" in rule_errors(NTH, [6], 6)
    assert "ordinal" not in rule_errors(WEEK, [6], 6)
    assert rule_errors(Series.Rule.WEEKLY, [], None)["weekdays"] == ["请选择星期几。"]
