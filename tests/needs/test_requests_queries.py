"""List pages and endpoints run the same number of queries for 1 request as for many."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.needs.services.ratings import rating_submit, rating_token

from ..conftest import login_client
from .conftest import LAT, LNG, done, opened, posted

pytestmark = pytest.mark.django_db


def _more(city, needs):
    def grow():
        for _ in range(3):
            posted(needs)
            opened(city, needs)
            req = done(city, needs)
            rating_submit(token=rating_token(req.rating_invite), score=5)

    return grow


@pytest.mark.parametrize(
    "role,url",
    [
        ("resident", reverse("needs:mine")),
        ("volunteer", reverse("needs:nearby") + f"?lat={LAT}&lng={LNG}&km=10"),
        ("volunteer", reverse("needs:nearby")),
        ("volunteer", reverse("needs:taken")),
        ("town_admin", reverse("needs:queue")),
        ("org_admin", reverse("needs:queue")),
        ("resident", "/api/v1/needs/requests/mine"),
        ("volunteer", f"/api/v1/needs/requests/open?lat={LAT}&lng={LNG}"),
        ("volunteer", "/api/v1/needs/requests/taken"),
        ("town_admin", "/api/v1/needs/console/requests"),
        ("town_admin", "/api/v1/needs/ratings?by=organization,category,region,month"),
    ],
)
def test_lists_keep_their_query_count(city, needs, assert_queries_constant, role, url):
    done(city, needs)
    opened(city, needs)
    client = login_client(city.users[role])

    def fetch():
        assert client.get(url).status_code == 200

    assert_queries_constant(fetch, _more(city, needs))
