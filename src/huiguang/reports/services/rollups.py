"""The rollups kept by the confirming transaction (models/rollups.py): `rollups_add` is called by
the receiver of ledger.signals.records_confirmed with the records the transaction confirmed.

Locking (docs/locking.md): the signal comes after the ledger took every chain head of the
transaction; `lock_rollups` then serializes rollup writers (an advisory transaction lock on
PostgreSQL, SQLite's IMMEDIATE transactions elsewhere), so two confirmations never deadlock on
counter rows they share (the city's row is in every one) and the marks' sums before and after
one transaction's additions are its own. The counters are added to without being read: one
upsert that adds per kind of row (core.bulk.bulk_add; bulk_update's CASE statements cost a
batch's size squared), the marks returning their sums. A handful of statements per confirming
transaction, whatever its size.

A bulk write that builds no model instances (the history import, `records_confirmed` with
`record_ids`) is added by `rollups_add_stored`: the same rule (facts.UnitResolver gives every
region, organization and category its units) applied by the database to the rows just inserted,
through three temporary tables (the records' facts, their units, the marks' additions), so that
no record travels to Python and back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection

from huiguang.activities.models import Activity
from huiguang.core.bulk import add_selected, bulk_add, bulk_save, conflict_target, ids_in, month_sql
from huiguang.ledger.models import ServiceRecord

from ..models import ActiveMark, CategoryMonth, DailyCounter, OrganizationMonth, RegionMonth
from .facts import (
    SUMS,
    Fact,
    UnitResolver,
    category_unit,
    expand,
    levels_of,
    lock_rollups,
    organization_unit,
    region_unit,
)

R = ServiceRecord


def participation(kind: str) -> int:
    """人次 of one record: a reversal takes back the participation it reverses."""
    return -1 if kind == R.Kind.REVERSAL else 1


def record_facts(records, stars) -> list[Fact]:
    categories = dict(
        Activity.objects.filter(pk__in={r.activity_id for r in records if r.activity_id}).values_list(
            "pk", "category_id"
        )
    )
    return [
        Fact(
            volunteer_id=r.volunteer_id,
            region_code=r.region_code,
            organization_id=r.organization_id,
            category_id=categories.get(r.activity_id),
            month=r.service_date.replace(day=1),
            minutes=r.minutes,
            credit_minutes=r.minutes if r.is_credit else 0,
            records=1,
            participations=participation(r.kind),
            new_stars=1 if r.pk in stars else 0,
        )
        for r in records
    ]


def new_unit_row(unit: str, month: dt.date, levels: dict[str, str]) -> Any:
    kind, key = unit[0], unit[2:]
    if kind == "r":
        return RegionMonth(region_code=key, level=levels.get(key, ""), month=month)
    if kind == "o":
        return OrganizationMonth(organization_id=int(key), month=month)
    return CategoryMonth(category_id=int(key) if key else None, month=month)


def save_unit_rows(rows) -> None:
    """The unit rows read (changed) and new, one upsert per kind and batch (core.bulk)."""
    model: Any
    for model in (RegionMonth, OrganizationMonth, CategoryMonth):
        bulk_save(model, [r for r in rows if type(r) is model], model.COUNTERS)


def rollups_add(*, records, stars) -> None:
    """Add confirmed records (reversals subtract) to every rollup, in the caller's transaction."""
    if not records:
        return
    lock_rollups()
    facts = record_facts(records, stars)
    resolver = UnitResolver({f.region_code for f in facts}, {f.organization_id for f in facts})
    counters, marks = expand(facts, resolver)
    active = _add_marks(marks)
    _add_units(counters, active, levels_of(resolver, counters))
    _add_days(records)


ADDS = (*SUMS, "active_volunteers")


