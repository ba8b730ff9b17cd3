"""评单: the rating link works once, without login, and expires; a forged or reused token is refused
with a clear page (never a 500); ratings group per team, category, region and month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from huiguang.needs.models import Rating, RatingInvite, ServiceRequest
from huiguang.needs.selectors.requests import rating_figures, ratings_for
from huiguang.needs.services.ratings import SALT, rating_token, requests_chase
from huiguang.notifications import sms

from ..conftest import login_client
from .conftest import done

pytestmark = pytest.mark.django_db


def _link(req) -> str:
    return reverse("needs:rate", args=[rating_token(req.rating_invite)])


def test_the_link_rates_once_without_login(city, needs, client):
    req = done(city, needs)
    page = client.get(_link(req))
    assert page.status_code == 200 and "评价服务" in page.content.decode()
    response = client.post(_link(req), {"score": "4", "comment": "很耐心，谢谢"})
    assert response.status_code == 200 and "谢谢您" in response.content.decode()
    rating = Rating.objects.get()
    assert (rating.score, rating.organization, rating.region, rating.volunteer) == (
        4,
        city.org_a,
        city.village_a1,
        city.users["volunteer"].volunteer,
    )
    assert ServiceRequest.objects.get(pk=req.pk).status == ServiceRequest.Status.RATED
    # used: refused with a page that says so, nothing changes
    again = client.post(_link(req), {"score": "1"})
    assert again.status_code == 410 and "已评价过" in again.content.decode()
    assert client.get(_link(req)).status_code == 410
    assert Rating.objects.get().score == 4


def test_a_forged_token_is_refused(city, needs, client):
    req = done(city, needs)
    good = rating_token(req.rating_invite)
    forged = [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        signing.dumps({"r": req.pk, "n": req.rating_invite.nonce}, salt="another.salt"),
        signing.dumps({"r": req.pk + 1, "n": req.rating_invite.nonce}, salt=SALT),
        signing.dumps({"r": req.pk, "n": "guessed-nonce"}, salt=SALT),
        "not-a-token",
        "%00",
    ]
    for token in forged:
        response = client.post(reverse("needs:rate", args=[token]), {"score": "5"})
        assert response.status_code == 404, token
        assert "评价链接无效" in response.content.decode()
    assert not Rating.objects.exists()


def test_an_expired_link_is_refused(city, needs, client):
    req = done(city, needs)
    RatingInvite.objects.filter(pk=req.rating_invite.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.post(_link(req), {"score": "5"})
    assert response.status_code == 410 and "已过期" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_bad_score_is_422_and_the_link_still_works(city, needs, client):
    req = done(city, needs)
    assert client.post(_link(req), {"score": "9"}).status_code == 422
    assert client.post(_link(req), {"score": "5"}).status_code == 200


def test_the_api_rates_once_and_refuses_forged_tokens(city, needs, client):
    req = done(city, needs)
    token = rating_token(req.rating_invite)
    assert client.get(f"/api/v1/needs/ratings/{token}").json()["number"] == req.number
    response = client.post(f"/api/v1/needs/ratings/{token}", {"score": 5}, content_type="application/json")
    assert response.status_code == 201 and response.json()["score"] == 5
    again = client.post(f"/api/v1/needs/ratings/{token}", {"score": 5}, content_type="application/json")
    assert again.status_code == 410 and again.json()["reason"] == "used"
    forged = client.post("/api/v1/needs/ratings/xyz", {"score": 5}, content_type="application/json")
    assert forged.status_code == 404 and forged.json()["reason"] == "invalid"


def test_an_unrated_request_is_reminded_once(city, needs, django_capture_on_commit_callbacks):
    req = done(city, needs)
    later = timezone.now() + dt.timedelta(days=4)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_chase(now=later).unrated == 1
        assert requests_chase(now=later).unrated == 0
    assert len(sms.outbox) == 1 and req.number in sms.outbox[0].text and "/needs/rate/" in sms.outbox[0].text


def test_figures_per_team_and_month_change_with_a_rating(city, needs, client):
    first, second = done(city, needs), done(city, needs)
    client.post(_link(first), {"score": "5"})
    client.post(_link(second), {"score": "3"})
    rows = rating_figures(ratings_for(city.users["org_admin"]), by=("organization", "month"))
    assert len(rows) == 1
    assert (rows[0]["organization__name"], rows[0]["ratings"], float(rows[0]["average"])) == (
        city.org_a.name,
        2,
        4.0,
    )
    assert rating_figures(ratings_for(city.users["outsider"])) == []
    response = login_client(city.users["town_admin"]).get("/api/v1/needs/ratings", {"by": "category,region"})
    assert response.status_code == 200 and response.json()[0]["ratings"] == 2
    assert (
        login_client(city.users["town_admin"]).get("/api/v1/needs/ratings", {"by": "nonsense"}).status_code
        == 422
    )
