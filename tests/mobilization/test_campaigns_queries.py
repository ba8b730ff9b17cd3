"""The campaign lists and the board cost a fixed number of queries, whatever the rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.mobilization.models.campaigns import Recruit

from ..conftest import login_client
from ..factories import bearer
from .campaign_scene import open_campaign, recruits_in_bulk, volunteers_in_bulk

pytestmark = pytest.mark.django_db


def _grow(city, campaign, n=15):
    def grow():
        vols = volunteers_in_bulk(city.town_b, n)
        recruits_in_bulk(campaign, vols[: n // 3], stage=Recruit.Stage.RECRUITED, town=city.town_b)
        recruits_in_bulk(campaign, vols[n // 3 :], stage=Recruit.Stage.TRAINED, town=city.town_a)
        open_campaign(city, name=f"又一次动员{n}")

    return grow


def test_the_campaign_pages_make_a_fixed_number_of_queries(city, assert_queries_constant):
    campaign = open_campaign(city)
    client = login_client(city.users["city_admin"])
    pages = [
        reverse("mobilization:campaign_list"),
        reverse("mobilization:campaign_detail", args=[campaign.pk]),
        reverse("mobilization:campaign_recruits", args=[campaign.pk]),
        reverse("mobilization:campaign_recruits", args=[campaign.pk]) + "?review=1",
    ]
    for i, url in enumerate(pages):
        assert_queries_constant(lambda url=url: client.get(url), _grow(city, campaign, 12 + 3 * i))


def test_the_campaign_endpoints_make_a_fixed_number_of_queries(city, assert_queries_constant):
    campaign = open_campaign(city)
    client = bearer(city.users["city_admin"])
    paths = [
        "/api/v1/console/campaigns",
        f"/api/v1/console/campaigns/{campaign.pk}/recruits",
        f"/api/v1/console/campaigns/{campaign.pk}/board",
        f"/api/v1/console/campaigns/{campaign.pk}/blasts",
    ]
    for i, path in enumerate(paths):
        assert_queries_constant(lambda path=path: client.get(path), _grow(city, campaign, 12 + 3 * i))