def _add_units(counters, active, levels: dict[str, str]) -> None:
    """Add to the unit rows (created when missing), one upsert per kind of unit (core.bulk)."""
    rows: dict[str, list[tuple]] = defaultdict(list)
    for (unit, month), sums in counters.items():
        kind, key = unit[0], unit[2:]
        if kind == "c" and not key:
            kind = "-"  # records without a category: the partial constraint on month alone
        values = (month, *sums, active.get((unit, month), 0))
        if kind == "r":
            rows[kind].append((key, levels.get(key, ""), *values))
        else:
            rows[kind].append(values if kind == "-" else (int(key), *values))
    bulk_add(
        RegionMonth, ("region_code", "level", "month", *ADDS), rows["r"], unique="one_region_month", adds=ADDS
    )
    bulk_add(
        OrganizationMonth,
        ("organization_id", "month", *ADDS),
        rows["o"],
        unique="one_organization_month",
        adds=ADDS,
    )
    bulk_add(
        CategoryMonth, ("category_id", "month", *ADDS), rows["c"], unique="one_category_month", adds=ADDS
    )
    bulk_add(CategoryMonth, ("month", *ADDS), rows["-"], unique="one_uncategorized_month", adds=ADDS)


def _add_marks(marks) -> dict[tuple[str, dt.date], int]:
    """Add participations to the volunteers' marks; the change of active volunteers per (unit, month)."""
    fields = ("volunteer_id", "unit", "month", "participations")
    after = bulk_add(
        ActiveMark,
        fields,
        [(*key, delta) for key, delta in marks.items()],
        unique="one_active_mark",
        adds=fields[3:],
        returning=fields,
    )
    active: dict[tuple[str, dt.date], int] = defaultdict(int)
    for volunteer, unit, month, now in after:
        before = now - marks[(volunteer, unit, month)]
        active[(unit, month)] += int(now > 0) - int(before > 0)
    return active


def _add_days(records) -> None:
    days: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in records:
        row = days[r.service_date]
        row[0] += r.minutes
        row[1] += r.minutes if r.is_credit else 0
        row[2] += 1
        row[3] += participation(r.kind)
    bulk_add(
        DailyCounter,
        ("day", *DailyCounter.COUNTERS),
        [(day, *sums) for day, sums in days.items()],
        unique="day",
        adds=DailyCounter.COUNTERS,
    )


# Temporary tables of rollups_add_stored (per connection; emptied before and after each use).
TEMPORARY = {
    "hg_facts": "v BIGINT, rc VARCHAR(15), o BIGINT, c BIGINT, m DATE, d DATE, "
    "mi INTEGER, cr INTEGER, p INTEGER, s INTEGER",
    # k: a fact's region code, organization or category ('r…', 'o…', 'c…'); unit: one of its units,
    # whose kind ('r', 'o', 'c', '-': no category), key and region level the unit rows take.
    "hg_units": "k VARCHAR(32), unit VARCHAR(24), kind VARCHAR(1), unit_key VARCHAR(20), level VARCHAR(10)",
    "hg_marks": "v BIGINT, unit VARCHAR(24), m DATE, n INTEGER",
    "hg_sums": "unit VARCHAR(24), m DATE, mi INTEGER, cr INTEGER, n INTEGER, p INTEGER, s INTEGER",
    "hg_active": "unit VARCHAR(24), m DATE, n INTEGER",
}
# The facts joined to their units: one row per record and unit (region path, organizations above, category).
UNITS_OF_FACTS = """
    SELECT f.v, u.unit, f.m, f.mi, f.cr, f.p, f.s FROM hg_facts f JOIN hg_units u ON u.k = 'r' || f.rc
    UNION ALL
    SELECT f.v, u.unit, f.m, f.mi, f.cr, f.p, f.s FROM hg_facts f
        JOIN hg_units u ON u.k = 'o' || CAST(f.o AS VARCHAR(20))
    UNION ALL
    SELECT f.v, u.unit, f.m, f.mi, f.cr, f.p, f.s FROM hg_facts f
        JOIN hg_units u ON u.k = 'c' || COALESCE(CAST(f.c AS VARCHAR(20)), '')
"""
# The marks above 0 among those the batch touches, per (unit, month). Only a fixed table name.
ACTIVE_MARKS = f"""
    SELECT b.unit, b.m, COUNT(*) AS n FROM hg_marks b JOIN {ActiveMark._meta.db_table} a
        ON a.volunteer_id = b.v AND a.unit = b.unit AND a.month = b.m
    WHERE a.participations > 0 GROUP BY b.unit, b.m
"""  # noqa: S608


