"""The search page's distance centre: "use my location" (hidden lat/lng, filled by nearby.js), or a
town/street or a well-known site chosen in a grouped select; lat/lng keep working for old links."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from huiguang.network.models import Site

from ..factories import SiteFactory, make_activity
from .conftest import PINGHU, point_east

URL = reverse("activities:list")


def titles(response) -> list[str]:
    return [a.title for a in response.context["page_obj"]]


@pytest.fixture
def scene(city):
    for km, title in ((1, "一公里"), (6, "六公里"), (20, "二十公里")):
        lat, lng = point_east(km)
        make_activity(organization=city.org_a, title=title, lat=lat, lng=lng)
    Site.objects.update(lat=None, lng=None)  # the personas' sites: no position
    lat, lng = point_east(0)
    return SiteFactory(name="东湖文化礼堂", region=city.village_a1, lat=lat, lng=lng)


def test_a_site_as_the_centre(city, client, scene):
    response = client.get(URL, {"centre": f"site:{scene.pk}", "km": 5})
    assert response.status_code == 200 and titles(response) == ["一公里"]
    assert "按与东湖文化礼堂的距离排序" in response.content.decode()
    assert titles(client.get(URL, {"centre": f"site:{scene.pk}"})) == ["一公里", "六公里"]  # 10 km


def test_a_town_as_the_centre_is_the_middle_of_its_sites(city, client, scene):
    lat, lng = point_east(12)
    SiteFactory(name="东湖远处站点", region=city.town_a, lat=lat, lng=lng)  # the middle: 6 km east
    response = client.get(URL, {"centre": "region:330482001", "km": 3})
    assert titles(response) == ["六公里"]


def test_the_chosen_centre_wins_over_coordinates(city, client, scene):
    far = point_east(20)
    response = client.get(URL, {"centre": f"site:{scene.pk}", "lat": far[0], "lng": far[1], "km": 5})
    assert titles(response) == ["一公里"]


@pytest.mark.parametrize(
    "centre", ["site:999999", "site:x", "region:330482103", "region:", "nowhere", "site:9" * 5]
)
def test_an_unknown_or_unplaced_centre_is_422(city, client, scene, centre):
    response = client.get(URL, {"centre": centre})
    assert response.status_code == 422
    assert "这个地点没有位置信息" in response.content.decode()


def test_old_links_with_coordinates_still_work(city, client, scene):
    response = client.get(URL, {"lat": PINGHU[0], "lng": PINGHU[1], "km": 5})
    assert titles(response) == ["一公里"]
    page = response.content.decode()
    assert "按与您所在位置的距离排序" in page
    assert re.search(r'<option value="">我的位置</option>', page)


def test_the_form_has_no_coordinate_boxes_but_a_grouped_centre_choice(city, client, scene):
    page = client.get(URL).content.decode()
    assert re.search(r'<input type="hidden" name="lat"', page) and re.search(
        r'<input type="hidden" name="lng"', page
    )
    assert 'placeholder="纬度"' not in page
    assert "data-locate" in page and "activities/nearby.js" in page and "activities/select_filter.js" in page
    assert '<optgroup label="镇街道">' in page and '<option value="region:330482001"' in page
    assert re.search(rf'<optgroup label="当湖街道">\s*<option value="site:{scene.pk}"', page)


def test_the_api_keeps_lat_and_lng(city, client, scene):
    body = client.get("/api/v1/activities", {"lat": PINGHU[0], "lng": PINGHU[1], "km": 5}).json()
    assert [a["title"] for a in body["items"]] == ["一公里"]
