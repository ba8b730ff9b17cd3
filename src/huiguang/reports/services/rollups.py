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
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from huiguang.activities.models import Activity
from huiguang.core.bulk import bulk_add, bulk_save
from huiguang.ledger.models import ServiceRecord

from ..models import ActiveMark, CategoryMonth, DailyCounter, OrganizationMonth, RegionMonth
from .facts import SUMS, Fact, UnitResolver, expand, levels_of, lock_rollups

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
