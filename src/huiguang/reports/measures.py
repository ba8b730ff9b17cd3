"""The catalogue of measures (issue 10): what the monthly bulletin reports for every unit, and
what assessments pick their indicators from.

Interface
---------
- `MEASURES`: key → Measure(key, label, unit, unit_types, value). `label` and `unit` are
  translated (lazy) strings; `unit_types` the unit types it applies to (units.UNIT_TYPES: city,
  town, village, department, team); `value(ctx)` returns {unit id: number or None} for every unit
  of `ctx.units` (None: not defined, e.g. a rate over a base of 0).
- `measure_values(unit_type, month, keys=None, *, shared=None, months=()) -> (units, {unit id:
  {measure key: number}})`: every unit of a type for one month (`month` = the first day), in a
  constant number of queries whatever the number of units or the size of the ledger: each
  source below is read once per call (Context.cached) and the measures derived from others
  reuse their values. Several unit types or months (a bulletin, an assessment period): pass the
  same `shared` dict and every month in `months`, and the sources that read big tables
  (volunteers, memberships) answer them all in one query (Context.across_months).
- Adding a measure is one entry in MEASURES: a `value` function over the Context, usually a
  `ctx.cached(name, loader)` of a lower app's selector or rollup (loans and school points from
  the benefits app's selectors go here). Never the ledger's ServiceRecord table: the rollups
  (models/rollups.py) hold what the ledger says.

Sources: reports' RegionMonth / OrganizationMonth (hours, participations, active volunteers, new
stars), volunteers' registrations by residence region, network's active memberships by
organization (summed over a subtree: a volunteer in two organizations of one subtree counts in
each), activities' figures by region and organization. Regions count what was done in them
(the record's region code) and the volunteers who live in them; organizations count what they
and the organizations below them recorded, and their active members.

Trainings are not in the catalogue: there is no training app yet and no training category of
activities; the training app adds the entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huiguang.activities.selectors.figures import activity_figures
from huiguang.core.formatting import hours_from_minutes
from huiguang.needs.selectors import satisfaction as needs_satisfaction
from huiguang.network.selectors import members_by_organization
from huiguang.volunteers.selectors import registrations_by_region

from .models import OrganizationMonth, RegionMonth
from .units import CITY, DEPARTMENT, TEAM, TOWN, VILLAGE, Unit, units_of

Number = int | float | None
Values = dict[str, Number]
ALL = frozenset({CITY, TOWN, VILLAGE, DEPARTMENT, TEAM})


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next month) in the city's time zone."""
    start = dt.datetime.combine(month.replace(day=1), dt.time.min)
    nxt = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return timezone.make_aware(start, tz), timezone.make_aware(dt.datetime.combine(nxt, dt.time.min), tz)


def ratio(part: Number, whole: Number, scale: int = 1) -> float | None:
    """part ÷ whole (× scale), one decimal half up; None over nothing."""
    if part is None or not whole:
        return None
    value = Decimal(part) * scale / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


class Context:
    """One unit type and month: the units, and each source read once. `shared` (a dict) shares
    what does not depend on the unit type between contexts (a bulletin's sections), and `months`
    names every month those will ask for, so that a source reading big tables (volunteers,
    memberships) answers all of them in one query."""

    def __init__(self, unit_type: str, month: dt.date, units: list[Unit], *, shared=None, months=()):
        self.unit_type, self.month, self.units = unit_type, month.replace(day=1), units
        self.since, self.until = month_bounds(self.month)
        self.months = sorted({self.month} | {m.replace(day=1) for m in months})
        self.shared: dict = shared if shared is not None else {}
        self._cache: dict[str, object] = {}

    @property
    def regions(self) -> bool:
        return bool(self.units) and self.units[0].is_region

    def cached(self, name: str, load: Callable[[], object]):
        if name not in self._cache:
            self._cache[name] = load()
        return self._cache[name]

    def across_months(self, name: str, load: Callable[[list], list]):
        """A source shared by every context of `shared`: `load(windows)` answers every month of
        `months` at once (a list in their order); this context gets its own month's answer."""
        if (name, self.month) not in self.shared:
            for month, answer in zip(self.months, load([month_bounds(m) for m in self.months]), strict=True):
                self.shared[(name, month)] = answer
        return self.shared[(name, self.month)]

    def value(self, key: str) -> Values:
        return self.cached(f"measure:{key}", lambda: MEASURES[key].value(self))  # type: ignore[return-value]


