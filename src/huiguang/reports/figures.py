"""The figures of a monthly bulletin: every unit type's lines (measures.measure_values) for the
month and the month before, each measure's rank and month-over-month change, the city's days and
categories for the charts, and the "corrections since" lines of earlier published bulletins.

Everything here reads rollups (models/rollups.py) and the lower apps' selectors through the
measures catalogue — never the ledger's ServiceRecord table (tests/reports/test_no_ledger_scan.py).
The result is plain JSON: the snapshot a bulletin keeps unchanged once published.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Sum

from huiguang.core.formatting import hours_from_minutes

from .measures import MEASURES, Number, measure_values, measures_for
from .models import Bulletin, CategoryMonth, DailyCounter, RegionMonth
from .units import CITY, DEPARTMENT, TEAM, TOWN, VILLAGE

SECTIONS = (CITY, TOWN, VILLAGE, DEPARTMENT, TEAM)
# The city line's figures compared by "corrections since" (what a correction of the ledger moves).
CORRECTED = ("hours", "participations", "active")


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def ranks(values: dict[str, Number], higher_is_better: bool = True) -> dict[str, int | None]:
    """Competition ranking (1, 2, 2, 4): the units without a value have no rank."""
    present = sorted((v for v in values.values() if v is not None), reverse=higher_is_better)
    first: dict[float, int] = {}
    for position, value in enumerate(present, start=1):
        first.setdefault(value, position)
    return {unit: (first[v] if v is not None else None) for unit, v in values.items()}


def change(now: Number, before: Number) -> float | None:
    if now is None or before is None:
        return None
    return round(float(now) - float(before), 1)


# A line's figures per measure, kept in the snapshot as lists in the order of the section's
# "measures" (a county's bulletin is some 180 lines of 25 measures: the keys repeated in every line
# made two thirds of it); `section_lines` gives them back by measure key.
PARTS = ("values", "previous", "change", "rank")


def section(unit_type: str, month: dt.date, shared: dict) -> dict:
    months = (month, previous_month(month))
    units, values = measure_values(unit_type, month, shared=shared, months=months)
    _units, before = measure_values(unit_type, months[1], shared=shared, months=months)
    keys = [m.key for m in measures_for(unit_type)]
    rank_of = [ranks({u.id: values[u.id][k] for u in units}, MEASURES[k].higher_is_better) for k in keys]
    lines = []
    for u in units:
        now, then = [values[u.id][k] for k in keys], [before[u.id][k] for k in keys]
        lines.append(
            {
                "id": u.id,
                "name": u.name,
                "parent": u.parent,
                "path": u.path,
                "values": now,
                "previous": then,
                "change": [change(a, b) for a, b in zip(now, then, strict=True)],
                "rank": [r[u.id] for r in rank_of],
            }
        )
    return {"measures": keys, "lines": lines}


def section_lines(section: dict) -> list[dict]:
    """A snapshot section's lines with their values, previous values, changes and ranks as
    {measure key: figure} (snapshots made before the lists kept dicts: given as they are)."""
    keys = section.get("measures", [])
    return [
        line
        if isinstance(line.get("values"), dict)
        else {**line, **{part: dict(zip(keys, line[part], strict=True)) for part in PARTS}}
        for line in section.get("lines", [])
    ]


def days(month: dt.date) -> list[list]:
    end = (month + dt.timedelta(days=32)).replace(day=1)
    return [
        [c.day.isoformat(), float(hours_from_minutes(c.minutes)), c.participations]
        for c in DailyCounter.objects.filter(day__gte=month, day__lt=end).order_by("day")
    ]


def categories(month: dt.date) -> list[list]:
    rows = (
        CategoryMonth.objects.filter(month=month)
        .values(name=F("category__name"))
        .annotate(minutes=Sum("minutes"), participations=Sum("participations"))
        .order_by("-minutes")
    )
    return [[r["name"] or "", float(hours_from_minutes(r["minutes"])), r["participations"]] for r in rows]


def corrections_since(month: dt.date, city_code: str) -> list[dict]:
    """Earlier published bulletins whose city figures the ledger has changed since (corrections of
    their months confirmed later): what was published and what the rollups say now."""
    published = list(
        Bulletin.objects.filter(status=Bulletin.Status.PUBLISHED, month__lt=month)
        .order_by("-month")
        .only("month", "snapshot")[:12]
    )
    now = {
        r.month: r
        for r in RegionMonth.objects.filter(region_code=city_code, month__in=[b.month for b in published])
    }
    out = []
    for bulletin in published:
        lines = section_lines(bulletin.snapshot.get("sections", {}).get(CITY, {}))
        if not lines:
            continue
        was = lines[0]["values"]
        row = now.get(bulletin.month)
        current = {
            "hours": float(hours_from_minutes(row.minutes)) if row else 0.0,
            "participations": row.participations if row else 0,
            "active": row.active_volunteers if row else 0,
        }
        if any(was.get(k) != current[k] for k in CORRECTED):
            out.append(
                {
                    "month": bulletin.month.isoformat()[:7],
                    "published": {k: was.get(k) for k in CORRECTED},
                    "now": current,
                }
            )
    return out


def bulletin_figures(month: dt.date) -> dict:
    """The whole snapshot of the bulletin of `month` (its first day)."""
    month = month.replace(day=1)
    shared: dict = {}  # the sources every section reads (measures.Context)
    sections = {unit_type: section(unit_type, month, shared) for unit_type in SECTIONS}
    city_lines = sections[CITY]["lines"]
    city_code = city_lines[0]["id"] if city_lines else ""
    return {
        "month": month.isoformat()[:7],
        "sections": sections,
        "days": days(month),
        "categories": categories(month),
        "corrections": corrections_since(month, city_code),
    }
