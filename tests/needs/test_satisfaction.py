"""Residents' satisfaction: the team's figure and response rate are the ratings behind them, on the
team figures page, the console page, the API and the reports' measures alike; lists keep their
number of queries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from huiguang.needs.services import care as care_services
from huiguang.needs.services.ratings import rating_submit, rating_token
from huiguang.network.models import Organization
from huiguang.reports.measures import measure_values

from ..conftest import login_client
from ..factories import bearer
from .conftest import LAT, LNG, done

pytestmark = pytest.mark.django_db


def _rated(city, needs, score: int | None):
    req = done(city, needs)
    if score is not None:
        rating_submit(token=rating_token(req.rating_invite), score=score)
    return req


@pytest.fixture
def rated(city, needs, care):
    """Three requests served by team A this month: rated 5 and 4, one unrated; two home visits."""
    for score in (5, 4, None):
        _rated(city, needs, score)
    for _ in range(2):
        care_services.visit_log(
            actor=city.users["volunteer"], recipient=care.recipient, lat=LAT, lng=LNG, notes="好"
        )
    Organization.objects.filter(pk=city.org_a.pk).update(kind=Organization.Kind.PROFESSIONAL)


def test_the_team_figure_and_response_rate_are_the_ratings_behind_them(city, needs, rated):
    page = Client().get(reverse("reports:team_figures", args=[city.org_a.pk]))
    text = page.content.decode()
    assert 'id="team-mean-rating">4.5<' in text  # (5 + 4) / 2
    assert 'id="team-response-rate">66.7%<' in text  # 2 rated of 3 links sent
    assert 'id="team-visits">2<' in text
    # the console page and the API say the same
    console = login_client(city.users["org_admin"]).get(reverse("needs:satisfaction"))
    assert "4.5" in console.content.decode() and "66.7%" in console.content.decode()
    rows = bearer(city.users["town_admin"]).get("/api/v1/needs/satisfaction", {"by": "organization"}).json()
    assert [
        (r["name"], r["ratings"], r["mean"], r["invited"], r["rated"], r["response_rate"], r["visits"])
        for r in rows
    ] == [(city.org_a.name, 2, 4.5, 3, 2, 66.7, 2)]
    by_region = bearer(city.users["town_admin"]).get("/api/v1/needs/satisfaction", {"by": "region"}).json()
    assert [(r["name"], r["mean"], r["visits"]) for r in by_region] == [(city.village_a1.name, 4.5, 2)]
    # another town reads nothing of it
    assert bearer(city.users["outsider"]).get("/api/v1/needs/satisfaction").json() == []


def test_the_measures_give_the_same_numbers_to_bulletins_and_assessments(city, needs, rated):
    month = timezone.localdate().replace(day=1)
    keys = ["ratings", "mean_rating", "rating_response_rate", "home_visits"]
    _units, teams = measure_values("team", month, keys)
    assert teams[str(city.org_a.pk)] == {
        "ratings": 2,
        "mean_rating": 4.5,
        "rating_response_rate": 66.7,
        "home_visits": 2,
    }
    _units, towns = measure_values("town", month, keys)
    assert towns[city.town_a.code] == {
        "ratings": 2,
        "mean_rating": 4.5,
        "rating_response_rate": 66.7,
        "home_visits": 2,
    }
    assert towns[city.town_b.code] == {
        "ratings": 0,
        "mean_rating": None,
        "rating_response_rate": None,
        "home_visits": 0,
    }
    _units, cities = measure_values("city", month, keys)
    assert cities[city.city.code]["mean_rating"] == 4.5
    last_month = (month - timezone.timedelta(days=1)).replace(day=1)
    assert measure_values("town", last_month, keys)[1][city.town_a.code]["ratings"] == 0


def test_the_register_lists_keep_their_number_of_queries(city, needs, care, assert_queries_constant):
    town_admin, volunteer = login_client(city.users["town_admin"]), login_client(city.users["volunteer"])

    def grow():
        for n in range(4):
            r = care_services.care_recipient_create(
                actor=city.users["town_admin"],
                data={
                    "category": "disabled",
                    "name": f"对象{n}",
                    "phone": f"1361111000{n}",
                    "region": city.village_a1,
                    "address": "东湖",
                    "lat": LAT,
                    "lng": LNG,
                    "organization": city.org_a,
                    "volunteers": [city.users["volunteer"].volunteer],
                },
            )
            care_services.visit_log(actor=city.users["volunteer"], recipient=r, lat=LAT, lng=LNG, notes="好")

    grown = []

    def grow_once():
        if not grown:
            grow()
            grown.append(1)

    for fetch in (
        lambda: town_admin.get(reverse("needs:care_list")),
        lambda: town_admin.get(reverse("needs:care_missed")),
        lambda: volunteer.get(reverse("needs:visits")),
        lambda: town_admin.get("/api/v1/needs/care/recipients"),
        lambda: volunteer.get("/api/v1/needs/visits"),
        lambda: town_admin.get(reverse("needs:satisfaction")),
    ):
        assert fetch().status_code == 200
        assert_queries_constant(fetch, grow_once)


def test_the_organization_page_links_to_its_figures_with_residents_satisfaction(city):
    page = Client().get(reverse("network:org_public", args=[city.org_a.code])).content.decode()
    assert f'href="{reverse("reports:team_figures", args=[city.org_a.pk])}"' in page
    assert "服务数据与群众满意度" in page
