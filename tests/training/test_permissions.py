"""Who may use the training pages and endpoints, persona by persona (tests/conftest.py `city`, plus
the trainer of tests/training/conftest.py). Outside the scope: 404; anonymous visitors are sent to
log in (web) or get 401 (API). The guard in tests/test_permission_matrix.py reads the URL names here."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.training.models import Qualification, QualificationType

from ..conftest import login_client
from ..factories import ROLES, bearer
from .conftest import attended, make_session


def _scene(city, training) -> dict:
    session = make_session(training.course, city.org_a, days=-1)
    target = attended(session, city.users["volunteer"].volunteer)
    qualification = Qualification.objects.create(
        volunteer=city.users["volunteer"].volunteer,
        type=training.first_aider,
        issued_on=timezone.localdate(),
        source="certificate",
    )
    return {
        "course": training.course.pk,
        "session": session.activity_id,
        "target": target.pk,
        "qualification": qualification.pk,
    }


def _undo():
    Qualification.objects.all().delete()
    Enrollment.objects.all().delete()
    QualificationType.objects.exclude(code="first-aider").delete()


# (url name, args, expected status per role in ROLES order)
GET = [
    ("training:my", [], [302, 200, 200, 200, 404, 404, 404, 404, 404]),
    ("training:course_list", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("training:course_create", [], [302, 404, 404, 404, 200, 200, 200, 404, 200]),
    ("training:course_edit", ["course"], [302, 404, 404, 404, 200, 200, 404, 404, 200]),
    ("training:type_list", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("training:qualification_list", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("training:qualification_export", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("training:qualification_record", [], [302, 404, 404, 404, 200, 200, 200, 404, 200]),
    ("training:qualification_revoke", ["qualification"], [302, 404, 404, 404, 200, 200, 404, 404, 200]),
    ("training:policy", [], [302, 404, 404, 404, 404, 404, 404, 404, 200]),
    ("activities:courses", [], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("activities:course_detail", ["course"], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("activities:session_results", ["session"], [302, 404, 404, 200, 200, 200, 404, 404, 200]),
]

POST = [
    ("training:course_create", [], [302, 404, 404, 404, 422, 422, 422, 404, 422]),
    ("training:course_edit", ["course"], [302, 404, 404, 404, 422, 422, 404, 404, 422]),
    ("training:type_list", [], [302, 404, 404, 404, 404, 404, 404, 404, 422]),
    ("training:qualification_record", [], [302, 404, 404, 404, 422, 422, 422, 404, 422]),
    ("training:qualification_revoke", ["qualification"], [302, 404, 404, 404, 422, 422, 404, 404, 422]),
    ("training:policy", [], [302, 404, 404, 404, 404, 404, 404, 404, 302]),
    ("activities:session_results", ["session"], [302, 404, 404, 422, 422, 422, 404, 404, 422]),
]


def _statuses(city, training, call) -> dict:
    got = {}
    for role in ROLES:
        objs = _scene(city, training)
        got[role] = call(role, objs)
        _undo()
    return got


@pytest.mark.parametrize("name,args,expected", GET, ids=[g[0] for g in GET])
def test_get_matrix(city, training, name, args, expected):
    def call(role, objs):
        url = reverse(name, args=[objs[a] for a in args])
        return login_client(city.users[role]).get(url).status_code

    assert _statuses(city, training, call) == dict(zip(ROLES, expected))


@pytest.mark.parametrize("name,args,expected", POST, ids=[p[0] for p in POST])
def test_post_matrix(city, training, name, args, expected):
    def call(role, objs):
        url = reverse(name, args=[objs[a] for a in args])
        return login_client(city.users[role]).post(url, {}).status_code

    assert _statuses(city, training, call) == dict(zip(ROLES, expected))


def test_the_trainer_marks_results_and_an_outsider_cannot(city, training):
    objs = _scene(city, training)
    url = reverse("activities:session_results", args=[objs["session"]])
    assert login_client(training.trainer).get(url).status_code == 200
    assert (
        login_client(city.users["outsider"])
        .post(url, {"enrollment": objs["target"], "result": "passed"})
        .status_code
        == 404
    )
    assert (
        login_client(training.trainer)
        .post(url, {"enrollment": objs["target"], "result": "passed"})
        .status_code
        == 302
    )


# (method, path, body, expected status per role)
API = [
    ("GET", "/api/v1/courses", None, [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/courses/{course}", None, [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/courses/{course}/sessions", None, [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/qualification-types", None, [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/me/qualifications", None, [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/console/courses", None, [401, 404, 404, 200, 200, 200, 200, 200, 200]),
    (
        "POST",
        "/api/v1/console/courses",
        {"title": "急救进阶", "category": "first_aid", "provider": "ORG_A", "hours": "2"},
        [401, 404, 404, 422, 201, 201, 422, 422, 201],
    ),
    (
        "PATCH",
        "/api/v1/console/courses/{course}",
        {"pass_rule": "实操"},
        [401, 404, 404, 404, 200, 200, 404, 404, 200],
    ),
    (
        "POST",
        "/api/v1/console/qualification-types",
        {"code": "guide", "name": "导医"},
        [401, 404, 404, 404, 404, 404, 404, 404, 201],
    ),
    ("GET", "/api/v1/console/qualifications", None, [401, 404, 404, 200, 200, 200, 200, 200, 200]),
    (
        "POST",
        "/api/v1/console/qualifications/{qualification}/revoke",
        {"reason": "证书注销"},
        [401, 404, 404, 404, 200, 200, 404, 404, 200],
    ),
    ("GET", "/api/v1/console/training-policy", None, [401, 404, 404, 200, 200, 200, 200, 200, 200]),
    (
        "PUT",
        "/api/v1/console/training-policy",
        {"count_hours": False},
        [401, 404, 404, 404, 404, 404, 404, 404, 200],
    ),
    (
        "GET",
        "/api/v1/console/sessions/{session}/results",
        None,
        [401, 404, 404, 200, 200, 200, 404, 404, 200],
    ),
    (
        "POST",
        "/api/v1/console/sessions/{session}/results",
        {"enrollment_id": "TARGET", "result": "failed"},
        [401, 404, 404, 200, 200, 200, 404, 404, 200],
    ),
]


@pytest.mark.parametrize("method,path,body,expected", API, ids=[f"{a[0]} {a[1]}" for a in API])
def test_api_matrix(city, training, method, path, body, expected):
    def call(role, objs):
        user = city.users[role]
        from django.test import Client

        client = bearer(user) if user is not None else Client()
        url = path.format(**objs)
        data = {
            k: (objs["target"] if v == "TARGET" else city.org_a.pk if v == "ORG_A" else v)
            for k, v in (body or {}).items()
        }
        send = getattr(client, method.lower())
        if method == "GET":
            return send(url).status_code
        return send(url, data, content_type="application/json").status_code

    assert _statuses(city, training, call) == dict(zip(ROLES, expected))


def test_the_api_records_a_qualification_from_a_certificate(city, training):
    from .conftest import png

    volunteer = city.users["volunteer"].volunteer
    data = {
        "volunteer_number": volunteer.volunteer_number,
        "type": training.first_aider.pk,
        "certificate_no": "RC-9",
        "issuer": "红十字会",
        "issued_on": "2025-01-02",
    }
    assert bearer(city.users["volunteer"]).post("/api/v1/console/qualifications", data).status_code == 404
    assert (
        bearer(city.users["org_admin"]).post("/api/v1/console/qualifications", data).status_code == 422
    )  # no photo
    response = bearer(city.users["org_admin"]).post(
        "/api/v1/console/qualifications", {**data, "evidence": png()}
    )
    assert response.status_code == 201, response.content
    assert response.json()["certificate_no"] == "RC-9"
    assert Qualification.objects.filter(volunteer=volunteer, source="certificate").count() == 1