def _add_stored_marks(cursor) -> None:
    """Add hg_marks to the volunteers' marks; the change of active volunteers per (unit, month)
    into hg_active: the marks above 0 after the addition less those above 0 before it.
    PostgreSQL: one statement, the upsert's RETURNING (after) joined to the additions (after - n
    = before). SQLite (no upsert inside a WITH): the marks above 0 among those touched, counted
    before (subtracted) and after."""
    fields = ("volunteer_id", "unit", "month", "participations")
    if connection.vendor == "postgresql":
        table = ActiveMark._meta.db_table
        # Only fixed table and column names.
        cursor.execute(
            f"WITH added AS (INSERT INTO {table} ({', '.join(fields)}) "  # noqa: S608
            "SELECT v, unit, m, n FROM hg_marks ORDER BY v, unit, m "
            f"ON CONFLICT {conflict_target(ActiveMark, 'one_active_mark')} "
            f"DO UPDATE SET participations = {table}.participations + EXCLUDED.participations "
            "RETURNING volunteer_id, unit, month, participations) "
            "INSERT INTO hg_active (unit, m, n) SELECT a.unit, a.month, SUM(CASE WHEN a.participations > 0 "
            "THEN 1 ELSE 0 END - CASE WHEN a.participations - b.n > 0 THEN 1 ELSE 0 END) "
            "FROM added a JOIN hg_marks b ON b.v = a.volunteer_id AND b.unit = a.unit AND b.m = a.month "
            "GROUP BY a.unit, a.month"
        )
        return
    cursor.execute(f"INSERT INTO hg_active (unit, m, n) SELECT unit, m, -n FROM ({ACTIVE_MARKS}) x")  # noqa: S608
    add_selected(
        ActiveMark,
        fields,
        "SELECT v, unit, m, n FROM hg_marks",
        [],
        unique="one_active_mark",
        adds=fields[3:],
    )
    cursor.execute(f"INSERT INTO hg_active (unit, m, n) SELECT unit, m, n FROM ({ACTIVE_MARKS}) x")  # noqa: S608


# Per kind of unit row: its columns before the ADDS, the unique constraint, the selected key.
STORED_UNITS = (
    (RegionMonth, ("region_code", "level", "month"), "one_region_month", "r", "u.unit_key, u.level, "),
    (
        OrganizationMonth,
        ("organization_id", "month"),
        "one_organization_month",
        "o",
        "CAST(u.unit_key AS BIGINT), ",
    ),
    (CategoryMonth, ("category_id", "month"), "one_category_month", "c", "CAST(u.unit_key AS BIGINT), "),
    (CategoryMonth, ("month",), "one_uncategorized_month", "-", ""),
)


def _add_stored_units(cursor) -> None:
    """The unit rows added to from hg_sums and hg_active, one upsert per kind of unit."""
    cursor.execute(
        "INSERT INTO hg_sums (unit, m, mi, cr, n, p, s) "  # noqa: S608
        f"SELECT unit, m, SUM(mi), SUM(cr), COUNT(*), SUM(p), SUM(s) FROM ({UNITS_OF_FACTS}) x "
        "GROUP BY unit, m"
    )
    for model, key, unique, kind, selected in STORED_UNITS:
        # Fixed SQL; the kind is a parameter.
        add_selected(
            model,
            (*key, *ADDS),
            f"SELECT {selected}s.m, s.mi, s.cr, s.n, s.p, s.s, COALESCE(a.n, 0) FROM hg_sums s "  # noqa: S608
            "JOIN (SELECT DISTINCT unit, kind, unit_key, level FROM hg_units) u ON u.unit = s.unit "
            "LEFT JOIN (SELECT unit, m, SUM(n) AS n FROM hg_active GROUP BY unit, m) a "
            "ON a.unit = s.unit AND a.m = s.m WHERE u.kind = %s",
            [kind],
            unique=unique,
            adds=ADDS,
        )


