"""POST /api/v1/checkins: 201 the first time, 200 with the same answer for a retry, 422 for the
same key with another body, 409 with a reason for refusals, 404 outside the caller's shifts."""

from __future__ import annotations

import json

import pytest

from huiguang.attendance import codes
from huiguang.attendance.models import CheckIn
from huiguang.volunteers.ecard import ecard_token

from .conftest import LAT, LNG

pytestmark = pytest.mark.django_db
URL = "/api/v1/checkins"


def post(client, body, key="key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_qr_check_in_answers_201_then_200_for_a_retry(day, as_role):
    client = as_role("volunteer")
    body = {"method": "qr", "token": codes.qr_token(day.shift.pk)}
    first = post(client, body)
    assert first.status_code == 201, first.content
    again = post(client, body)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["kind"] == "in" and first.json()["volunteer"] == "张小明"
    assert "签到" in first.json()["detail"]
    assert CheckIn.objects.count() == 1


def test_the_same_key_with_another_body_answers_422(day, as_role):
    client = as_role("volunteer")
    assert post(client, {"method": "qr", "token": codes.qr_token(day.shift.pk)}).status_code == 201
    other = post(client, {"method": "qr", "token": codes.qr_token(day.shift.pk), "kind": "out"})
    assert other.status_code == 422
    assert list(other.json()["errors"]) == ["idempotency_key"]
    assert CheckIn.objects.count() == 1


def test_keys_belong_to_one_account(day, as_role, city):
    from .conftest import enrol

    enrol(day.shift, city.users["leader"].volunteer)
    body = {"method": "qr", "token": codes.qr_token(day.shift.pk)}
    assert post(as_role("volunteer"), body, key="shared").status_code == 201
    assert post(as_role("leader"), body, key="shared").status_code == 201
    assert CheckIn.objects.count() == 2


def test_a_missing_key_answers_422(day, as_role):
    response = post(as_role("volunteer"), {"method": "qr", "token": codes.qr_token(day.shift.pk)}, key=None)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]


def test_refusals_answer_409_with_a_reason(day, as_role):
    client = as_role("volunteer")
    expired = codes.qr_token(day.shift.pk, window=codes.qr_window() - 5)
    response = post(client, {"method": "qr", "token": expired}, key="a")
    assert response.status_code == 409
    assert response.json()["reason"] == "QR_EXPIRED"
    response = post(
        client,
        {
            "method": "code_gps",
            "code": codes.activity_code(day.activity.pk),
            "lat": float(LAT) + 0.02,
            "lng": float(LNG),
        },
        key="b",
    )
    assert response.status_code == 409 and response.json()["reason"] == "TOO_FAR"
    assert "米" in response.json()["detail"]
    response = post(as_role("volunteer_b"), {"method": "qr", "token": codes.qr_token(day.shift.pk)}, key="c")
    assert response.status_code == 409 and response.json()["reason"] == "NOT_ENROLLED"


def test_code_and_location_through_the_api(day, as_role):
    body = {
        "method": "code_gps",
        "code": codes.activity_code(day.activity.pk),
        "lat": float(LAT),
        "lng": float(LNG),
    }
    response = post(as_role("volunteer"), body)
    assert response.status_code == 201
    assert response.json()["method"] == "code_gps"


def test_the_leader_marks_and_scans_through_the_api(day, as_role):
    leader = as_role("leader")
    response = post(leader, {"method": "leader", "enrollment": day.enrollment.pk, "kind": "in"}, key="m1")
    assert response.status_code == 201
    response = post(
        leader, {"method": "ecard", "shift": day.shift.pk, "token": ecard_token(day.volunteer)}, key="m2"
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "out" and response.json()["method"] == "ecard"


@pytest.mark.parametrize("role", ["volunteer", "volunteer_b", "outsider", "auditor"])
def test_others_may_not_mark_or_scan(day, as_role, role):
    client = as_role(role)
    response = post(client, {"method": "leader", "enrollment": day.enrollment.pk, "kind": "in"}, key="x1")
    assert response.status_code == 404
    response = post(
        client, {"method": "ecard", "shift": day.shift.pk, "token": ecard_token(day.volunteer)}, key="x2"
    )
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_anonymous_answers_401(day, client):
    assert post(client, {"method": "qr", "token": codes.qr_token(day.shift.pk)}).status_code == 401


def test_bearer_token_works(day, city):
    from django.test import Client

    from huiguang.accounts.services import token_create

    _token, key = token_create(user=city.users["volunteer"], name="app", created_by=city.users["volunteer"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = post(client, {"method": "qr", "token": codes.qr_token(day.shift.pk)})
    assert response.status_code == 201
