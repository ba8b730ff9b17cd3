"""The catalogue of measures (issue 10): what the monthly bulletin reports for every unit, and
what assessments pick their indicators from.

Interface
---------
- `MEASURES`: key → Measure(key, label, unit, value, unit_types, higher_is_better,
  description). `label`, `unit` and `description` are translated (lazy) strings; `unit_types`
  the unit types it applies to (units.UNIT_TYPES: city, town, village, department, team);
  `value(ctx)` returns {unit id: number or None} for every unit of `ctx.units` (None: not
  defined, e.g. a rate over a base of 0).
- `measure_values(unit_type, month, keys=None, *, shared=None, months=()) -> (units, {unit id:
  {measure key: number}})`: every unit of a type for one month (`month` = the first day), in a
  constant number of queries whatever the number of units or the size of the ledger: each
  source below is read once per call (Context.cached) and the measures derived from others
  reuse their values. Several unit types or months (a bulletin, an assessment period): pass the
  same `shared` dict and every month in `months`, and the sources shared by unit types
  (registrations, activities, trainings, loans and points) answer them all in one query
  (Context.across_months).
- Adding a measure is one entry in MEASURES: a `value` function over the Context, usually a
  `ctx.cached(name, loader)` of a lower app's selector or rollup. Never the ledger's
  ServiceRecord table: the rollups (models/rollups.py) hold what the ledger says.

Sources: reports' RegionMonth / OrganizationMonth (hours, participations, active volunteers, new
stars), RegistrationMonth / MembershipMonth (registered volunteers by residence region, active
members by organization, each by month: registered.py), activities' figures by region and
organization (activities, training sessions), the benefits app's monthly totals (loans, school
points: city-wide only, see their descriptions). Regions count what was done in them (the
record's region code) and the volunteers who live in them; organizations count what they and the
organizations below them recorded, and their active members.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huiguang.activities.selectors.figures import activity_figures_by_window, training_figures_by_window
from huiguang.benefits.selectors.loans import loan_totals_by_month
from huiguang.benefits.selectors.points import points_totals_by_month
from huiguang.core.formatting import hours_from_minutes
from huiguang.needs.selectors import satisfaction as needs_satisfaction

from .models import OrganizationMonth, RegionMonth
from .registered import ORGANIZATIONS, REGIONS, registered_by_path
from .units import CITY, DEPARTMENT, TEAM, TOWN, VILLAGE, Unit, units_by_type, units_of

Number = int | float | None
Values = dict[str, Number]
ALL = frozenset({CITY, TOWN, VILLAGE, DEPARTMENT, TEAM})
COUNTERS = RegionMonth.COUNTERS  # OrganizationMonth's are the same (models.rollups.Counts)


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

    def subtree_sums(self, name: str, by_path: Callable[[], dict], width: int) -> dict[str, tuple[int, ...]]:
        """_subtree_sums of a source's {path: values} of this month (`by_path()`), computed once for
        every unit type of `shared` that reads the same source (the city, towns and villages)."""
        key = ("subtree sums", name, self.month)
        if key not in self.shared:
            self.shared[key] = _subtree_sums(by_path(), width)
        return self.shared[key]

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


def _rollups(ctx: Context) -> dict[str, tuple[int, ...]]:
    """The unit's RegionMonth / OrganizationMonth counters of the month ({unit id: COUNTERS}):
    every region's (or organization's) row of every month of the context in one query, shared by
    the unit types."""

    def load(_windows) -> list[dict[str, tuple[int, ...]]]:
        per_month: dict = {month: {} for month in ctx.months}
        model, key = (RegionMonth, "region_code") if ctx.regions else (OrganizationMonth, "organization_id")
        for unit, month, *counters in (
            model.objects.filter(month__in=ctx.months).order_by().values_list(key, "month", *COUNTERS)
        ):
            per_month[month][str(unit)] = counters
        return [per_month[month] for month in ctx.months]

    return ctx.cached(
        "rollups",
        lambda: ctx.across_months("region rollups" if ctx.regions else "organization rollups", load),
    )  # type: ignore[return-value]


def _counter(name: str) -> Callable[[Context], Values]:
    index = COUNTERS.index(name)

    def value(ctx: Context) -> Values:
        rows = _rollups(ctx)
        return {u.id: rows[u.id][index] if u.id in rows else 0 for u in ctx.units}

    return value


def _registrations(ctx: Context) -> dict[str, tuple[int, ...]]:
    """Regions: volunteers by residence; organizations: active members of the subtree (a volunteer
    in two organizations of one subtree counts in each: one GROUP BY, not a scan per unit)."""

    def load():
        kind = REGIONS if ctx.regions else ORGANIZATIONS
        sums = ctx.subtree_sums(
            kind,
            lambda: ctx.across_months(
                kind, lambda w: _per_month(registered_by_path(kind, ctx.months), len(w))
            ),
            2,
        )
        return {u.id: _sum_under(sums, u.path, 2) for u in ctx.units}

    return ctx.cached("registrations", load)  # type: ignore[return-value]


def _path_source(name: str, figures: Callable[[list], list[list[dict]]], columns: tuple[str, ...]):
    """A lower app's figures per (region path, organization path) for month windows (`figures(windows)`:
    a list of rows per window, in one query), summed over each unit's subtree: {unit id: the
    `columns`' sums}. Read once for every month and unit type of a bulletin (Context.across_months)."""
    width = len(columns)

    def source(ctx: Context) -> dict[str, tuple[int, ...]]:
        key = "region__path" if ctx.regions else "organization__path"

        def by_path() -> dict[str, list[int]]:
            rows = ctx.across_months(name, figures)
            out: dict[str, list[int]] = {}
            for row in rows:
                line = out.setdefault(row[key], [0] * width)
                for i, column in enumerate(columns):
                    line[i] += row[column] or 0
            return out

        def load():
            sums = ctx.subtree_sums(f"{name} {key}", by_path, width)
            return {u.id: _sum_under(sums, u.path, width) for u in ctx.units}

        return ctx.cached(name, load)  # type: ignore[return-value]

    return source