def rollups_add_stored(*, record_ids: list[int], stars) -> None:
    """rollups_add for records given by id, already inserted in this transaction (a bulk write
    that builds no model instances, the history import): the same counters and marks, summed by
    the database; the change of active volunteers follows from the marks' additions
    (_add_stored_marks)."""
    if not record_ids:
        return
    lock_rollups()
    # PostgreSQL never vacuums a temporary table: emptied by DELETE, a batch after another would
    # scan every earlier batch's dead rows. TRUNCATE gives it new files.
    empty = "TRUNCATE {}" if connection.vendor == "postgresql" else "DELETE FROM {}"
    with connection.cursor() as cursor:
        for name, columns in TEMPORARY.items():
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns})")
            cursor.execute(empty.format(name))
        among, params = ids_in("r.id", record_ids)
        starred, star_params = ids_in("r.id", list(stars))
        # Fixed SQL and table names; the ids are parameters.
        cursor.execute(
            "INSERT INTO hg_facts (v, rc, o, c, m, d, mi, cr, p, s) "  # noqa: S608
            f"SELECT r.volunteer_id, r.region_code, r.organization_id, a.category_id, "
            f"{month_sql('r.service_date')}, r.service_date, r.minutes, "
            "CASE WHEN r.is_credit THEN r.minutes ELSE 0 END, "
            f"CASE WHEN r.kind = %s THEN -1 ELSE 1 END, CASE WHEN {starred} THEN 1 ELSE 0 END "
            f"FROM {R._meta.db_table} r LEFT JOIN {Activity._meta.db_table} a ON a.id = r.activity_id "
            f"WHERE {among}",
            [R.Kind.REVERSAL, *star_params, *params],
        )
        cursor.execute("SELECT DISTINCT rc FROM hg_facts")
        codes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT DISTINCT o FROM hg_facts")
        organizations = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT DISTINCT c FROM hg_facts")
        categories = [row[0] for row in cursor.fetchall()]
        resolver = UnitResolver(codes, organizations)
        units = [
            (f"r{code}", region_unit(c), "r", c, level)
            for code in codes
            for c, level in resolver.region_levels(code)
        ]
        units += [
            (f"o{pk}", organization_unit(o), "o", str(o), "")
            for pk in organizations
            for o in resolver.organization_chain(pk)
        ]
        units += [
            (f"c{pk or ''}", category_unit(pk), "c" if pk else "-", str(pk or ""), "") for pk in categories
        ]
        cursor.executemany(
            "INSERT INTO hg_units (k, unit, kind, unit_key, level) VALUES (%s, %s, %s, %s, %s)", units
        )
        cursor.execute(
            f"INSERT INTO hg_marks (v, unit, m, n) SELECT v, unit, m, SUM(p) FROM ({UNITS_OF_FACTS}) x "  # noqa: S608
            "GROUP BY v, unit, m"
        )
        _add_stored_marks(cursor)
        _add_stored_units(cursor)
        add_selected(
            DailyCounter,
            ("day", *DailyCounter.COUNTERS),
            "SELECT d, SUM(mi), SUM(cr), COUNT(*), SUM(p) FROM hg_facts GROUP BY d",
            [],
            unique="day",
            adds=DailyCounter.COUNTERS,
        )
        for name in TEMPORARY:
            cursor.execute(empty.format(name))
