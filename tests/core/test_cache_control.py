"""Answers meant for one person are not cached (core/middleware.py PrivateCacheMiddleware):
pages of a logged-in user, API answers to a bearer token, file downloads. Public pages for
anonymous visitors keep their defaults, and a view that chose its own Cache-Control keeps it."""

from django.test import Client
from django.urls import reverse

from ..factories import bearer, make_activity

PRIVATE = "private, no-store"


def test_my_profile_page_is_private(city, as_role):
    response = as_role("volunteer").get(reverse("volunteers:me"))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_an_export_for_an_admin_is_private(city, as_role):
    response = as_role("town_admin").get(reverse("volunteers:console_list") + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == PRIVATE


def test_an_api_answer_to_a_bearer_token_is_private(city):
    response = bearer(city.users["leader"]).get("/api/v1/me")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_a_refused_bearer_token_is_not_cached_either(city):
    response = Client(headers={"authorization": "Bearer no-such-token"}).get("/api/v1/me")
    assert response.status_code == 401
    assert response["Cache-Control"] == PRIVATE


def test_a_download_for_an_anonymous_visitor_is_private(city):
    activity = make_activity(city.org_a, created_by=city.users["org_admin"])
    response = Client().get(reverse("activities:ics", args=[activity.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_the_public_activity_list_for_an_anonymous_visitor_is_not_marked(city):
    make_activity(city.org_a, created_by=city.users["org_admin"])
    response = Client().get(reverse("activities:list"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")


def test_a_view_that_set_cache_control_keeps_it(city, as_role):
    response = as_role("volunteer").get(reverse("ledger:public_key"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
