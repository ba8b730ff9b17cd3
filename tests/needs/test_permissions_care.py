"""Who may open the care register's pages and endpoints: every persona of the city plus two residents.

A recipient of 东湖社区 cared for by team A with 张小明 named: read by the town's admin, team A's admin
and leader, 张小明 and the city admin; everyone else gets 404 (auditors too: need to know).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.needs.services import care as care_services

from ..conftest import login_client
from ..factories import ROLES, bearer
from .conftest import LAT, LNG

pytestmark = pytest.mark.django_db

PERSONAS = [*ROLES, "resident", "resident_b"]


def row(default: int, **roles: int) -> dict:
    return {role: roles.get(role, default) for role in PERSONAS}


LOGIN = {"anonymous": 302}
READERS = {"town_admin": 200, "org_admin": 200, "leader": 200, "volunteer": 200, "city_admin": 200}
CONSOLE = {"town_admin": 200, "org_admin": 200, "leader": 200, "outsider": 200, "city_admin": 200}
KEEPERS = {"town_admin": 200, "outsider": 200, "city_admin": 200}
MANAGERS = {"town_admin": 200, "org_admin": 200, "city_admin": 200}


def _objects(city, care) -> dict:
    """A fresh recipient (like the fixture's, no ID number) for every persona, and a visit to it."""
    recipient = care_services.care_recipient_create(
        actor=city.users["town_admin"],
        data={
            "category": "disabled",
            "name": "吴爷爷",
            "phone": "13611112222",
            "region": city.village_a1,
            "address": "东湖社区 7 幢",
            "lat": LAT,
            "lng": LNG,
            "organization": city.org_a,
            "volunteers": [city.users["volunteer"].volunteer],
        },
    )
    visit = care_services.visit_log(
        actor=city.users["volunteer"],
        recipient=recipient,
        lat=LAT,
        lng=LNG,
        notes="聊天",
        needs_found="灯坏了",
    )
    return {"recipient": recipient.pk, "visit": visit.pk}


PAGES = [
    ("needs:care_list", [], row(404, **LOGIN, **CONSOLE)),
    ("needs:care_create", [], row(404, **LOGIN, **KEEPERS)),
    ("needs:care_missed", [], row(404, **LOGIN, **CONSOLE)),
    ("needs:care_export", [], row(404, **LOGIN, **KEEPERS)),
    ("needs:care_detail", ["recipient"], row(404, **LOGIN, **READERS)),
    ("needs:care_edit", ["recipient"], row(404, **LOGIN, **MANAGERS)),
    ("needs:care_plan_create", ["recipient"], row(404, **LOGIN, **MANAGERS)),
    ("needs:satisfaction", [], row(404, **LOGIN, **CONSOLE, auditor=200)),
    ("needs:visits", [], row(200, **LOGIN)),
    ("needs:visit_log", ["recipient"], row(404, **LOGIN, volunteer=200)),
    ("needs:visit_detail", ["visit"], row(404, **LOGIN, volunteer=200)),
]

# Posted with no data: who gets past the permission check (422: the form says what is missing).
POSTS = [
    ("needs:care_end", ["recipient"], row(404, **LOGIN, town_admin=422, org_admin=422, city_admin=422)),
    ("needs:visit_request", ["visit"], row(404, **LOGIN, volunteer=422)),
    ("needs:care_create", [], row(404, **LOGIN, town_admin=422, outsider=422, city_admin=422)),
    ("needs:visit_log", ["recipient"], row(404, **LOGIN, volunteer=422)),
]


def _args(args, objs):
    return [objs.get(a, a) for a in args]


@pytest.mark.parametrize("name,args,expected", PAGES, ids=[f"{p[0]}{p[1]}" for p in PAGES])
def test_care_page_matrix(city, needs, care, name, args, expected):
    url = reverse(name, args=_args(args, _objects(city, care)))
    got = {role: login_client(city.users[role]).get(url).status_code for role in PERSONAS}
    assert got == expected


@pytest.mark.parametrize("name,args,expected", POSTS, ids=[f"{p[0]}{p[1]}" for p in POSTS])
def test_care_post_matrix(city, needs, care, name, args, expected):
    url = reverse(name, args=_args(args, _objects(city, care)))
    got = {role: login_client(city.users[role]).post(url, {}).status_code for role in PERSONAS}
    assert got == expected


API_DENIED = {"anonymous": 401}
API_READERS = {"town_admin": 200, "org_admin": 200, "leader": 200, "volunteer": 200, "city_admin": 200}
API = [
    ("GET", "/needs/care/recipients", None, row(200, **API_DENIED)),
    ("GET", "/needs/care/recipients/{recipient}", None, row(404, **API_DENIED, **API_READERS)),
    (
        "POST",
        "/needs/care/recipients",
        {
            "category": "disabled",
            "name": "钱伯伯",
            "region_code": "330482001001",
            "address": "东湖 8 幢",
            "organization": "{org_a}",
        },
        row(403, **API_DENIED, town_admin=201, city_admin=201, outsider=422),
    ),
    (
        "POST",
        "/needs/care/recipients/{recipient}/end",
        {"reason": "搬走了"},
        row(404, **API_DENIED, town_admin=200, org_admin=200, city_admin=200, leader=403, volunteer=403),
    ),
    (
        "POST",
        "/needs/care/recipients/{recipient}/plans",
        {"frequency": "monthly", "starts_on": "2026-01-01"},
        row(404, **API_DENIED, town_admin=201, org_admin=201, city_admin=201, leader=403, volunteer=403),
    ),
    ("GET", "/needs/care/missed", None, row(200, **API_DENIED)),
    ("GET", "/needs/visits/recipients", None, row(200, **API_DENIED)),
    ("GET", "/needs/visits", None, row(200, **API_DENIED)),
    (
        "POST",
        "/needs/visits",
        {"recipient": "{recipient}", "lat": LAT, "lng": LNG, "notes": "量了血压"},
        row(404, **API_DENIED, volunteer=201),
    ),
    ("POST", "/needs/visits/{visit}/request", {"category": "elderly"}, row(404, **API_DENIED, volunteer=201)),
    (
        "GET",
        "/needs/satisfaction",
        None,
        row(
            404,
            **API_DENIED,
            town_admin=200,
            org_admin=200,
            leader=200,
            outsider=200,
            auditor=200,
            city_admin=200,
        ),
    ),
]


def _fill(value, objs):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return objs[value[1:-1]]
    if isinstance(value, str):
        for key, v in objs.items():
            value = value.replace("{" + key + "}", str(v))
    return value


@pytest.mark.parametrize("mode", ["session", "bearer"])
@pytest.mark.parametrize("method,path,body,expected", API, ids=[f"{a[0]} {a[1]}" for a in API])
def test_care_api_matrix(city, needs, care, mode, method, path, body, expected):
    got = {}
    for role in PERSONAS:
        objs = _objects(city, care) | {"org_a": city.org_a.pk}
        user = city.users[role]
        client = login_client(user) if user is None or mode == "session" else bearer(user)
        url = "/api/v1" + _fill(path, objs)
        if method == "GET":
            response = client.get(url)
        else:
            data = {k: _fill(v, objs) for k, v in body.items()}
            response = client.post(url, data, content_type="application/json")
        got[role] = response.status_code
    assert got == expected
