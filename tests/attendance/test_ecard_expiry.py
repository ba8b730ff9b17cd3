"""E-card tokens carry their issue time: a leader's scan accepts one for 5 minutes
(HUIGUANG_ECARD_MAX_AGE_MINUTES), so a screenshot stops working; the e-card page fetches a fresh
code every minute (static script, no inline one)."""

from __future__ import annotations

import base64
import json
import time

import pytest
from django.urls import reverse

from huiguang.attendance import services
from huiguang.attendance.models import CheckIn
from huiguang.core.errors import Refused
from huiguang.volunteers.ecard import ecard_token

pytestmark = pytest.mark.django_db

EXPIRED = "电子证已过期，请志愿者刷新后再出示。"


def scan(day, city, token, key="l:1"):
    return services.checkin_by_ecard(
        actor=city.users["leader"], shift=day.shift, token=token, idempotency_key=key, payload={"t": token}
    )


def refused(day, city, token) -> Refused:
    with pytest.raises(Refused) as exc:
        scan(day, city, token)
    assert not CheckIn.objects.exists()
    return exc.value


def test_a_fresh_token_and_one_of_four_minutes_are_accepted(day, city):
    assert scan(day, city, ecard_token(day.volunteer, at=time.time() - 4 * 60)).checkin.kind == "in"
    assert scan(day, city, ecard_token(day.volunteer), key="l:2").checkin.kind == "out"


def test_a_token_older_than_five_minutes_is_refused_as_expired(day, city):
    exc = refused(day, city, ecard_token(day.volunteer, at=time.time() - 5 * 60 - 5))
    assert exc.reason == "ECARD_EXPIRED"
    assert str(exc.message) == EXPIRED


def test_a_token_from_the_future_is_refused_too(day, city):
    assert refused(day, city, ecard_token(day.volunteer, at=time.time() + 10 * 60)).reason == "ECARD_EXPIRED"


def test_the_age_comes_from_the_settings(day, city, settings):
    settings.HUIGUANG_ECARD_MAX_AGE_MINUTES = 1
    assert refused(day, city, ecard_token(day.volunteer, at=time.time() - 90)).reason == "ECARD_EXPIRED"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_tampered_token_is_refused_as_invalid(day, city):
    token = ecard_token(day.volunteer, at=time.time() - 10 * 60)
    body, signature = token.split(".", 1)
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["t"] = int(time.time())  # made young again, the signature kept
    younger = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    for forged in (f"{younger}.{signature}", token[:-3] + "xyz", "nonsense"):
        exc = refused(day, city, forged)
        assert exc.reason == "ECARD_INVALID", forged


def test_the_scan_page_and_the_api_say_expired(day, city, as_role):
    old = ecard_token(day.volunteer, at=time.time() - 6 * 60)
    client = as_role("leader")
    page = client.post(
        reverse("attendance:ecard_scan", args=[day.shift.pk]), {"form_key": "e1", "token": old}, follow=True
    )
    assert EXPIRED in page.content.decode()
    response = client.post(
        "/api/v1/checkins",
        data=json.dumps({"method": "ecard", "shift": day.shift.pk, "token": old}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 409
    assert response.json() == {"detail": EXPIRED, "reason": "ECARD_EXPIRED"}
    assert not CheckIn.objects.exists()


def test_the_e_card_page_refreshes_its_code_with_a_static_script(day, as_role):
    response = as_role("volunteer").get(reverse("volunteers:ecard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert 'id="ecard-qr"' in html and 'data-refresh="60"' in html and "<svg" in html
    assert '<script src="/static/volunteers/ecard.js"></script>' in html
    assert "5 分钟内有效" in html
