"""The figures of the dashboards, the public home page, the big screen and the team figures
(issue 10 points 3 and 4).

Read from the rollups (RegionMonth, OrganizationMonth, DailyCounter, ActiveMark; the ledger's
VolunteerHours for the stars) and the lower apps' selectors (registrations, memberships,
activities, sites): never the ledger's ServiceRecord table (tests/reports/test_dashboard_queries.py
captures every query of these pages). Each function issues a fixed number of queries, whatever the
size of the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from huiguang.activities.selectors.figures import activity_figures
from huiguang.activities.selectors.places import located_sites
from huiguang.activities.selectors.public import PUBLIC_STATUSES, activities_visible_to
from huiguang.core.formatting import hours_from_minutes
from huiguang.core.params import FIRST_DAY
from huiguang.core.selectors import get_or_404
from huiguang.ledger.models import VolunteerHours
from huiguang.needs.selectors.satisfaction import team_satisfaction
from huiguang.network.models import Organization, Region
from huiguang.network.scope import scope_for
from huiguang.network.selectors import members_in_subtrees
from huiguang.volunteers.selectors import registrations_by_region

from ..measures import month_bounds, ratio
from ..models import ActiveMark, DailyCounter, HourlyRate, OrganizationMonth, RegionMonth
from ..permissions import dashboard_organization_visible, dashboard_region_visible

TEAM_KINDS = (Organization.Kind.TEAM, Organization.Kind.PROFESSIONAL)
TOP_TEAMS = 10
TREND_MONTHS = 12


@dataclass(frozen=True)
class DashboardUnit:
    kind: str  # "city", "region" or "organization"
    key: str  # region code, or organization pk
    name: str
    path: str
    level: str = ""  # the region's level

    @property
    def rollup_unit(self) -> str:
        return f"o:{self.key}" if self.kind == "organization" else f"r:{self.key}"


def _region_unit(region: Region) -> DashboardUnit:
    kind = "city" if region.level == Region.Level.CITY else "region"
    return DashboardUnit(kind, region.code, region.name, region.path, region.level)


def _organization_unit(org: Organization) -> DashboardUnit:
    return DashboardUnit("organization", str(org.pk), org.name, org.path)


def dashboard_units_for(user) -> list[DashboardUnit]:
    """The dashboards a console user may open, widest first: the city (city-wide roles), their
    regions, the organizations they administer or lead."""
    scope = scope_for(user)
    units: list[DashboardUnit] = []
    if scope.city_wide:
        city = Region.objects.filter(level=Region.Level.CITY).order_by("path").first()
        if city is not None:
            units.append(_region_unit(city))
    if scope.region_paths:
        units += [
            _region_unit(r) for r in Region.objects.filter(path__in=scope.region_paths).order_by("path")
        ]
    orgs = Organization.objects.filter(
        Q(path__in=scope.admin_org_paths) | Q(pk__in=scope.leader_org_ids)
    ).order_by("path")
    if scope.admin_org_paths or scope.leader_org_ids:
        units += [_organization_unit(o) for o in orgs]
    return units


def dashboard_region_get_for(user, code: str) -> DashboardUnit:
    region = Region.objects.filter(code=str(code)[:15]).first()
    if region is None or not dashboard_region_visible(user, region):
        raise Http404
    return _region_unit(region)


def dashboard_organization_get_for(user, pk) -> DashboardUnit:
    org = get_or_404(Organization.objects.select_related("region"), pk)
    if not dashboard_organization_visible(user, org):
        raise Http404
    return _organization_unit(org)


# --- helpers ------------------------------------------------------------------------------------------


def months_back(today: dt.date, n: int = TREND_MONTHS) -> list[dt.date]:
    """The first days of the n months ending with today's, oldest first."""
    months, month = [], today.replace(day=1)
    for _ in range(n):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def current_hourly_rate() -> HourlyRate | None:
    return HourlyRate.objects.order_by("-set_at", "-pk").first()


def impact_value(minutes: int, rate: HourlyRate | None) -> Decimal | None:
    if rate is None:
        return None
    return (hours_from_minutes(minutes) * rate.yuan_per_hour).quantize(Decimal("1"))


def monthly_trend(by_month: dict, months: list[dt.date]) -> list[dict]:
    """Hours, participations and active volunteers of each month from its rollup row (0 without one)."""
    rows = []
    for m in months:
        row = by_month.get(m)
        rows.append(
            {
                "month": m.strftime("%Y-%m"),
                "hours": float(hours_from_minutes(row.minutes if row else 0)),
                "participations": row.participations if row else 0,
                "active": row.active_volunteers if row else 0,
            }
        )
    return rows


