"""After a check-in the result page tells how to check out the same way: the code again after a
code check-in, a scan again after a QR check-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.attendance import codes

from .conftest import LAT, LNG

pytestmark = pytest.mark.django_db

SCAN_AGAIN = "离开时请再次扫码签退。"
CODE_AGAIN = "离开时请再次输入活动签到码签退。"


def test_after_a_code_check_in_the_page_says_enter_the_code_again(day, as_role):
    code = codes.activity_code(day.activity.pk)
    response = as_role("volunteer").post(
        reverse("attendance:code"), {"form_key": "k1", "code": code, "lat": str(LAT), "lng": str(LNG)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert CODE_AGAIN in html and SCAN_AGAIN not in html


def test_after_a_qr_check_in_the_page_says_scan_again(day, as_role):
    url = reverse("attendance:scan", args=[codes.qr_token(day.shift.pk)])
    response = as_role("volunteer").post(url, {"form_key": "k1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert SCAN_AGAIN in html and CODE_AGAIN not in html


def test_after_a_check_out_there_is_no_hint(day, as_role):
    client = as_role("volunteer")
    url = reverse("attendance:code")
    code = codes.activity_code(day.activity.pk)
    client.post(url, {"form_key": "k1", "code": code, "lat": str(LAT), "lng": str(LNG)})
    out = client.post(url, {"form_key": "k2", "code": code, "lat": str(LAT), "lng": str(LNG)})
    html = out.content.decode()
    assert "签退" in html and 'id="checkout-hint"' not in html
