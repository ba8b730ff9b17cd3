"""API v1, dashboards: the public headline figures and big-screen feed, a team's figures, and the
console dashboard of a scope (the city, a region, an organization; 404 outside the caller's).
Read from the rollups and lower apps' selectors, never the ledger's records."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from huiguang.accounts.auth import PUBLIC_AUTH, PUBLIC_SECURITY
from huiguang.core.api import ERRORS, QueryId, RegionCode, number_schema, whole_number
from huiguang.network.scope import scope_for

from ..selectors.dashboards import (
    bigscreen_feed,
    dashboard_figures,
    dashboard_organization_get_for,
    dashboard_region_get_for,
    dashboard_units_for,
    headline_figures,
    team_figures,
    team_get,
)

router = Router(tags=["reports"])


class HeadlineFiguresOut(Schema):
    registered: int = Field(..., description="Registered volunteers.")
    participations: int = Field(..., description="Participations (人次), all time.")
    hours: float = Field(..., description="Confirmed service hours, all time.")
    activities: int = Field(..., description="Activities published, all time.")


class BigscreenMonthOut(Schema):
    month: str = Field(..., description="YYYY-MM.")
    hours: float
    participations: int


class DashboardTrendMonthOut(BigscreenMonthOut):
    active: int = Field(..., description="Active volunteers in the month.")


class DashboardTeamOut(Schema):
    id: int
    name: str
    hours: float
    participations: int


class BigscreenSiteOut(Schema):
    name: str
    lat: float
    lng: float


class BigscreenActivityOut(Schema):
    title: str
    organization: str
    region: str
    starts_at: str = Field(..., description="HH:MM, the city's time.")


class BigscreenTodayOut(Schema):
    hours: float
    participations: int
    activities: int


class BigscreenOut(Schema):
    generated_at: str
    city: str
    totals: HeadlineFiguresOut
    today: BigscreenTodayOut
    trend: list[BigscreenMonthOut]
    sites: list[BigscreenSiteOut]
    activities: list[BigscreenActivityOut]
    top_teams: list[DashboardTeamOut]


class DashboardCategoryOut(Schema):
    name: str
    activities: int


class DashboardStarOut(Schema):
    star: int
    volunteers: int


class DashboardOut(Schema):
    kind: str = Field(..., description="city, region or organization.")
    key: str = Field(..., description="The region code or the organization id.")
    name: str
    year: int
    registered: int
    active_year: int = Field(..., description="Distinct volunteers active this year.")
    active_rate: float | None = Field(..., description="active_year ÷ registered, in %.")
    hours_year: float
    participations_year: int
    impact_yuan: int | None = Field(..., description="Hours this year × the city's hourly rate.")
    hourly_rate: float | None
    hourly_rate_source: str
    trend: list[DashboardTrendMonthOut]
    categories: list[DashboardCategoryOut]
    top_teams: list[DashboardTeamOut]
    stars: list[DashboardStarOut]


class DashboardFilter(Schema):
    region: RegionCode = Field("", description="A region code in your scope (empty: your widest scope).")
    organization: QueryId = Field(None, description="An organization id in your scope.")


Year = Annotated[int | None, whole_number(2000, 2099, optional=True, query=True), number_schema(2000, 2099)]


class TeamFiguresFilter(Schema):
    year: Year = Field(None, description="The year (empty: this year).")


class TeamFiguresMonthOut(Schema):
    month: str
    active: int
    hours: float
    participations: int


class TeamFiguresOut(Schema):
    id: int
    name: str
    year: int
    active_members: int = Field(..., description="Distinct volunteers with a confirmed record in the year.")
    members: int
    participations: int
    hours: float
    people_served: int
    months: list[TeamFiguresMonthOut]


@router.get(
    "/reports/headline",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: HeadlineFiguresOut, **ERRORS},
    summary="The city's headline figures",
)
def headline(request):
    return headline_figures()


@router.get(
    "/reports/bigscreen",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    url_name="reports_bigscreen",
    response={200: BigscreenOut, **ERRORS},
    summary="The big screen's feed",
    description="What the public big screen shows; it polls this every 30 seconds.",
)
def bigscreen(request):
    return bigscreen_feed()


@router.get(
    "/reports/teams/{pk}/figures",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: TeamFiguresOut, **ERRORS},
    summary="A team's figures of a year",
)
def team(request, pk: int, filters: Query[TeamFiguresFilter]):
    org = team_get(pk)
    year = filters.year or timezone.localdate().year
    if year > timezone.localdate().year:
        raise Http404
    figures = team_figures(org, year=year)
    return {**figures, "id": org.pk, "name": org.name}


@router.get(
    "/reports/dashboard",
    response={200: DashboardOut, **ERRORS},
    summary="The dashboard of a scope",
    description="The city's (city-wide roles), a region's or an organization's figures; "
    "404 outside your scope.",
)
def dashboard(request, filters: Query[DashboardFilter]):
    user = request.user
    if not scope_for(user).is_console_user:
        raise Http404
    if filters.organization:
        unit = dashboard_organization_get_for(user, filters.organization)
    elif filters.region:
        unit = dashboard_region_get_for(user, filters.region)
    else:
        units = dashboard_units_for(user)
        if not units:
            raise Http404
        unit = units[0]
    f = dashboard_figures(unit)
    rate = f["rate"]
    return {
        "kind": unit.kind,
        "key": unit.key,
        "name": unit.name,
        "year": f["year"],
        "registered": f["registered"],
        "active_year": f["active_year"],
        "active_rate": f["active_rate"],
        "hours_year": sum(m["hours"] for m in f["trend"] if m["month"].startswith(str(f["year"]))),
        "participations_year": f["year_participations"],
        "impact_yuan": int(f["impact"]) if f["impact"] is not None else None,
        "hourly_rate": float(rate.yuan_per_hour) if rate else None,
        "hourly_rate_source": rate.source if rate else "",
        "trend": f["trend"],
        "categories": f["categories"],
        "top_teams": f["top_teams"],
        "stars": f["stars"],
    }