def _rollup_rows(unit: DashboardUnit, months: list[dt.date]) -> QuerySet:
    if unit.kind == "organization":
        return OrganizationMonth.objects.filter(organization_id=int(unit.key), month__in=months)
    return RegionMonth.objects.filter(region_code=unit.key, month__in=months)


def _registered(unit: DashboardUnit, since: dt.datetime, until: dt.datetime) -> int:
    if unit.kind == "organization":
        return members_in_subtrees([unit.path], since=since, until=until).get(unit.path, (0, 0))[0]
    by_path = registrations_by_region([(since, until)])
    return sum(counts[0][0] for path, counts in by_path.items() if path and path.startswith(unit.path))


def active_in_period(unit_key: str, first: dt.date, last: dt.date) -> int:
    """Distinct volunteers with at least one participation in the unit in the months [first, last]
    (the rollup's volunteer × unit × month marks)."""
    marks = ActiveMark.objects.filter(unit=unit_key, month__gte=first, month__lte=last, participations__gt=0)
    return marks.values("volunteer_id").distinct().count()


def _active_registered(unit: DashboardUnit, first: dt.date, last: dt.date) -> int:
    """The active rate's numerator, on the same base as `registered`: for a region, its residents
    active anywhere in the city (the city's marks of volunteers living in the region); for the
    city and an organization, the volunteers active in it."""
    if unit.kind != "region":
        return active_in_period(unit.rollup_unit, first, last)
    city_code = unit.path.split("/")[0]
    marks = ActiveMark.objects.filter(
        unit=f"r:{city_code}",
        month__gte=first,
        month__lte=last,
        participations__gt=0,
        volunteer__residence_region__path__startswith=unit.path,
    )
    return marks.values("volunteer_id").distinct().count()


def _scope_q(unit: DashboardUnit, prefix: str = "") -> Q:
    if unit.kind == "city":
        return Q()
    if unit.kind == "organization":
        return Q(**{f"{prefix}path__startswith": unit.path})
    return Q(**{f"{prefix}region__path__startswith": unit.path})


def top_teams(unit: DashboardUnit, months: list[dt.date], limit: int = TOP_TEAMS) -> list[dict]:
    rows = (
        OrganizationMonth.objects.filter(
            _scope_q(unit, "organization__"), month__in=months, organization__kind__in=TEAM_KINDS
        )
        .values("organization_id", "organization__name")
        .annotate(minutes=Sum("minutes"), participations=Sum("participations"))
        .order_by("-minutes", "organization__name")[:limit]
    )
    return [
        {
            "id": r["organization_id"],
            "name": r["organization__name"],
            "hours": float(hours_from_minutes(r["minutes"] or 0)),
            "participations": r["participations"] or 0,
        }
        for r in rows
    ]


def _stars(unit: DashboardUnit) -> list[dict]:
    rows = VolunteerHours.objects.filter(star__gt=0)
    if unit.kind == "organization":
        rows = rows.filter(
            volunteer__memberships__organization__path__startswith=unit.path,
            volunteer__memberships__status="active",
        )
    elif unit.kind == "region":
        rows = rows.filter(volunteer__residence_region__path__startswith=unit.path)
    counted = rows.values("star").annotate(n=Count("volunteer_id", distinct=True)).order_by("star")
    by_star = {r["star"]: r["n"] for r in counted}
    return [{"star": s, "volunteers": by_star.get(s, 0)} for s in range(1, 6)]


