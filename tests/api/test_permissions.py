"""Every endpoint × every persona, by session and by bearer token: the status each one gets.

Outside a persona's scope an object answers 404 (never 403); anonymous callers get 401 except on
the public endpoints (regions, the organization directory).
"""

import json

import pytest

from ..factories import ROLES
from .conftest import API


def everyone(status: int) -> dict:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int) -> dict:
    return {**everyone(status), "anonymous": 401}


def only(status: int, roles: set, otherwise: int = 404) -> dict:
    """`status` for `roles`, `otherwise` for the other signed-in personas, 401 for anonymous."""
    return {r: (status if r in roles else otherwise) for r in ROLES} | {"anonymous": 401}


CITY = {"city_admin", "auditor"}
ORG_A_READERS = CITY | {"town_admin", "org_admin", "leader"}

MATRIX = [
    # regions: public reference data
    ("GET", "/regions", None, everyone(200)),
    ("GET", "/seals", None, everyone(200)),
    ("GET", "/regions?mine=true", None, everyone(200)),
    ("GET", "/regions/330482001", None, everyone(200)),
    ("GET", "/regions/999999", None, everyone(404)),
    # organizations: console users their scope, everyone else the public directory
    ("GET", "/organizations", None, everyone(200)),
    ("GET", "/organizations/{org_a}", None, {**everyone(200), "outsider": 404}),
    ("GET", "/organizations/{org_a1}", None, {**everyone(200), "outsider": 404, "leader": 404}),
    (
        "GET",
        "/organizations/{org_b}",
        None,
        {**everyone(200), "town_admin": 404, "org_admin": 404, "leader": 404},
    ),
    (
        "GET",
        "/organizations/{org_pending}",
        None,
        {**everyone(404), "city_admin": 200, "auditor": 200, "town_admin": 200},
    ),
    ("GET", "/organizations/999999", None, everyone(404)),
    # sites
    ("GET", "/sites", None, signed_in(200)),
    ("GET", "/sites/{site_a1}", None, only(200, CITY | {"town_admin", "org_admin"})),
    ("GET", "/sites/{site_b}", None, only(200, CITY | {"outsider"})),
    # memberships
    ("GET", "/memberships", None, signed_in(200)),
    ("GET", "/memberships/{membership_v1}", None, only(200, ORG_A_READERS)),
    ("GET", "/memberships/{membership_b}", None, only(200, CITY | {"outsider"})),
    # volunteers
    ("GET", "/volunteers", None, signed_in(200)),
    ("GET", "/volunteers/{volunteer}", None, only(200, ORG_A_READERS)),
    ("GET", "/volunteers/{volunteer_b}", None, only(200, CITY | {"outsider"})),
    ("GET", "/volunteers/999999", None, only(200, set())),
    # the caller and their tokens
    ("GET", "/me", None, signed_in(200)),
    ("GET", "/ping", None, signed_in(200)),
    ("GET", "/tokens", None, signed_in(200)),
    ("GET", "/tokens?all=true", None, signed_in(200)),
    ("POST", "/tokens", {"name": "我的手机"}, signed_in(201)),
    ("DELETE", "/tokens/{volunteer_token}", None, only(204, {"city_admin", "volunteer"})),
    # notifications
    ("GET", "/notifications", None, signed_in(200)),
    ("POST", "/notifications/read", {"all": True}, signed_in(200)),
]


def _case_id(case) -> str:
    method, url, body, _ = case
    return f"{method} {url}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=_case_id)
def test_permission_matrix(api_as, ids, role, case):
    method, url, body, expected = case
    client = api_as(role)
    path = API + url.format(**ids)
    if method == "GET":
        response = client.get(path)
    elif method == "POST":
        data = {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()}
        response = client.post(path, data=json.dumps(data), content_type="application/json")
    else:
        response = client.delete(path)
    assert response.status_code == expected[role], response.content.decode()
    if expected[role] in (401, 403, 404):  # the case decides, not the answer: a refusal explains itself
        assert response.json()["detail"]


def test_invalid_bearer_token_on_a_public_endpoint_answers_401_not_the_public_view(city, client):
    response = client.get(f"{API}/organizations", headers={"authorization": "Bearer hg_not-a-real-token"})
    assert response.status_code == 401
    assert client.get(f"{API}/organizations").status_code == 200


def test_session_post_needs_the_csrf_token(city):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(city.users["volunteer"])
    response = client.post(f"{API}/tokens", data=json.dumps({"name": "x"}), content_type="application/json")
    assert response.status_code == 403
