"""Dashboards: one per scope (404 outside it), figures from the rollups only, the impact value with
its source, the public home page's headline figures, the big screen and its feed, team figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from huiguang.ledger.models import ServiceRecord
from huiguang.reports.models import HourlyRate
from huiguang.reports.services.assessments import hourly_rate_set

from ..conftest import login_client
from ..factories import bearer
from .conftest import confirmed, make_shift, ten_days_ago


def scene(city, vol, org_admin):
    other = city.users["volunteer_b"].volunteer
    day = ten_days_ago()
    confirmed(make_shift(city.org_a1, day=day, start=8, hours=3), vol, org_admin)
    confirmed(make_shift(city.org_a, day=day, start=14, hours=2), vol, org_admin)
    confirmed(make_shift(city.org_b, day=day, start=9, hours=1), other, city.users["city_admin"])
    return day


def pages(city):
    return {
        "city_admin": [
            reverse("reports:dashboard"),
            reverse("reports:dashboard_region", args=["330482001"]),
            reverse("reports:dashboard_organization", args=[city.org_a.pk]),
            "/api/v1/reports/dashboard",
            "/api/v1/reports/dashboard?region=330482001",
            f"/api/v1/reports/dashboard?organization={city.org_a.pk}",
        ],
        "anonymous": [
            reverse("web:home"),
            reverse("reports:bigscreen"),
            reverse("reports:team_figures", args=[city.org_a.pk]),
            "/api/v1/reports/headline",
            "/api/v1/reports/bigscreen",
            f"/api/v1/reports/teams/{city.org_a.pk}/figures",
        ],
    }


def test_no_dashboard_page_or_endpoint_reads_the_ledger_table(city, vol, org_admin):
    scene(city, vol, org_admin)
    table = ServiceRecord._meta.db_table
    for role, urls in pages(city).items():
        client = login_client(city.users[role])
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            assert queries.captured_queries, url
            assert not [q["sql"] for q in queries.captured_queries if table in q["sql"]], url


def test_dashboard_queries_stay_constant_as_the_ledger_grows(city, vol, org_admin, assert_queries_constant):
    client = login_client(city.users["city_admin"])
    other = city.users["volunteer_b"].volunteer
    days = iter(range(3, 60, 5))

    def grow():
        day = ten_days_ago() - dt.timedelta(days=next(days))
        for start in (6, 9, 12, 15):
            confirmed(make_shift(city.org_a1, day=day, start=start, hours=1), vol, org_admin)
        confirmed(
            make_shift(city.org_b, day=day - dt.timedelta(days=40), start=9, hours=2),
            other,
            city.users["city_admin"],
        )

    for url in (reverse("reports:dashboard"), "/api/v1/reports/bigscreen", reverse("web:home")):
        assert_queries_constant(lambda url=url: client.get(url), grow)


def test_the_city_dashboard_shows_the_years_figures_and_the_impact_value_with_its_source(
    city, vol, org_admin
):
    day = scene(city, vol, org_admin)
    hourly_rate_set(
        actor=city.users["city_admin"],
        yuan_per_hour=Decimal("45.50"),
        source="按 2025 年平湖市城镇非私营单位平均工资折算",
    )
    page = login_client(city.users["city_admin"]).get(reverse("reports:dashboard")).content.decode()
    assert "平湖市" in page
    assert "按 2025 年平湖市城镇非私营单位平均工资折算" in page and "45.50" in page
    if day.year == timezone.localdate().year:
        assert 'id="fig-hours">6.0<' in page
        assert "¥273" in page  # 6 h × 45.50
    assert 'id="trend-data"' in page and "echarts.min.js" in page


def test_each_scope_has_its_own_dashboard_and_others_are_404(city, vol, org_admin):
    scene(city, vol, org_admin)
    town = login_client(city.users["town_admin"])
    assert town.get(reverse("reports:dashboard")).status_code == 200
    assert "当湖街道" in town.get(reverse("reports:dashboard")).content.decode()
    assert town.get(reverse("reports:dashboard_region", args=["330482103"])).status_code == 404
    assert town.get(reverse("reports:dashboard_region", args=["330482001001"])).status_code == 200
    assert town.get(reverse("reports:dashboard_organization", args=[city.org_b.pk])).status_code == 404
    leader = login_client(city.users["leader"])
    assert "当湖街道志愿服务队" in leader.get(reverse("reports:dashboard")).content.decode()
    assert leader.get(reverse("reports:dashboard_region", args=["330482"])).status_code == 404
    api = bearer(city.users["outsider"])
    assert api.get("/api/v1/reports/dashboard?region=330482001").status_code == 404
    own = api.get("/api/v1/reports/dashboard").json()
    assert (own["kind"], own["key"]) == ("region", "330482103")
    assert login_client(city.users["volunteer"]).get(reverse("reports:dashboard")).status_code == 404


def test_the_api_dashboard_matches_the_rollups(city, vol, org_admin):
    day = scene(city, vol, org_admin)
    body = bearer(city.users["city_admin"]).get("/api/v1/reports/dashboard?region=330482001").json()
    month = next(m for m in body["trend"] if m["month"] == day.strftime("%Y-%m"))
    assert (month["hours"], month["participations"], month["active"]) == (5.0, 2, 1)
    assert body["top_teams"][0]["name"] == "当湖街道志愿服务队"


def test_the_home_page_shows_the_four_headline_figures(city, vol, org_admin):
    scene(city, vol, org_admin)
    page = Client().get(reverse("web:home")).content.decode()
    assert 'id="headline-registered">3<' in page  # the leader and the two volunteers
    assert 'id="headline-participations">3<' in page
    assert 'id="headline-hours">6.0<' in page
    assert 'id="headline-activities">' in page


def test_the_big_screen_renders_and_its_feed_refreshes_the_totals(city, vol, org_admin):
    page = Client().get(reverse("reports:bigscreen")).content.decode()
    assert 'data-refresh="30"' in page and "bigscreen.js" in page and "<script>" not in page
    before = Client().get("/api/v1/reports/bigscreen").json()
    scene(city, vol, org_admin)
    after = Client().get("/api/v1/reports/bigscreen").json()
    assert (before["totals"]["hours"], after["totals"]["hours"]) == (0.0, 6.0)
    assert {s["name"] for s in after["sites"]} <= {"东湖新时代文明实践站", "乍浦青年之家"}
    assert len(after["trend"]) == 12


def test_the_hourly_rate_is_set_by_the_city_admin_with_a_source(city):
    admin = login_client(city.users["city_admin"])
    url = reverse("reports:hourly_rate")
    assert admin.post(url, {"yuan_per_hour": "0", "source": ""}).status_code == 422
    assert admin.post(url, {"yuan_per_hour": "38.2", "source": "2025 年平均工资折算"}).status_code == 302
    assert HourlyRate.objects.get().source == "2025 年平均工资折算"
    assert login_client(city.users["town_admin"]).get(url).status_code == 404


@pytest.mark.parametrize("year", ["", "abc", "1999", "99999999999999999999"])
def test_team_figures_answer_a_bad_year_with_a_message(city, year):
    response = Client().get(reverse("reports:team_figures", args=[city.org_a.pk]), {"year": year})
    assert response.status_code == (200 if year == "" else 422)


def test_a_regions_active_rate_counts_its_residents_active_anywhere(city, vol, org_admin):
    """张小明 lives in 东湖社区 (town A) and served in town A; 王小红 lives in town B and served in
    town B: each town has one registered resident and one of them active (not the people who
    merely served there)."""
    if ten_days_ago().year != timezone.localdate().year:
        pytest.skip("the first days of January: the scene's records are last year's")
    scene(city, vol, org_admin)
    confirmed(
        make_shift(city.org_a, day=ten_days_ago(), start=19, hours=1),
        city.users["volunteer_b"].volunteer,
        org_admin,
    )
    api = bearer(city.users["city_admin"])
    town_b = api.get("/api/v1/reports/dashboard?region=330482103").json()
    assert (town_b["registered"], town_b["active_year"]) == (1, 1)
    town_a = api.get("/api/v1/reports/dashboard?region=330482001").json()
    assert town_a["active_year"] <= town_a["registered"]