_activities = _path_source("activities", activity_figures_by_window, ("published", "held", "served"))


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


# --- sources: loans, points, trainings ------------------------------------------------------------------

# Training sessions are activities with a course (activities.selectors.figures.training_figures).
_trainings = _path_source("trainings", training_figures_by_window, ("sessions", "trained", "qualified"))


def _city_benefits(ctx: Context) -> dict:
    """The city's loans and school-admission points of the month, from the benefits app's monthly
    totals (two selectors, one call each for every month of the bulletin)."""

    def load(windows) -> list[dict]:
        first, last = ctx.months[0], ctx.months[-1]
        end = (last + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)  # its last day
        loans = {r["month"]: r for r in loan_totals_by_month(start=first, end=end)}
        points = {r["month"]: r for r in points_totals_by_month(start=first, end=end)}
        return [
            {f"loans_{k}": v for k, v in loans.get(m, {}).items()}
            | {f"points_{k}": v for k, v in points.get(m, {}).items()}
            for m in ctx.months
        ]

    return ctx.across_months("benefits", load)


def _city_figure(name: str) -> Callable[[Context], Values]:
    def value(ctx: Context) -> Values:
        row = _city_benefits(ctx)
        return {u.id: row.get(name, 0) for u in ctx.units}

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
    description: Promise | str = ""  # what it counts, where the label alone may mislead


PEOPLE, PERCENT, HOURS, TIMES, COUNT = _("people"), _("%"), _("hours"), _("person-times"), _("activities")
CITY_ONLY = frozenset({CITY})

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
        # loans, points, trainings
        Measure(
            "trainings_held",
            _("training sessions held"),
            pgettext_lazy("measure unit", "sessions"),
            _column(_trainings, 0),
            description=_(
                "Training sessions (activities with a course) held in the month, counted for the unit "
                "that ran them and every unit above it."
            ),
        ),
        Measure(
            "trained",
            _("participants trained"),
            TIMES,
            _column(_trainings, 1),
            description=_("Attendees who checked in to the training sessions held in the month."),
        ),
        Measure(
            "qualifications_granted",
            _("qualifications granted"),
            pgettext_lazy("measure unit", "qualifications"),
            _column(_trainings, 2),
            description=_(
                "Qualifications granted by a pass mark in the training sessions held in the month "
                "(outside certificates recorded by an admin are not counted)."
            ),
        ),
        Measure(
            "loan_referrals",
            _("volunteer loans referred"),
            pgettext_lazy("measure unit", "loans"),
            _city_figure("loans_referrals"),
            CITY_ONLY,
            description=_(
                "Referrals to the bank asked for in the month. City-wide only: a loan is a private "
                "matter between a volunteer and the bank, and the few loans of a month split by town "
                "or team would say nothing and could point at a person."
            ),
        ),
        Measure(
            "loans_disbursed",
            _("volunteer loans approved and disbursed"),
            pgettext_lazy("measure unit", "loans"),
            _city_figure("loans_loans"),
            CITY_ONLY,
            description=_(
                "Loans the bank approved and disbursed in the month. City-wide only, as referrals."
            ),
        ),
        Measure(
            "loan_amount",
            _("volunteer loan amount disbursed"),
            pgettext_lazy("measure unit", "CNY"),
            _city_figure("loans_amount"),
            CITY_ONLY,
            description=_("The amount the bank disbursed in the month. City-wide only, as referrals."),
        ),
        Measure(
            "points_approved",
            _("school-admission points applications approved"),
            pgettext_lazy("measure unit", "applications"),
            _city_figure("points_approved"),
            CITY_ONLY,
            description=_(
                "Applications for school-admission points made in the month and approved by the "
                "education bureau. City-wide only: a handful of families a year, whose children's "
                "data must not be pointed at by a town's or a team's line."
            ),
        ),
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
    if shared is None:
        units = units_of(unit_type)
    else:  # every unit type's units in two queries, once
        units = shared.setdefault("units", {}).get(unit_type) or units_by_type(shared["units"])[unit_type]
    ctx = Context(unit_type, month, units, shared=shared, months=months)
    chosen = [m for m in measures_for(unit_type) if keys is None or m.key in keys]
    columns = {m.key: ctx.value(m.key) for m in chosen}
    return units, {u.id: {key: column[u.id] for key, column in columns.items()} for u in units}


# satisfaction (needs) ---------------------------------------------------------------------------------------
# Residents' ratings of the requests served, the response rate and home visits to the care register
# (needs/selectors/satisfaction.py: three GROUP BYs of the month over the small ratings, rating-link
# and visit tables, per region path or organization path, summed here over each unit's subtree).


def _satisfaction(ctx: Context) -> dict[str, tuple[int, ...]]:
    by = needs_satisfaction.BY_REGION if ctx.regions else needs_satisfaction.BY_ORGANIZATION
    name = f"satisfaction {by}"

    def by_path():
        return ctx.across_months(name, lambda _w: needs_satisfaction.satisfaction_by_path(ctx.months, by=by))

    def load():
        sums = ctx.subtree_sums(name, by_path, 5)
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
