"""A region admin reads every activity held in the region, whoever organizes it (a city-level team
in the town), read-only: editing stays with the organizer's managers."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from huiguang.activities.models import Activity

from ..conftest import login_client
from ..factories import OrganizationFactory, bearer, make_shift
from .conftest import make_activity


@pytest.fixture
def city_team(city):
    return OrganizationFactory(code="TC", name="平湖市青年志愿者协会", region=city.city)


@pytest.fixture
def held_in_town_a(city, city_team) -> Activity:
    activity = make_activity(city_team, status=Activity.Status.PUBLISHED, region=city.village_a1)
    make_shift(activity)
    return activity


def test_the_town_admin_reads_a_city_teams_activity_held_in_the_town(city, held_in_town_a):
    client = login_client(city.users["town_admin"])
    detail = client.get(reverse("activities:console_detail", args=[held_in_town_a.pk]))
    assert detail.status_code == 200 and held_in_town_a.title in detail.content.decode()
    listing = client.get(reverse("activities:console_list")).content.decode()
    assert held_in_town_a.title in listing
    api = bearer(city.users["town_admin"]).get(f"/api/v1/console/activities/{held_in_town_a.pk}")
    assert api.status_code == 200 and api.json()["title"] == held_in_town_a.title
    shift = held_in_town_a.shifts.get()
    assert client.get(reverse("activities:roster", args=[shift.pk])).status_code == 200


def test_but_cannot_edit_it(city, held_in_town_a):
    client = login_client(city.users["town_admin"])
    assert client.get(reverse("activities:console_edit", args=[held_in_town_a.pk])).status_code == 404
    assert client.post(reverse("activities:console_edit", args=[held_in_town_a.pk]), {}).status_code == 404
    assert client.post(reverse("activities:console_cancel", args=[held_in_town_a.pk])).status_code == 404
    api = bearer(city.users["town_admin"]).patch(
        f"/api/v1/console/activities/{held_in_town_a.pk}",
        json.dumps({"title": "改名"}),
        content_type="application/json",
    )
    assert api.status_code in (403, 404)
    held_in_town_a.refresh_from_db()
    assert held_in_town_a.title != "改名"
    page = client.get(reverse("activities:console_detail", args=[held_in_town_a.pk])).content.decode()
    assert reverse("activities:console_edit", args=[held_in_town_a.pk]) not in page


def test_other_regions_and_organizations_still_get_404(city, held_in_town_a, city_team):
    url = reverse("activities:console_detail", args=[held_in_town_a.pk])
    for role in ("outsider", "org_admin", "leader", "volunteer"):
        assert login_client(city.users[role]).get(url).status_code == 404, role
    elsewhere = make_activity(city_team, status=Activity.Status.PUBLISHED, region=city.town_b)
    town_admin = login_client(city.users["town_admin"])
    assert town_admin.get(reverse("activities:console_detail", args=[elsewhere.pk])).status_code == 404
    assert login_client(city.users["city_admin"]).get(url).status_code == 200
