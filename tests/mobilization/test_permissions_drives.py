"""Who may use the recruitment-drive pages and endpoints, persona by persona (tests/conftest.py
`city`). The drive belongs to town A (当湖街道): its region admin and the city admin run it, the
auditor reads it, the outsider (town B's admin) gets 404; a unit's public page is open to all.
The guard in tests/test_permission_matrix.py reads the URL names here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from huiguang.mobilization.models.drives import Drive, DriveUnit

from ..conftest import login_client
from ..factories import ROLES, bearer


def _scene(city) -> dict:
    drive = Drive.objects.create(
        name="当湖街道青年志愿者招募",
        year=2026,
        region=city.town_a,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 12, 31),
        status=Drive.Status.OPEN,
    )
    unit = DriveUnit.objects.create(drive=drive, organization=city.org_a, target=10)
    return {"drive": drive.pk, "unit": unit.pk, "slug": unit.slug}


def _undo():
    Drive.objects.all().delete()


def _statuses(city, call) -> dict:
    got = {}
    for role in ROLES:
        objs = _scene(city)
        got[role] = call(role, objs)
        _undo()
    return got


GET = [
    ("mobilization:drive_list", [], [302, 404, 404, 404, 404, 200, 200, 200, 200]),
    ("mobilization:drive_create", [], [302, 404, 404, 404, 404, 200, 200, 404, 200]),
    ("mobilization:drive_detail", ["drive"], [302, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("mobilization:drive_unit_create", ["drive"], [302, 404, 404, 404, 404, 200, 404, 404, 200]),
    ("mobilization:drive_enrolled_import", ["drive"], [302, 404, 404, 404, 404, 200, 404, 404, 200]),
    ("mobilization:drive_unit_export", ["drive"], [302, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("mobilization:drive_school_rates", ["drive"], [302, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("mobilization:drive_unit_edit", ["unit"], [302, 404, 404, 404, 404, 200, 404, 404, 200]),
    ("mobilization:drive_unit_qr", ["unit"], [302, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("mobilization:drive_unit_page", ["slug"], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
]

# Posted with no data: outside the scope 404 (or the login redirect); inside, the form's answer.
POST = [
    ("mobilization:drive_create", [], [302, 404, 404, 404, 404, 422, 422, 404, 422]),
    ("mobilization:drive_open", ["drive"], [302, 404, 404, 404, 404, 302, 404, 404, 302]),
    ("mobilization:drive_close", ["drive"], [302, 404, 404, 404, 404, 302, 404, 404, 302]),
    ("mobilization:drive_unit_create", ["drive"], [302, 404, 404, 404, 404, 422, 404, 404, 422]),
    ("mobilization:drive_enrolled_import", ["drive"], [302, 404, 404, 404, 404, 422, 404, 404, 422]),
    ("mobilization:drive_unit_edit", ["unit"], [302, 404, 404, 404, 404, 422, 404, 404, 422]),
    # Anonymous: the registration form's errors; signed in: the page (join is the other URL).
    ("mobilization:drive_unit_page", ["slug"], [422, 200, 200, 200, 200, 200, 200, 200, 200]),
    # Volunteers sign up (302 back to the page); users without a volunteer profile: 409.
    ("mobilization:drive_unit_join", ["slug"], [302, 302, 302, 302, 409, 409, 409, 409, 409]),
]


@pytest.mark.parametrize("name,args,expected", GET, ids=[g[0] for g in GET])
def test_get_matrix(city, name, args, expected):
    def call(role, objs):
        return login_client(city.users[role]).get(reverse(name, args=[objs[a] for a in args])).status_code

    assert _statuses(city, call) == dict(zip(ROLES, expected))


@pytest.mark.parametrize("name,args,expected", POST, ids=[p[0] for p in POST])
def test_post_matrix(city, name, args, expected):
    def call(role, objs):
        return (
            login_client(city.users[role]).post(reverse(name, args=[objs[a] for a in args]), {}).status_code
        )

    assert _statuses(city, call) == dict(zip(ROLES, expected))


DRIVE_IN = {
    "name": "新招募",
    "year": 2026,
    "region_code": "330482001",
    "starts_on": "2026-03-01",
    "ends_on": "2026-06-30",
}

# (method, path, body, expected status per role)
API = [
    ("GET", "/api/v1/console/drives", None, [401, 404, 404, 404, 404, 200, 200, 200, 200]),
    ("POST", "/api/v1/console/drives", DRIVE_IN, [401, 404, 404, 404, 404, 201, 422, 404, 201]),
    ("GET", "/api/v1/console/drives/{drive}", None, [401, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("POST", "/api/v1/console/drives/{drive}/open", None, [401, 404, 404, 404, 404, 409, 404, 404, 409]),
    ("POST", "/api/v1/console/drives/{drive}/close", None, [401, 404, 404, 404, 404, 200, 404, 404, 200]),
    ("GET", "/api/v1/console/drives/{drive}/units", None, [401, 404, 404, 404, 404, 200, 404, 200, 200]),
    (
        "POST",
        "/api/v1/console/drives/{drive}/units",
        {"region_code": "330482001001", "target": 3},
        [401, 404, 404, 404, 404, 201, 404, 404, 201],
    ),
    (
        "PUT",
        "/api/v1/console/drive-units/{unit}",
        {"target": 7},
        [401, 404, 404, 404, 404, 200, 404, 404, 200],
    ),
    ("GET", "/api/v1/console/drives/{drive}/schools", None, [401, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("GET", "/api/v1/drive-units/{slug}", None, [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/api/v1/drive-units/{slug}/signup", None, [401, 200, 200, 200, 409, 409, 409, 409, 409]),
]


@pytest.mark.parametrize("method,path,body,expected", API, ids=[f"{a[0]} {a[1]}" for a in API])
def test_api_matrix(city, method, path, body, expected):
    def call(role, objs):
        user = city.users[role]
        client = bearer(user) if user is not None else Client()
        url = path.format(**objs)
        send = getattr(client, method.lower())
        if method == "GET":
            return send(url).status_code
        return send(url, body or {}, content_type="application/json").status_code

    assert _statuses(city, call) == dict(zip(ROLES, expected))