def _categories(unit: DashboardUnit, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Public activities of the period by service category."""
    activities = activities_visible_to(None, statuses=PUBLIC_STATUSES).filter(
        starts_at__gte=since, starts_at__lt=until
    )
    if unit.kind == "organization":
        activities = activities.filter(organization__path__startswith=unit.path)
    elif unit.kind == "region":
        activities = activities.filter(region__path__startswith=unit.path)
    rows = (
        activities.order_by()
        .values("category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    )
    return [{"name": r["category__name"] or "—", "activities": r["n"]} for r in rows]


# --- the dashboard ------------------------------------------------------------------------------------


def dashboard_figures(unit: DashboardUnit, *, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    months = months_back(today)
    since, _end = month_bounds(months[0])
    _start, until = month_bounds(months[-1])
    year_start, _x = month_bounds(dt.date(today.year, 1, 1))
    by_month = {r.month: r for r in _rollup_rows(unit, months)}
    trend = monthly_trend(by_month, months)
    year_minutes = sum(r.minutes for m, r in by_month.items() if m.year == today.year)
    registered = _registered(unit, year_start, until)
    active_year = _active_registered(unit, dt.date(today.year, 1, 1), today.replace(day=1))
    rate = current_hourly_rate()
    return {
        "unit": unit,
        "year": today.year,
        "trend": trend,
        "registered": registered,
        "active_year": active_year,
        "active_rate": ratio(active_year, registered, 100),
        "year_minutes": year_minutes,
        "year_participations": sum(r.participations for m, r in by_month.items() if m.year == today.year),
        "impact": impact_value(year_minutes, rate),
        "rate": rate,
        "categories": _categories(unit, since, until),
        "top_teams": top_teams(unit, months),
        "stars": _stars(unit),
    }


# --- the public figures -------------------------------------------------------------------------------


def headline_figures() -> dict:
    """The four headline figures (registered volunteers, participations, hours, activities), for the
    whole city and all time: the city's rollup rows, the registrations and the activities."""
    now = timezone.now()
    start, _end = month_bounds(FIRST_DAY)
    totals = RegionMonth.objects.filter(level=Region.Level.CITY).aggregate(
        minutes=Sum("minutes", default=0), participations=Sum("participations", default=0)
    )
    registered = sum(counts[0][0] for counts in registrations_by_region([(now, now)]).values())
    activities = sum(
        row["published"] for row in activity_figures(since=start, until=now + dt.timedelta(days=366))
    )
    return {
        "registered": registered,
        "participations": totals["participations"],
        "minutes": totals["minutes"],
        "hours": float(hours_from_minutes(totals["minutes"])),
        "activities": activities,
    }


def bigscreen_feed(*, now: dt.datetime | None = None) -> dict:
    """What the big screen shows, refreshed by polling: live totals, today's counters, the city's
    12-month trend, the sites on the map, today's activities and the top teams."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    months = months_back(today)
    city = Region.objects.filter(level=Region.Level.CITY).order_by("path").first()
    unit = _region_unit(city) if city else DashboardUnit("city", "", "", "")
    by_month = {r.month: r for r in _rollup_rows(unit, months)}
    day = DailyCounter.objects.filter(day=today).first()
    day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    todays = (
        activities_visible_to(None, statuses=PUBLIC_STATUSES)
        .filter(starts_at__gte=day_start, starts_at__lt=day_start + dt.timedelta(days=1))
        .select_related("organization", "region")
        .order_by("starts_at", "pk")[:20]
    )
    return {
        "generated_at": now.isoformat(timespec="seconds"),
        "city": unit.name,
        "totals": headline_figures(),
        "today": {
            "hours": float(hours_from_minutes(day.minutes if day else 0)),
            "participations": day.participations if day else 0,
            "activities": len(todays),
        },
        "trend": monthly_trend(by_month, months),
        "sites": [
            {"name": s.name, "lat": float(s.lat or 0), "lng": float(s.lng or 0)}
            for s in located_sites().order_by("pk")
        ],
        "activities": [
            {
                "title": a.title,
                "organization": a.organization.name,
                "region": a.region.name if a.region else "",
                "starts_at": timezone.localtime(a.starts_at).strftime("%H:%M"),
            }
            for a in todays
        ],
        "top_teams": top_teams(unit, months),
    }


# --- team figures ------------------------------------------------------------------------------------


def team_get(pk) -> Organization:
    """An active organization, for its public figures (404 otherwise)."""
    return get_or_404(Organization.objects.filter(status=Organization.Status.ACTIVE), pk)


def team_figures(team: Organization, *, year: int) -> dict:
    """A team's figures of a year (its subtree: sub-teams included): active members (distinct
    volunteers with a participation), participations, hours, people served by its activities,
    and the months."""
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    since, _e = month_bounds(months[0])
    _s, until = month_bounds(months[-1])
    rows = {r.month: r for r in OrganizationMonth.objects.filter(organization=team, month__in=months)}
    served = sum(
        row["served"] or 0
        for row in activity_figures(since=since, until=until)
        if row["organization__path"] and row["organization__path"].startswith(team.path)
    )
    minutes = sum(r.minutes for r in rows.values())
    return {
        "team": team,
        "year": year,
        "active_members": active_in_period(f"o:{team.pk}", months[0], months[-1]),
        "members": members_in_subtrees([team.path], since=since, until=until).get(team.path, (0, 0))[0],
        "participations": sum(r.participations for r in rows.values()),
        "minutes": minutes,
        "hours": float(hours_from_minutes(minutes)),
        "people_served": served,
        "months": monthly_trend(rows, months),
        # residents' satisfaction and home visits (needs): three GROUP BYs of the small tables
        "satisfaction": team_satisfaction(team, year=year),
    }
