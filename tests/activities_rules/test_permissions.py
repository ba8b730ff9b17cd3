"""Who may use the sign-up pages and endpoints, persona by persona (tests/conftest.py). Outside the
scope: 404; anonymous visitors are sent to log in (web) or get 401 (API)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from huiguang.activities.models import Activity, Enrollment

from ..conftest import login_client
from ..factories import ROLES, bearer, enrol
from .conftest import make_shift


def _statuses(city, request) -> dict:
    """{role: status}, with a fresh scene for each role (one role's POST must not change another's)."""
    got = {}
    for role in ROLES:
        shift = make_shift(
            organization=city.org_a, activity_fields={"signup_mode": Activity.SignupMode.APPROVAL}
        )
        target = enrol(shift, city.users["volunteer"].volunteer, status=Enrollment.Status.APPLIED)
        got[role] = request(role, shift, target)
        Enrollment.objects.all().delete()
    return got


# (method, url name, object, data, expected status per role in ROLES order)
WEB = [
    # 张小明 has already applied in each scene (409); accounts without a volunteer profile: 409.
    ("POST", "activities:enroll", "shift", None, [302, 409, 302, 302, 409, 409, 409, 409, 409]),
    ("POST", "activities:enrollment_cancel", "target", None, [302, 302, 404, 302, 302, 302, 404, 404, 302]),
    ("GET", "activities:team_signup", "shift", None, [302, 404, 404, 200, 200, 200, 404, 404, 200]),
    ("POST", "activities:team_signup", "shift", None, [302, 404, 404, 422, 422, 422, 404, 404, 422]),
    ("POST", "activities:enrollment_decide", "shift", None, [302, 404, 404, 422, 422, 422, 404, 404, 422]),
    (
        "POST",
        "activities:enrollment_decide",
        "shift",
        {"action": "approve", "ids": "TARGET"},
        [302, 404, 404, 302, 302, 302, 404, 404, 302],
    ),
    # Only a child's guardian decides (张小明 is nobody's ward here; the guardian's own row is in
    # tests/volunteers/test_guardian.py).
    (
        "POST",
        "activities:guardian_decide",
        "target",
        {"decision": "approve"},
        [302, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
]


@pytest.mark.parametrize("method,name,arg,data,expected", WEB, ids=[f"{w[0]} {w[1]} {w[3]}" for w in WEB])
def test_web_matrix(city, method, name, arg, data, expected):
    def request(role, shift, target):
        client = login_client(city.users[role])
        url = reverse(name, args=[shift.pk if arg == "shift" else target.pk])
        if method == "GET":
            return client.get(url).status_code
        body = {k: (target.pk if v == "TARGET" else v) for k, v in (data or {}).items()}
        return client.post(url, body).status_code

    assert _statuses(city, request) == dict(zip(ROLES, expected))


API = [
    ("POST", "/api/v1/shifts/{shift}/enrollments", {}, [401, 409, 201, 201, 409, 409, 409, 409, 409]),
    ("DELETE", "/api/v1/enrollments/{target}", None, [401, 200, 404, 200, 200, 200, 404, 404, 200]),
    ("GET", "/api/v1/me/enrollments", None, [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    (
        "POST",
        "/api/v1/shifts/{shift}/decisions",
        {"ids": ["TARGET"], "approve": True},
        [401, 404, 404, 200, 200, 200, 404, 404, 200],
    ),
    (
        "POST",
        "/api/v1/shifts/{shift}/team-enrollments",
        {"volunteer_ids": [], "agreement_accepted": False},
        [401, 404, 404, 422, 422, 422, 404, 404, 422],
    ),
    (
        "POST",
        "/api/v1/enrollments/{target}/guardian-decision",
        {"approve": True},
        [401, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
]


@pytest.mark.parametrize("method,path,body,expected", API, ids=[f"{a[0]} {a[1]}" for a in API])
def test_api_matrix(city, method, path, body, expected):
    def request(role, shift, target):
        user = city.users[role]
        client = bearer(user) if user is not None else login_client(None)
        url = path.format(shift=shift.pk, target=target.pk)
        payload = json.dumps(
            {k: ([target.pk] if v == ["TARGET"] else v) for k, v in body.items()} if body is not None else {}
        )
        if method == "GET":
            return client.get(url).status_code
        if method == "DELETE":
            return client.delete(url).status_code
        return client.post(url, payload, content_type="application/json").status_code

    assert _statuses(city, request) == dict(zip(ROLES, expected))
