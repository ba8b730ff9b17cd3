"""Permission matrix of the bulletin pages and endpoints: (page, role) → status. The city admin
writes; the city admin and the auditor read drafts; region and organization admins read the
published bulletins (their own lines); everyone reads the public pages of published ones.
tests/test_permission_matrix.py reads the "reports:…" names from here."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.reports.figures import bulletin_figures
from huiguang.reports.models import Bulletin

from ..conftest import login_client
from ..factories import ROLES, bearer

CONSOLE = {"org_admin", "town_admin", "outsider", "auditor", "city_admin"}
CITY = {"auditor", "city_admin"}


def status(ok: int, roles: set, *, anonymous: int = 302, otherwise: int = 404) -> dict:
    return {r: (ok if r in roles else otherwise) for r in ROLES} | {"anonymous": anonymous}


@pytest.fixture
def bulletins(db):
    this = timezone.localdate().replace(day=1)
    older = (this - dt.timedelta(days=40)).replace(day=1)
    draft = (this - dt.timedelta(days=1)).replace(day=1)
    now = timezone.now()
    # Real snapshots of an empty city: the downloads render them.
    Bulletin.objects.create(
        month=older, status="published", generated_at=now, published_at=now, snapshot=bulletin_figures(older)
    )
    Bulletin.objects.create(month=draft, generated_at=now, snapshot=bulletin_figures(draft))
    return {"published": f"{older:%Y-%m}", "draft": f"{draft:%Y-%m}"}


GET = [
    ("reports:console_list", {}, status(200, CONSOLE)),
    ("reports:console_detail", {"month": "published"}, status(200, CONSOLE)),
    ("reports:console_detail", {"month": "draft"}, status(200, CITY)),
    ("reports:console_detail", {"month": "1999-01"}, status(404, set())),
    ("reports:console_download", {"month": "published", "kind": "pdf"}, status(200, CONSOLE)),
    ("reports:console_download", {"month": "draft", "kind": "xlsx"}, status(200, CITY)),
    ("reports:public_list", {}, dict.fromkeys(ROLES, 200)),
    ("reports:public_detail", {"month": "published"}, dict.fromkeys(ROLES, 200)),
    ("reports:public_detail", {"month": "draft"}, dict.fromkeys(ROLES, 404)),
    ("reports:public_download", {"month": "published", "kind": "xlsx"}, dict.fromkeys(ROLES, 200)),
    ("reports:public_download", {"month": "draft", "kind": "pdf"}, dict.fromkeys(ROLES, 404)),
]

POST = [
    ("reports:console_list", {}, status(422, {"city_admin"})),  # an empty month: the form's 422
    ("reports:console_move", {"month": "draft", "step": "review"}, status(302, {"city_admin"})),
    ("reports:console_move", {"month": "published", "step": "publish"}, status(302, {"city_admin"})),
]


def _url(name, kwargs, months):
    return reverse(name, kwargs={k: months.get(v, v) for k, v in kwargs.items()})


@pytest.mark.parametrize("name,kwargs,expected", GET, ids=[f"{g[0]}-{i}" for i, g in enumerate(GET)])
def test_get_matrix(city, bulletins, name, kwargs, expected):
    url = _url(name, kwargs, bulletins)
    got = {role: login_client(city.users[role]).get(url).status_code for role in ROLES}
    assert got == expected


@pytest.mark.parametrize("name,kwargs,expected", POST, ids=[f"{p[0]}-{i}" for i, p in enumerate(POST)])
def test_post_matrix(city, bulletins, name, kwargs, expected):
    url = _url(name, kwargs, bulletins)
    got = {}
    for role in ROLES:
        got[role] = login_client(city.users[role]).post(url, {}).status_code
        Bulletin.objects.filter(month__lt=timezone.localdate().replace(day=1) - dt.timedelta(days=35)).update(
            status="published"
        )
    assert got == expected
    # Nobody but the city admin moved the draft; a published bulletin never moves.
    assert set(Bulletin.objects.values_list("status", flat=True)) <= {"draft", "reviewed", "published"}


API_MATRIX = [
    ("/bulletins", dict.fromkeys(ROLES, 200)),
    ("/bulletins/{published}", dict.fromkeys(ROLES, 200)),
    ("/bulletins/{draft}", {**dict.fromkeys(ROLES, 404), "auditor": 200, "city_admin": 200}),
    ("/bulletins/{published}/figures?unit_type=town", dict.fromkeys(ROLES, 200)),
    ("/bulletins/{draft}/figures", {**dict.fromkeys(ROLES, 404), "auditor": 200, "city_admin": 200}),
    ("/bulletins/2026-13/figures", dict.fromkeys(ROLES, 404)),
    ("/bulletins/{published}/figures?unit_type=planet", dict.fromkeys(ROLES, 422)),
]


@pytest.mark.parametrize("mode", ["session", "bearer"])
@pytest.mark.parametrize("path,expected", API_MATRIX, ids=[a[0] for a in API_MATRIX])
def test_api_matrix(city, bulletins, mode, path, expected):
    url = "/api/v1" + path.format(**bulletins)
    got = {}
    for role in ROLES:
        user = city.users[role]
        client = login_client(user) if (mode == "session" or user is None) else bearer(user)
        got[role] = client.get(url).status_code
    assert got == expected