def _subtree_sums(by_path, width: int) -> dict[str, tuple[int, ...]]:
    """{path: values} → {each prefix ending at a "/": the column sums of the paths below it}: one
    pass over the paths, then a unit's subtree is one look-up (its path is such a prefix)."""
    sums: dict[str, list[int]] = {}
    for path, values in by_path.items():
        if not path:
            continue
        end = path.find("/", 1)
        while end != -1:
            row = sums.setdefault(path[: end + 1], [0] * width)
            for i, value in enumerate(values):
                row[i] += value or 0
            end = path.find("/", end + 1)
    return {prefix: tuple(row) for prefix, row in sums.items()}


def _sum_under(sums: dict[str, tuple[int, ...]], prefix: str, width: int) -> tuple[int, ...]:
    return sums.get(prefix, (0,) * width)


def _per_month(by_path: dict[str, list[tuple[int, int]]], count: int) -> list[dict[str, tuple[int, int]]]:
    """{path: [answer per month]} → [{path: answer} per month]."""
    return [{path: answers[i] for path, answers in by_path.items()} for i in range(count)]


# --- sources -----------------------------------------------------------------------------------------------


def _rollups(ctx: Context) -> dict[str, Any]:
    def load():
        if ctx.regions:
            regions = RegionMonth.objects.filter(month=ctx.month, region_code__in=[u.id for u in ctx.units])
            return {r.region_code: r for r in regions}
        orgs = OrganizationMonth.objects.filter(
            month=ctx.month, organization_id__in=[int(u.id) for u in ctx.units]
        )
        return {str(r.organization_id): r for r in orgs}

    return ctx.cached("rollups", load)  # type: ignore[return-value]


def _counter(name: str) -> Callable[[Context], Values]:
    def value(ctx: Context) -> Values:
        rows = _rollups(ctx)
        return {u.id: getattr(rows[u.id], name) if u.id in rows else 0 for u in ctx.units}

    return value


def _registrations(ctx: Context) -> dict[str, tuple[int, ...]]:
    """Regions: volunteers by residence; organizations: active members of the subtree (a volunteer
    in two organizations of one subtree counts in each: one GROUP BY, not a scan per unit)."""

    def load():
        if ctx.regions:
            by_path = ctx.across_months(
                "registrations", lambda w: _per_month(registrations_by_region(w), len(w))
            )
        else:
            by_path = ctx.across_months("members", lambda w: _per_month(members_by_organization(w), len(w)))
        sums = _subtree_sums(by_path, 2)
        return {u.id: _sum_under(sums, u.path, 2) for u in ctx.units}

    return ctx.cached("registrations", load)  # type: ignore[return-value]


def _activities(ctx: Context) -> dict[str, tuple[int, ...]]:
    def load():
        rows = ctx.across_months(
            "activities", lambda w: [activity_figures(since=since, until=until) for since, until in w]
        )
        key = "region__path" if ctx.regions else "organization__path"
        by_path: dict[str, list[int]] = {}
        for row in rows:
            line = by_path.setdefault(row[key], [0, 0, 0])
            line[0] += row["published"]
            line[1] += row["held"]
            line[2] += row["served"] or 0
        sums = _subtree_sums(by_path, 3)
        return {u.id: _sum_under(sums, u.path, 3) for u in ctx.units}

    return ctx.cached("activities", load)  # type: ignore[return-value]


def _column(source: Callable[[Context], dict[str, tuple]], index: int) -> Callable[[Context], Values]:
    def value(ctx: Context) -> Values:
        rows = source(ctx)
        return {u.id: rows[u.id][index] for u in ctx.units}

    return value


def _hours(ctx: Context) -> Values:
    minutes = _counter("minutes")(ctx)
    return {u.id: float(hours_from_minutes(int(minutes[u.id] or 0))) for u in ctx.units}


def _registration_rate(ctx: Context) -> Values:
    registered = ctx.value("registered")
    return {u.id: ratio(registered[u.id], u.base, 100) for u in ctx.units}


