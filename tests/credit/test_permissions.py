"""Permission matrices of the credit pages and API: (page or endpoint, persona) → status.
Outside a persona's reach: 404 (never 403); anonymous visitors of a page: the login page (302),
of the API: 401 (the published policy is public)."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from huiguang.credit.services.reviews import review_request

from ..conftest import login_client
from ..factories import ROLES, bearer
from .conftest import honor

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _objects(city):
    volunteer = city.users["volunteer"].volunteer
    review = review_request(volunteer=volunteer, text="守约率不对")
    h = honor(volunteer)
    h.evidence.save("a.pdf", ContentFile(PDF))
    return {"volunteer": volunteer.pk, "review": review.pk, "honor": h.pk}


#               anon vol  vol_b lead org  town out  aud  city
VOLUNTEERS = (302, 200, 200, 200, 404, 404, 404, 404, 404)
PUBLIC = (200,) * 9
CITY_READ = (302, 404, 404, 404, 404, 404, 404, 200, 200)
CITY_ONLY = (302, 404, 404, 404, 404, 404, 404, 404, 200)
SEES_VOLUNTEER = (302, 404, 404, 200, 200, 200, 404, 200, 200)

GET = [
    ("credit:me", [], VOLUNTEERS),
    ("credit:my_record_export", [], VOLUNTEERS),
    ("credit:policy", [], PUBLIC),
    ("credit:policy_version", [1], PUBLIC),
    ("credit:reviews", [], CITY_READ),
    ("credit:review_detail", ["review"], CITY_READ),
    ("credit:policy_edit", [], CITY_ONLY),
    ("credit:distribution", [], CITY_READ),
    ("credit:volunteer_credit", ["volunteer"], SEES_VOLUNTEER),
    ("credit:volunteer_record_export", ["volunteer"], SEES_VOLUNTEER),
    ("credit:honors", [], CITY_READ),
    ("credit:honor_new", [], CITY_ONLY),
    ("credit:honor_import", [], CITY_ONLY),
    ("credit:honor_template", [], CITY_ONLY),
    ("credit:honor_awards", [], CITY_ONLY),
    ("credit:honor_evidence", ["honor"], CITY_READ),
]

# Posted with no data: inside, the form's answer (422 or a redirect); outside, 404.
POST = [
    ("credit:review_create", [], (302, 422, 422, 422, 404, 404, 404, 404, 404)),
    ("credit:review_detail", ["review"], (302, 404, 404, 404, 404, 404, 404, 404, 422)),
    ("credit:policy_edit", [], (302, 404, 404, 404, 404, 404, 404, 404, 422)),
    ("credit:recompute_all", [], (302, 404, 404, 404, 404, 404, 404, 404, 302)),
    ("credit:honor_new", [], (302, 404, 404, 404, 404, 404, 404, 404, 422)),
    ("credit:honor_import", [], (302, 404, 404, 404, 404, 404, 404, 404, 422)),
    ("credit:honor_awards", [], (302, 404, 404, 404, 404, 404, 404, 404, 422)),
]


def _args(args, objs):
    return [objs.get(a, a) if isinstance(a, str) else a for a in args]


@pytest.mark.parametrize("name,args,expected", GET, ids=[g[0] for g in GET])
def test_get_matrix(city, name, args, expected):
    url = reverse(name, args=_args(args, _objects(city)))
    got = {role: login_client(city.users[role]).get(url).status_code for role in ROLES}
    assert got == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize("name,args,expected", POST, ids=[p[0] for p in POST])
def test_post_matrix(city, name, args, expected):
    url = reverse(name, args=_args(args, _objects(city)))
    got = {role: login_client(city.users[role]).post(url, {}).status_code for role in ROLES}
    assert got == dict(zip(ROLES, expected, strict=True))


API = "/api/v1"
VOL = {"volunteer", "volunteer_b", "leader"}
READ = {"city_admin", "auditor"}


def _api(ok: int, roles: set, otherwise: int = 404, anonymous: int = 401) -> dict:
    return {r: (ok if r in roles else otherwise) for r in ROLES} | {"anonymous": anonymous}


API_MATRIX = [
    ("GET", "/credit/me", None, _api(200, VOL)),
    ("GET", "/credit/me/snapshots", None, _api(200, VOL)),
    ("GET", "/credit/me/reviews", None, _api(200, VOL)),
    (
        "POST",
        "/credit/me/reviews",
        {"text": "请复核"},
        {**_api(201, {"volunteer_b", "leader"}), "volunteer": 409},
    ),
    ("GET", "/credit/policy", None, _api(200, set(ROLES), anonymous=200)),
    ("GET", "/credit/policies", None, _api(200, READ)),
    ("GET", "/credit/reviews", None, _api(200, READ)),
    (
        "POST",
        "/credit/reviews/{review}/answer",
        {"decision": "kept", "reason": "核实无误"},
        _api(200, {"city_admin"}),
    ),
    ("GET", "/credit/honors", None, _api(200, READ)),
    (
        "POST",
        "/credit/honors",
        {
            "volunteer_number": "{number}",
            "title": "优秀志愿者",
            "level": "city",
            "issuer": "文明办",
            "awarded_on": "2026-01-05",
        },
        _api(201, {"city_admin"}),
    ),
    ("POST", "/credit/volunteers/{volunteer}/recompute", {}, _api(200, {"city_admin"})),
    # No competition 999999: 404 for the city admin too; the others never reach the look-up.
    ("POST", "/credit/competitions/999999/award-honors", {}, _api(404, set())),
]


@pytest.mark.parametrize("mode", ["session", "bearer"])
@pytest.mark.parametrize("case", API_MATRIX, ids=[f"{c[0]} {c[1]}" for c in API_MATRIX])
def test_api_matrix(city, mode, case):
    method, url, body, expected = case
    objs = _objects(city)
    objs["number"] = city.users["volunteer"].volunteer.volunteer_number
    got = {}
    for role in ROLES:
        user = city.users[role]
        client = login_client(user) if mode == "session" or user is None else bearer(user)
        path = API + url.format(**objs)
        if method == "GET":
            response = client.get(path)
        else:
            data = {k: v.format(**objs) for k, v in body.items()}
            response = client.post(path, data=json.dumps(data), content_type="application/json")
        got[role] = response.status_code
        if response.status_code >= 400:
            assert response.json()["detail"]
    assert got == expected
