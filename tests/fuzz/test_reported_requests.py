"""The requests the hardening review found answering 500: each now answers 4xx with a message."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from huiguang.ledger.models import ServiceRecord

from ..factories import bearer

API = "/api/v1"


def _client(city, persona):
    if persona == "anonymous":
        return Client(raise_request_exception=False)
    if persona.startswith("web:"):
        client = Client(raise_request_exception=False)
        client.force_login(city.users[persona[4:]])
        return client
    client = bearer(city.users[persona])
    client.raise_request_exception = False
    return client


GETS = [
    ("city_admin", f"{API}/sites?organization=abc"),
    ("city_admin", f"{API}/regions?offset=9223372036854775808"),
    ("city_admin", f"{API}/organizations?offset=9223372036854775808"),
    ("anonymous", f"{API}/activities?date_from=0001-01-01"),
    ("city_admin", f"{API}/console/activities?date_from=0001-01-01"),
    ("city_admin", f"{API}/console/activities?organization=99999999999999999999"),
    ("city_admin", f"{API}/sites/abc"),
    ("anonymous", "/activities/?date_to=9999-12-31"),
    ("web:city_admin", "/console/activities/?date_from=0001-01-01"),
    ("web:city_admin", "/accounts/console/audit/?date_from=0001-01-01"),
]


@pytest.mark.parametrize("persona,url", GETS)
def test_reported_get_answers_4xx_with_a_message(city, persona, url):
    response = _client(city, persona).get(url)
    assert 400 <= response.status_code < 500, response.status_code
    if url.startswith(API):
        assert response.json()["detail"]
    else:
        assert "2000-01-01" in response.content.decode()  # the calendar window is named


def test_an_id_past_64_bits_in_a_page_filter_is_named(city):
    response = _client(city, "web:city_admin").get("/console/activities/?organization=99999999999999999999")
    assert response.status_code == 422
    assert "请从选项中选择。" in response.content.decode()


def test_verify_with_a_slash_answers_not_found(city):
    response = Client(raise_request_exception=False).get("/verify/", {"number": "a/b"})
    assert response.status_code == 404
    assert "a/b" in response.content.decode()


def _post(client, path, body):
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def test_a_dispute_with_null_minutes_is_a_field_error_not_a_500(city):
    volunteer = city.users["volunteer"].volunteer
    record = ServiceRecord.objects.filter(volunteer=volunteer).first()
    record_id = record.pk if record else 1
    response = _post(
        _client(city, "volunteer"), f"/records/{record_id}/disputes", {"reason": "x", "claimed_minutes": None}
    )
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_a_makeup_request_with_a_null_organization_is_a_field_error(city):
    response = _post(
        _client(city, "city_admin"),
        "/makeup-requests",
        {
            "volunteer_id": city.users["volunteer"].volunteer.pk,
            "organization_id": None,
            "activity_id": None,
            "started_at": "2026-11-01T09:00:00+08:00",
            "ended_at": "2026-11-01T11:00:00+08:00",
            "reason": "补录",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"]


def test_an_anonymous_write_is_401(city):
    response = _post(Client(enforce_csrf_checks=True), "/checkins", {})
    assert response.status_code == 401
