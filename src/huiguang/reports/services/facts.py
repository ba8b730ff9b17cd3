"""What a confirmed record counts towards: the one rule shared by the incremental upkeep
(rollups.py) and the rebuild (rebuild.py), so that both always agree (models/rollups.py says why
each unit has its own row).

A Fact is a record, or a group of records of one volunteer with the same region code,
organization, category and service month; `expand` turns facts into the counters of every unit
they count towards and the volunteers' marks (participations per unit and month).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from huiguang.network.models import Organization, Region

# Row counters of a unit, in this order: Counts.COUNTERS minus active_volunteers (derived from marks).
SUMS = ("minutes", "credit_minutes", "records", "participations", "new_stars")
LEVELS = [Region.Level.CITY, Region.Level.TOWN, Region.Level.VILLAGE, Region.Level.GRID]
# One key per process and purpose: pg_advisory_xact_lock(ROLLUP_LOCK) serializes rollup writers.
ROLLUP_LOCK = 10_330_482


def lock_rollups() -> None:
    """Serialize the writers of the rollups (docs/locking.md): taken after the chain heads, before
    the seal head; SQLite's IMMEDIATE transactions already serialize writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])


@dataclass(frozen=True)
class Fact:
    volunteer_id: int
    region_code: str
    organization_id: int
    category_id: int | None
    month: dt.date
    minutes: int
    credit_minutes: int
    records: int
    participations: int
    new_stars: int = 0

    def sums(self) -> tuple[int, ...]:
        return (self.minutes, self.credit_minutes, self.records, self.participations, self.new_stars)


def region_unit(code: str) -> str:
    return f"r:{code}"


def organization_unit(pk: int) -> str:
    return f"o:{pk}"


def level_at(position: int) -> str:
    """The Region.Level of the region at `position` of a path from the top (below the grid: grid)."""
    return str(LEVELS[min(position, len(LEVELS) - 1)])


def category_unit(pk: int | None) -> str:
    return f"c:{pk or ''}"


class UnitResolver:
    """Region codes → the codes of every level of their path; organizations → themselves and
    every organization above them. Two queries for any number of facts."""

    def __init__(self, region_codes, organization_ids):
        self.region_paths: dict[str, list[str]] = {
            code: path.strip("/").split("/")
            for code, path in Region.objects.filter(code__in=set(region_codes)).values_list("code", "path")
        }
        org_paths = dict(Organization.objects.filter(pk__in=set(organization_ids)).values_list("pk", "path"))
        codes = {c for path in org_paths.values() for c in path.strip("/").split("/")}
        ids = dict(Organization.objects.filter(code__in=codes).values_list("code", "pk")) if codes else {}
        self.org_chains = {
            pk: [ids[c] for c in path.strip("/").split("/") if c in ids] for pk, path in org_paths.items()
        }

    def units(self, fact: Fact) -> list[str]:
        return (
            [
                region_unit(c)
                for c in self.region_paths.get(
                    fact.region_code, [fact.region_code] if fact.region_code else []
                )
            ]
            + [organization_unit(o) for o in self.organization_chain(fact.organization_id)]
            + [category_unit(fact.category_id)]
        )

    def region_levels(self, code: str) -> list[tuple[str, str]]:
        """(code, Region.Level) of every region of the path: the level its unit rows are listed by
        (the code alone, without a level, when it is no known region)."""
        path = self.region_paths.get(code)
        if path is None:
            return [(code, "")] if code else []
        return [(c, level_at(i)) for i, c in enumerate(path)]

    def organization_chain(self, pk: int) -> list[int]:
        """The organization and every organization above it."""
        return self.org_chains.get(pk, [pk])


def expand(facts, resolver: UnitResolver):
    """(counters, marks): counters[(unit, month)] = [the SUMS]; marks[(volunteer, unit, month)] =
    participations."""
    counters: dict[tuple[str, dt.date], list[int]] = defaultdict(lambda: [0] * len(SUMS))
    marks: dict[tuple[int, str, dt.date], int] = defaultdict(int)
    for fact in facts:
        sums = fact.sums()
        for unit in resolver.units(fact):
            row = counters[(unit, fact.month)]
            for i, value in enumerate(sums):
                row[i] += value
            marks[(fact.volunteer_id, unit, fact.month)] += fact.participations
    return counters, marks


def levels_of(resolver: UnitResolver, counters) -> dict[str, str]:
    """The Region.Level of every region code among the counters' units."""
    levels: dict[str, str] = {}
    for unit, _month in counters:
        if unit.startswith("r:"):
            code = unit[2:]
            path = next((p for p in resolver.region_paths.values() if code in p), None)
            levels[code] = level_at(path.index(code)) if path else ""
    return levels
