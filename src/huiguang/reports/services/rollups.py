"""The rollups kept by the confirming transaction (models/rollups.py): `rollups_add` is called by
the receiver of ledger.signals.records_confirmed with the records the transaction confirmed.

Locking (docs/locking.md): the signal comes after the ledger took every chain head of the
transaction; `lock_rollups` then serializes rollup writers (an advisory transaction lock on
PostgreSQL, SQLite's IMMEDIATE transactions elsewhere), so the read-then-write of the counters
below is safe and two confirmations never deadlock on counter rows they share (the city's row
is in every one). About twenty queries per confirming transaction, whatever its size; the rows
read and the new ones are written back by one upsert per batch (core.bulk: bulk_update's CASE
statements cost a batch's size squared).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q

from huiguang.activities.models import Activity
from huiguang.core.bulk import bulk_save
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


def unit_rows(units_months) -> dict[tuple[str, dt.date], Any]:
    """The counter rows of (unit, month) pairs that exist: one query per kind of unit."""
    by_kind: dict[str, set] = defaultdict(set)
    months = {m for _u, m in units_months}
    for unit, _m in units_months:
        by_kind[unit[0]].add(unit[2:])
    rows: dict[tuple[str, dt.date], Any] = {}
    if by_kind["r"]:
        for region in RegionMonth.objects.filter(region_code__in=by_kind["r"], month__in=months):
            rows[(f"r:{region.region_code}", region.month)] = region
    if by_kind["o"]:
        for org in OrganizationMonth.objects.filter(
            organization_id__in=[int(k) for k in by_kind["o"]], month__in=months
        ):
            rows[(f"o:{org.organization_id}", org.month)] = org
    if by_kind["c"]:
        ids = [int(k) for k in by_kind["c"] if k]
        q = Q(category_id__in=ids) | (Q(category__isnull=True) if "" in by_kind["c"] else Q(pk__in=[]))
        for cat in CategoryMonth.objects.filter(q, month__in=months):
            rows[(f"c:{cat.category_id or ''}", cat.month)] = cat
    return rows


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
    rows = unit_rows(counters)
    levels = levels_of(resolver, counters)
    changed: list[Any] = []
    for key, sums in counters.items():
        row = rows.get(key)
        if row is None:
            row = new_unit_row(key[0], key[1], levels)
        changed.append(row)
        for name, value in zip(SUMS, sums, strict=True):
            setattr(row, name, getattr(row, name) + value)
        row.active_volunteers += active.get(key, 0)
    save_unit_rows(changed)
    _add_days(records)


def _add_marks(marks) -> dict[tuple[str, dt.date], int]:
    """Add participations to the volunteers' marks; the change of active volunteers per (unit, month)."""
    volunteers = {v for v, _u, _m in marks}
    units = {u for _v, u, _m in marks}
    months = {m for _v, _u, m in marks}
    existing = {
        (m.volunteer_id, m.unit, m.month): m
        for m in ActiveMark.objects.filter(volunteer_id__in=volunteers, unit__in=units, month__in=months)
    }
    active: dict[tuple[str, dt.date], int] = defaultdict(int)
    changed = []
    for (volunteer, unit, month), delta in marks.items():
        mark = existing.get((volunteer, unit, month))
        if mark is None:
            mark = ActiveMark(volunteer_id=volunteer, unit=unit, month=month)
        before = mark.participations
        mark.participations = before + delta
        changed.append(mark)
        active[(unit, month)] += int(before + delta > 0) - int(before > 0)
    bulk_save(ActiveMark, changed, ["participations"])
    return active


def _add_days(records) -> None:
    days: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in records:
        row = days[r.service_date]
        row[0] += r.minutes
        row[1] += r.minutes if r.is_credit else 0
        row[2] += 1
        row[3] += participation(r.kind)
    existing = {c.day: c for c in DailyCounter.objects.filter(day__in=days)}
    changed = []
    for day, sums in days.items():
        counter = existing.get(day) or DailyCounter(day=day)
        for name, value in zip(DailyCounter.COUNTERS, sums, strict=True):
            setattr(counter, name, getattr(counter, name) + value)
        changed.append(counter)
    bulk_save(DailyCounter, changed, DailyCounter.COUNTERS)
