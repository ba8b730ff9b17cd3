"""core.bulk: bulk_save writes the rows read and changed in place and inserts the new ones (one
statement for each, per batch); bulk_add adds to counters by a unique key, partial ones too, and
creates the missing rows; reserve_ids gives ids that rows inserted with them keep and that no later
row takes; on both databases."""

import datetime as dt

import pytest

from huiguang.core.bulk import bulk_add, bulk_save, insert_rows, reserve_ids
from huiguang.reports.models import CategoryMonth, DailyCounter

from ..factories import category

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


def test_bulk_add_adds_to_existing_rows_and_creates_the_missing_ones():
    day = dt.date(2024, 5, 1)
    kept = DailyCounter.objects.create(day=day, minutes=60, records=1, participations=1)
    later = day + dt.timedelta(days=1)
    written = bulk_add(
        DailyCounter,
        ("day", "minutes", "records"),
        [(day, 30, 1), (later, 15, 1)],
        unique="day",
        adds=("minutes", "records"),
        returning=("day", "minutes"),
    )
    assert sorted(written) == [(day, 90), (later, 15)]
    rows = {c.day: (c.pk, c.minutes, c.records, c.participations) for c in DailyCounter.objects.all()}
    assert rows[day] == (kept.pk, 90, 2, 1)  # in place; participations not named: untouched
    assert rows[later][1:] == (15, 1, 0)  # created, the other counters at their default


def test_bulk_add_finds_rows_by_a_partial_unique_constraint():
    """CategoryMonth is unique by (category, month) where a category is set, by month where not."""
    month = dt.date(2024, 5, 1)
    elderly = category()
    for _ in range(2):
        bulk_add(
            CategoryMonth,
            ("category_id", "month", "minutes"),
            [(elderly.pk, month, 30)],
            unique="one_category_month",
            adds=("minutes",),
        )
        bulk_add(
            CategoryMonth,
            ("month", "minutes"),
            [(month, 20)],
            unique="one_uncategorized_month",
            adds=("minutes",),
        )
    rows = {c.category_id: c.minutes for c in CategoryMonth.objects.all()}
    assert rows == {elderly.pk: 60, None: 40}


def test_reserved_ids_are_inserted_as_they_are_and_never_given_again():
    earlier = DailyCounter.objects.create(day=dt.date(2024, 4, 30))
    ids = list(reserve_ids(DailyCounter, 3))
    assert ids == sorted(ids) and len(set(ids)) == 3 and min(ids) > earlier.pk
    days = [dt.date(2024, 5, d) for d in (1, 2, 3)]
    insert_rows(DailyCounter, ("id", "day"), list(zip(ids, days, strict=True)), same={})
    assert dict(DailyCounter.objects.filter(pk__in=ids).values_list("pk", "day")) == dict(
        zip(ids, days, strict=True)
    )
    # The next ones, reserved or created, come after them.
    assert min(reserve_ids(DailyCounter, 2)) > max(ids)
    assert DailyCounter.objects.create(day=dt.date(2024, 5, 9)).pk > max(ids)


def test_inserted_rows_hold_their_values_and_the_same_columns_whatever_their_characters():
    """Values and the constant columns (`same`: formatted once on PostgreSQL and put at the end of
    every line) keep tabs, newlines, backslashes, quotes, NULL, JSON and times as they are."""
    from huiguang.volunteers.models import ImportBatch

    from ..factories import OrganizationFactory, UserFactory

    organization = OrganizationFactory()
    odd = 'a\tb\nc\\d"e\\N\r\x0bf 东湖'
    now = dt.datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=dt.UTC)
    errors = [{"row": 2, "message": odd}]
    rows = [(f"{odd}{i}", f"{i:064d}") for i in range(3)] + [("\\N", "\\")]
    insert_rows(
        ImportBatch,
        ["file_name", "sha256"],
        rows,
        same={
            "organization_id": organization.pk,
            "uploaded_by_id": None,
            "file_path": odd,
            "file_kind": "xlsx",
            "errors": errors,
            "applied_at": now,
        },
    )
    kept = list(
        ImportBatch.objects.order_by("pk").values_list(
            "file_name", "sha256", "file_path", "errors", "applied_at", "uploaded_by"
        )
    )
    assert kept == [(name, sha, odd, errors, now, None) for name, sha in rows]
    assert UserFactory()  # the connection is fine after the COPY