def _derived(part: str, whole: str, scale: int) -> Callable[[Context], Values]:
    def value(ctx: Context) -> Values:
        a, b = ctx.value(part), ctx.value(whole)
        return {u.id: ratio(a[u.id], b[u.id], scale) for u in ctx.units}

    return value


# --- the catalogue -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    key: str
    label: Promise
    unit: Promise
    value: Callable[[Context], Values]
    unit_types: frozenset[str] = ALL
    higher_is_better: bool = True


PEOPLE, PERCENT, HOURS, TIMES, COUNT = _("people"), _("%"), _("hours"), _("person-times"), _("activities")

MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("registered", _("registered volunteers"), PEOPLE, _column(_registrations, 0)),
        Measure("registered_new", _("newly registered"), PEOPLE, _column(_registrations, 1)),
        Measure("registration_rate", _("registration rate"), PERCENT, _registration_rate),
        Measure("active", _("active volunteers"), PEOPLE, _counter("active_volunteers")),
        Measure("activity_rate", _("activity rate"), PERCENT, _derived("active", "registered", 100)),
        Measure("participations", _("participations"), TIMES, _counter("participations")),
        Measure("hours", _("service hours"), HOURS, _hours),
        Measure("hours_per_active", _("hours per active volunteer"), HOURS, _derived("hours", "active", 1)),
        Measure("activities_published", _("activities published"), COUNT, _column(_activities, 0)),
        Measure("activities_held", _("activities held"), COUNT, _column(_activities, 1)),
        Measure("people_served", _("people served"), PEOPLE, _column(_activities, 2)),
        Measure("new_stars", _("new star volunteers"), PEOPLE, _counter("new_stars")),
    )
}


def measures_for(unit_type: str) -> list[Measure]:
    return [m for m in MEASURES.values() if unit_type in m.unit_types]


def measure_values(
    unit_type: str, month: dt.date, keys: list[str] | None = None, *, shared=None, months=()
) -> tuple[list[Unit], dict[str, dict[str, Number]]]:
    """Every unit of `unit_type` and its values of the measures (all that apply, or `keys`) for
    the month: {unit id: {measure key: value}}. Computing several unit types or months? Pass one
    `shared` dict to every call and every month in `months` (Context says why)."""
    units = units_of(unit_type)
    ctx = Context(unit_type, month, units, shared=shared, months=months)
    chosen = [m for m in measures_for(unit_type) if keys is None or m.key in keys]
    columns = {m.key: ctx.value(m.key) for m in chosen}
    return units, {u.id: {key: column[u.id] for key, column in columns.items()} for u in units}


# satisfaction (needs) ---------------------------------------------------------------------------------------
# Residents' ratings of the requests served, the response rate and home visits to the care register
# (needs/selectors/satisfaction.py: three GROUP BYs of the month over the small ratings, rating-link
# and visit tables, per region path or organization path, summed here over each unit's subtree).


def _satisfaction(ctx: Context) -> dict[str, tuple[int, ...]]:
    def load():
        by = needs_satisfaction.BY_REGION if ctx.regions else needs_satisfaction.BY_ORGANIZATION
        sums = _subtree_sums(needs_satisfaction.satisfaction_by_path(ctx.month, by=by), 5)
        return {u.id: _sum_under(sums, u.path, 5) for u in ctx.units}

    return ctx.cached("satisfaction", load)  # type: ignore[return-value]


def _mean_rating(ctx: Context) -> Values:
    rows = _satisfaction(ctx)
    return {u.id: ratio(rows[u.id][1], rows[u.id][0]) for u in ctx.units}


def _response_rate(ctx: Context) -> Values:
    rows = _satisfaction(ctx)
    return {u.id: ratio(rows[u.id][3], rows[u.id][2], 100) for u in ctx.units}


SCORE = _("of 5")
MEASURES.update(
    {
        m.key: m
        for m in (
            Measure("ratings", _("residents' ratings"), TIMES, _column(_satisfaction, 0)),
            Measure("mean_rating", _("residents' mean rating"), SCORE, _mean_rating),
            Measure("rating_response_rate", _("rating response rate"), PERCENT, _response_rate),
            Measure("home_visits", _("home visits"), TIMES, _column(_satisfaction, 4)),
        )
    }
)
