"""Who may open the needs pages and endpoints: every persona of the city plus two residents.

Outside a persona's reach a request answers 404 (never 403); anonymous visitors are sent to log in
(302) on pages and get 401 from the API, except the rating link, which needs no login.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ..conftest import login_client
from ..factories import ROLES, bearer
from .conftest import dispatched, opened, posted, taken

pytestmark = pytest.mark.django_db

PERSONAS = [*ROLES, "resident", "resident_b"]


def _objects(city, needs) -> dict:
    return {
        "posted": posted(needs).pk,
        "open": opened(city, needs).pk,
        "taken": taken(city, needs).pk,
        "dispatched": dispatched(city, needs).pk,
    }


def row(default: int, **roles: int) -> dict:
    return {role: roles.get(role, default) for role in PERSONAS}


LOGIN = {"anonymous": 302}
VOLUNTEERS = {"volunteer": 200, "volunteer_b": 200, "leader": 200}
# community admins of town A (and the city) review a request of 东湖社区; auditors read it
COMMUNITY_READERS = {"town_admin": 200, "auditor": 200, "city_admin": 200}

PAGES = [
    ("needs:home", [], row(200)),
    ("needs:signup", [], row(200, resident=302, resident_b=302)),
    ("needs:post", [], row(302, town_admin=200, outsider=200, city_admin=200, resident=200, resident_b=200)),
    ("needs:mine", [], row(200, **LOGIN)),
    ("needs:mine_detail", ["posted"], row(404, **LOGIN, resident=200)),
    ("needs:rate", ["forged-token"], row(404)),
    ("needs:nearby", [], row(200, **LOGIN)),
    ("needs:open_detail", ["open"], row(404, **LOGIN, **VOLUNTEERS)),
    ("needs:taken", [], row(200, **LOGIN)),
    ("needs:taken_detail", ["taken"], row(404, **LOGIN, volunteer=200)),
    (
        "needs:queue",
        [],
        row(
            404, **LOGIN, leader=200, org_admin=200, town_admin=200, outsider=200, auditor=200, city_admin=200
        ),
    ),
    ("needs:console_detail", ["posted"], row(404, **LOGIN, **COMMUNITY_READERS)),
    # a dispatched request: its team (leader and admin of org A) reads it too
    (
        "needs:console_detail",
        ["dispatched"],
        row(404, **LOGIN, **COMMUNITY_READERS, leader=200, org_admin=200),
    ),
]

# Posted with no data (a fresh scene for every persona): who gets past the permission check.
POSTS = [
    ("needs:take", ["open"], row(404, **LOGIN, volunteer=302, volunteer_b=302, leader=302)),
    ("needs:console_action", ["posted", "accept"], row(404, **LOGIN, town_admin=302, city_admin=302)),
    (
        "needs:console_action",
        ["posted", "decline"],
        row(404, **LOGIN, town_admin=422, auditor=422, city_admin=422),
    ),
    (
        "needs:console_action",
        ["dispatched", "assign"],
        row(404, **LOGIN, town_admin=422, org_admin=422, leader=422, auditor=422, city_admin=422),
    ),
    ("needs:taken_detail", ["taken"], row(404, **LOGIN, volunteer=422)),
    ("needs:signup", [], row(200, resident=302, resident_b=302)),
]


def _args(args, objs):
    return [objs.get(a, a) for a in args]


@pytest.mark.parametrize("name,args,expected", PAGES, ids=[f"{p[0]}{p[1]}" for p in PAGES])
def test_page_matrix(city, needs, name, args, expected):
    url = reverse(name, args=_args(args, _objects(city, needs)))
    got = {role: login_client(city.users[role]).get(url).status_code for role in PERSONAS}
    assert got == expected


@pytest.mark.parametrize("name,args,expected", POSTS, ids=[f"{p[0]}{p[1]}" for p in POSTS])
def test_post_matrix(city, needs, name, args, expected):
    got = {}
    for role in PERSONAS:
        url = reverse(name, args=_args(args, _objects(city, needs)))
        got[role] = login_client(city.users[role]).post(url, {}).status_code
    assert got == expected


# --- the API: (method, path, body, expected per persona) --------------------------------------------

API_DENIED = {"anonymous": 401}
API = [
    ("GET", "/needs/requests/mine", None, row(200, **API_DENIED)),
    ("GET", "/needs/requests/mine/{posted}", None, row(404, **API_DENIED, resident=200)),
    ("GET", "/needs/requests/open", None, row(200, **API_DENIED)),
    ("GET", "/needs/requests/taken", None, row(200, **API_DENIED)),
    (
        "POST",
        "/needs/requests/{open}/take",
        {},
        row(404, **API_DENIED, volunteer=200, volunteer_b=200, leader=200),
    ),
    ("POST", "/needs/requests/{taken}/close", {"notes": "做完了"}, row(404, **API_DENIED, volunteer=200)),
    (
        "GET",
        "/needs/console/requests",
        None,
        row(200, **API_DENIED),  # an empty list for those who review nothing
    ),
    (
        "GET",
        "/needs/console/requests/{posted}",
        None,
        row(404, **API_DENIED, town_admin=200, auditor=200, city_admin=200),
    ),
    (
        "POST",
        "/needs/console/requests/{posted}/accept",
        {},
        row(404, **API_DENIED, town_admin=200, city_admin=200, auditor=403),
    ),
    (
        "POST",
        "/needs/console/requests/{posted}/decline",
        {"reason": "重复提交"},
        row(404, **API_DENIED, town_admin=200, city_admin=200, auditor=403),
    ),
    (
        "POST",
        "/needs/console/requests/{posted}/dispatch",
        {"organization": "{org_a}"},
        row(404, **API_DENIED, town_admin=200, city_admin=200, auditor=403),
    ),
    (
        "POST",
        "/needs/console/requests/{posted}/open",
        {"organization": "{org_a}"},
        row(404, **API_DENIED, town_admin=200, city_admin=200, auditor=403),
    ),
    (
        "POST",
        "/needs/console/requests/{posted}/merge",
        {"into": "{open}"},
        row(404, **API_DENIED, town_admin=200, city_admin=200, auditor=403),
    ),
    (
        "POST",
        "/needs/console/requests/{dispatched}/assign",
        {"volunteer": "{volunteer}"},
        row(404, **API_DENIED, town_admin=200, city_admin=200, org_admin=200, leader=200, auditor=403),
    ),
    (
        "POST",
        "/needs/requests",
        {
            "category": "elderly",
            "description": "换灯泡",
            "address": "东湖社区 3 幢",
            "window_start": "2099-01-01T08:00:00+08:00",
            "window_end": "2099-01-01T10:00:00+08:00",
        },
        row(403, **API_DENIED, resident=201, resident_b=201, town_admin=422, outsider=422, city_admin=422),
    ),
    ("GET", "/needs/ratings", None, row(200, **API_DENIED)),
    ("GET", "/needs/ratings/forged", None, row(404)),
]


def _fill(text: str, objs: dict) -> str:
    for key, value in objs.items():
        text = text.replace("{" + key + "}", str(value))
    return text


@pytest.mark.parametrize("mode", ["session", "bearer"])
@pytest.mark.parametrize("method,path,body,expected", API, ids=[f"{a[0]} {a[1]}" for a in API])
def test_api_matrix(city, needs, mode, method, path, body, expected):
    got = {}
    for role in PERSONAS:
        objs = _objects(city, needs) | {
            "org_a": city.org_a.pk,
            "volunteer": city.users["volunteer"].volunteer.pk,
        }
        user = city.users[role]
        client = (
            login_client(None)
            if user is None
            else (login_client(user) if mode == "session" else bearer(user))
        )
        url = "/api/v1" + _fill(path, objs)
        if method == "GET":
            response = client.get(url)
        else:
            data = json.loads(
                _fill(json.dumps(body), objs).replace('"' + str(objs["org_a"]) + '"', str(objs["org_a"]))
            )
            data = {k: (int(v) if isinstance(v, str) and v.isdigit() else v) for k, v in data.items()}
            response = client.post(url, data, content_type="application/json")
        got[role] = response.status_code
    assert got == expected
