"""core.bulk.bulk_save: the rows read and changed are written in place, the new ones inserted: one
statement for each (per batch), on both databases."""

import datetime as dt

import pytest

from huiguang.core.bulk import bulk_save
from huiguang.reports.models import DailyCounter

pytestmark = pytest.mark.django_db

FIELDS = DailyCounter.COUNTERS


def test_rows_read_are_updated_in_place_and_new_rows_inserted(django_assert_num_queries):
    day = dt.date(2024, 5, 1)
    kept = DailyCounter.objects.create(day=day, minutes=60, records=1)
    untouched = DailyCounter.objects.create(day=day + dt.timedelta(days=1), minutes=5, records=1)
    read = DailyCounter.objects.get(day=day)
    read.minutes += 30
    read.records += 1
    new = DailyCounter(day=day + dt.timedelta(days=2), minutes=15, records=1)
    with django_assert_num_queries(2):  # the rows read, the new rows
        bulk_save(DailyCounter, [read, new], FIELDS)
    rows = {c.day: (c.pk, c.minutes, c.records) for c in DailyCounter.objects.all()}
    assert rows[day] == (kept.pk, 90, 2)
    assert rows[untouched.day] == (untouched.pk, 5, 1)
    assert rows[new.day][1:] == (15, 1)
    assert len(rows) == 3


def test_only_the_named_fields_are_written():
    counter = DailyCounter.objects.create(day=dt.date(2024, 5, 1), minutes=60, credit_minutes=60)
    counter.minutes, counter.credit_minutes = 90, 0
    bulk_save(DailyCounter, [counter], ["minutes"])
    counter.refresh_from_db()
    assert (counter.minutes, counter.credit_minutes) == (90, 60)


def test_nothing_to_write_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        bulk_save(DailyCounter, [], FIELDS)
