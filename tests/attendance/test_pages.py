"""The check-in pages through the test client: who may open the leader's pages (404 for the
rest), the volunteer's QR landing page and code page, the roster in bulk, the e-card form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.attendance import codes
from huiguang.attendance.models import CheckIn
from huiguang.volunteers.ecard import ecard_token

from .conftest import LAT, LNG, enrol, member

pytestmark = pytest.mark.django_db


def test_the_qr_screen_shows_the_link_the_code_and_who_is_in(day, as_role, settings):
    settings.HUIGUANG_SITE_URL = "https://zyz.pinghu.example"  # the public address, not the request's host
    response = as_role("leader").get(reverse("attendance:qr", args=[day.shift.pk]))
    html = response.content.decode()
    assert "签到二维码" in html
    assert 'data-checkin-url="https://zyz.pinghu.example/checkin/' in html
    assert codes.activity_code(day.activity.pk) in html
    assert "<svg" in html
    state = as_role("leader").get(reverse("attendance:qr_state", args=[day.shift.pk])).json()
    assert state["url"].startswith("https://zyz.pinghu.example/checkin/")
    assert state["inside"] == 0 and state["code"] == codes.activity_code(day.activity.pk)
    token = state["url"].rsplit("/", 2)[-2]
    assert codes.qr_verify(token).shift_id == day.shift.pk


def test_the_volunteer_opens_the_qr_url_and_checks_in_then_out(day, as_role):
    client = as_role("volunteer")
    url = reverse("attendance:scan", args=[codes.qr_token(day.shift.pk)])
    page = client.get(url)
    assert page.status_code == 200 and "签到" in page.content.decode()
    assert not CheckIn.objects.exists()  # opening the link alone changes nothing
    form_key = page.context["form_key"]
    done = client.post(url, {"form_key": form_key})
    assert done.status_code == 200
    assert "张小明 已于" in done.content.decode() and "签到" in done.content.decode()
    again = client.post(url, {"form_key": form_key})  # the same form sent twice
    assert again.status_code == 200
    assert CheckIn.objects.count() == 1
    page = client.get(url)
    assert "签退" in page.content.decode()
    client.post(url, {"form_key": page.context["form_key"]})
    assert list(CheckIn.objects.values_list("kind", flat=True)) == ["in", "out"]


def test_the_qr_url_refuses_a_forged_or_expired_token_and_strangers(day, as_role):
    client = as_role("volunteer")
    forged = client.get(reverse("attendance:scan", args=["abc.def"]))
    assert forged.status_code == 409 and "无效" in forged.content.decode()
    old = codes.qr_token(day.shift.pk, window=codes.qr_window() - 3)
    expired = client.get(reverse("attendance:scan", args=[old]))
    assert expired.status_code == 409 and "过期" in expired.content.decode()
    other = as_role("volunteer_b").get(reverse("attendance:scan", args=[codes.qr_token(day.shift.pk)]))
    assert other.status_code == 409 and "没有已确认的名额" in other.content.decode()


def test_the_qr_url_asks_to_log_in_first_and_comes_back(day, client):
    url = reverse("attendance:scan", args=[codes.qr_token(day.shift.pk)])
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "next=" in response["Location"]


def test_the_code_page_checks_in_near_and_refuses_far(day, as_role):
    client = as_role("volunteer")
    url = reverse("attendance:code")
    page = client.get(url)
    assert page.status_code == 200 and "活动签到码" in page.content.decode()
    code = codes.activity_code(day.activity.pk)
    far = client.post(url, {"form_key": "k1", "code": code, "lat": float(LAT) + 0.01, "lng": float(LNG)})
    assert far.status_code == 409 and "1112 米" in far.content.decode()
    near = client.post(url, {"form_key": "k2", "code": code, "lat": str(LAT), "lng": str(LNG)})
    assert near.status_code == 200 and "签到" in near.content.decode()
    assert CheckIn.objects.get().method == "code_gps"


def test_the_roster_marks_people_in_bulk(day, as_role, city):
    other = enrol(day.shift, member(city.org_a, real_name="赵大爷"))
    client = as_role("leader")
    url = reverse("attendance:roster", args=[day.shift.pk])
    response = client.post(
        url, {"form_key": "f1", "action": "in", "ids": [day.enrollment.pk, other.pk]}, follow=True
    )
    html = response.content.decode()
    assert "已标记到岗" in html and "张小明" in html and "赵大爷" in html
    assert CheckIn.objects.filter(kind="in", method="leader", recorded_by=city.users["leader"]).count() == 2
    response = client.post(url, {"form_key": "f2", "action": "out", "ids": [other.pk]}, follow=True)
    assert "已标记离岗：赵大爷" in response.content.decode()
    response = client.post(url, {"form_key": "f3", "action": "in", "ids": [day.enrollment.pk]}, follow=True)
    assert "请勿重复签到" in response.content.decode()


def test_the_roster_ignores_people_of_other_shifts(day, as_role, city):
    from .conftest import make_activity, make_shift

    elsewhere = make_shift(make_activity(city.org_b, starts_at=day.shift.starts_at))
    stranger = enrol(elsewhere, city.users["volunteer_b"].volunteer)
    response = as_role("leader").post(
        reverse("attendance:roster", args=[day.shift.pk]),
        {"form_key": "f", "action": "in", "ids": [stranger.pk]},
        follow=True,
    )
    assert "请至少选择一人" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_roster_query_count_does_not_grow_with_people(day, as_role, city, assert_queries_constant):
    client = as_role("leader")
    url = reverse("attendance:roster", args=[day.shift.pk])

    def arrive(prefix: str, n: int):
        for i in range(n):
            CheckIn.objects.create(
                enrollment=enrol(day.shift, member(city.org_a)),
                kind="in",
                method="leader",
                at=day.shift.starts_at,
                idempotency_key=f"{prefix}{i}",
                payload_sha256="x",
            )

    arrive("s", 3)
    assert assert_queries_constant(lambda: client.get(url), lambda: arrive("t", 10)) <= 12
    assert client.get(url).content.decode().count('name="ids"') == 14


def test_the_e_card_form_checks_in(day, as_role):
    client = as_role("leader")
    url = reverse("attendance:ecard_scan", args=[day.shift.pk])
    response = client.post(url, {"form_key": "e1", "token": ecard_token(day.volunteer)}, follow=True)
    assert "张小明 已于" in response.content.decode()
    assert CheckIn.objects.get().method == "ecard"
    response = client.post(url, {"form_key": "e2", "token": "garbage"}, follow=True)
    assert "不是有效的志愿者电子证" in response.content.decode()
