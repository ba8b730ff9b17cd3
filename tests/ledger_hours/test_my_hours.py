"""My hours and the same per volunteer in the console: the right numbers, statuses, scope, queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from huiguang.ledger.models import ActivityRating
from huiguang.ledger.services import corrections

from .conftest import attended_record, make_activity, make_shift


def _makeup(city, scene, minutes=60, days=4):
    start = (timezone.now() - dt.timedelta(days=days)).replace(hour=1, minute=0, second=0, microsecond=0)
    makeup = corrections.makeup_request_create(
        actor=city.users["org_admin"],
        volunteer=scene.volunteer,
        organization=city.org_a,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes),
        reason="补录",
    )
    return corrections.makeup_request_approve(actor=scene.second_admin, makeup=makeup).record


def _text(response) -> str:
    return response.content.decode()


def test_my_hours_shows_credit_honour_total_and_star_progress(city, scene, as_role):
    _makeup(city, scene, minutes=45)
    page = _text(as_role("volunteer").get(reverse("ledger:my_hours")))
    assert 'data-testid="credit-hours">3.0<' in page
    assert 'data-testid="honor-hours">0.8<' in page  # 45 min → 0.75 h, shown to one decimal
    assert 'data-testid="total-hours">3.8<' in page
    assert "距 1★ 还差 96.3 小时" in page  # the city's v1 policy: 1★ at 100 h
    assert "信用时数" in page and "荣誉时数" in page
    assert scene.activity.title in page and "已确认" in page


def test_every_status_is_shown(city, scene, as_role):
    activity = make_activity(city.org_a, starts_at=scene.activity.starts_at - dt.timedelta(days=1))
    attended_record(make_shift(activity), scene.volunteer, actor=city.users["org_admin"], confirm=False)
    page = _text(as_role("volunteer").get(reverse("ledger:my_hours")))
    assert 'data-status="pending"' in page and 'data-status="confirmed"' in page
    assert "待确认" in page  # the pending status, in the site's language


def test_star_reached_shows_the_next(city, scene, as_role):
    from huiguang.ledger.services.stars import star_policy_save

    star_policy_save(actor=city.users["city_admin"], thresholds_hours=[2, 10, 20, 30, 40])
    page = _text(as_role("volunteer").get(reverse("ledger:my_hours")))
    assert 'data-testid="star">1★<' in page
    assert "距 2★ 还差 7.0 小时" in page
    assert 'data-testid="total-hours">3.0<' in page


def test_my_hours_without_a_volunteer_profile_and_anonymous(city, as_role):
    assert as_role("org_admin").get(reverse("ledger:my_hours")).status_code == 200
    anonymous = as_role("anonymous").get(reverse("ledger:my_hours"))
    assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]


def test_my_hours_query_count_is_constant(city, scene, as_role, assert_queries_constant):
    client = as_role("volunteer")

    def grow():
        for i in range(8):
            activity = make_activity(
                city.org_a, starts_at=scene.activity.starts_at - dt.timedelta(days=i + 1)
            )
            attended_record(
                make_shift(activity), scene.volunteer, actor=city.users["org_admin"], confirm=i % 2 == 0
            )
        corrections.dispute_open(volunteer=scene.volunteer, record=scene.record, reason="x")

    assert assert_queries_constant(lambda: client.get(reverse("ledger:my_hours")), grow) <= 20
    assert _text(client.get(reverse("ledger:my_hours"))).count("data-record=") == 9


@pytest.mark.parametrize(
    "role,status",
    [
        ("org_admin", 200),
        ("town_admin", 200),
        ("city_admin", 200),
        ("leader", 200),
        ("outsider", 404),
        ("volunteer", 404),
        ("volunteer_b", 404),
    ],
)
def test_console_volunteer_hours_is_scoped(city, scene, as_role, role, status):
    url = reverse("ledger:volunteer_hours", args=[scene.volunteer.pk])
    response = as_role(role).get(url)
    assert response.status_code == status
    if status == 200:
        assert 'data-testid="credit-hours">3.0<' in _text(response)
        assert reverse("ledger:dispute_create", args=[scene.record.pk]) not in _text(response)


def test_console_volunteer_hours_query_count(city, scene, as_role, assert_queries_constant):
    client = as_role("org_admin")
    url = reverse("ledger:volunteer_hours", args=[scene.volunteer.pk])

    def grow():
        for i in range(6):
            activity = make_activity(
                city.org_a, starts_at=scene.activity.starts_at - dt.timedelta(days=i + 1)
            )
            attended_record(make_shift(activity), scene.volunteer, actor=city.users["org_admin"])

    assert assert_queries_constant(lambda: client.get(url), grow) <= 25
    assert _text(client.get(url)).count("data-record=") == 7


def test_volunteer_rates_an_activity_they_served(city, scene, as_role):
    url = reverse("ledger:activity_rate", args=[scene.activity.pk])
    assert as_role("volunteer").post(url, {"rating": "6"}).status_code == 422
    assert as_role("volunteer").post(url, {"rating": "4", "comment": "组织有序"}).status_code == 302
    rating = ActivityRating.objects.get()
    assert (rating.volunteer, rating.rating, rating.comment) == (scene.volunteer, 4, "组织有序")
    assert as_role("volunteer").post(url, {"rating": "5"}).status_code == 302
    assert ActivityRating.objects.get().rating == 5
    assert "已评 5★" in _text(as_role("volunteer").get(reverse("ledger:my_hours")))
    assert as_role("volunteer_b").get(url).status_code == 404
    assert as_role("volunteer_b").post(url, {"rating": "1"}).status_code == 404
    assert ActivityRating.objects.count() == 1


def test_api_me_records_and_hours(city, scene, as_role):
    _makeup(city, scene, minutes=60)
    records = as_role("volunteer").get("/api/v1/me/records")
    assert records.status_code == 200
    items = records.json()["items"]
    assert {i["kind"] for i in items} == {"service", "makeup"}
    makeup = next(i for i in items if i["kind"] == "makeup")
    assert makeup["is_credit"] is False and makeup["hours"] == 1.0 and makeup["status"] == "confirmed"
    hours = as_role("volunteer").get("/api/v1/me/hours").json()
    assert (hours["credit_minutes"], hours["honor_minutes"], hours["total_minutes"]) == (180, 60, 240)
    assert as_role("volunteer_b").get("/api/v1/me/records").json()["count"] == 0
    assert as_role("org_admin").get("/api/v1/me/records").status_code == 404
    assert as_role("anonymous").get("/api/v1/me/records").status_code == 401


def test_forms_render_in_chinese(city, scene, as_role):
    volunteer = as_role("volunteer")
    assert "提交异议" in _text(volunteer.get(reverse("ledger:dispute_create", args=[scene.record.pk])))
    assert "保存评价" in _text(volunteer.get(reverse("ledger:activity_rate", args=[scene.activity.pk])))
    admin = as_role("org_admin")
    page = _text(admin.get(reverse("ledger:makeup_create")))
    assert "申请补录" in page and "荣誉时数" in page and scene.activity.title in page
    assert "导出服务记录" in _text(admin.get(reverse("ledger:records_export")))
    assert "没有补录申请" in _text(admin.get(reverse("ledger:makeup_list")))
    assert "没有异议" in _text(admin.get(reverse("ledger:disputes")))
    assert as_role("volunteer").get(reverse("ledger:makeup_create")).status_code == 404
    assert as_role("auditor").get(reverse("ledger:makeup_create")).status_code == 404


def test_api_me_records_query_count_is_constant(city, scene, as_role, assert_queries_constant):
    client = as_role("volunteer")

    def grow():
        for i in range(5):
            activity = make_activity(
                city.org_a, starts_at=scene.activity.starts_at - dt.timedelta(days=i + 1)
            )
            attended_record(make_shift(activity), scene.volunteer, actor=city.users["org_admin"])

    assert assert_queries_constant(lambda: client.get("/api/v1/me/records"), grow) <= 15
    assert client.get("/api/v1/me/records").json()["count"] == 6


def test_fifteen_minutes_are_0_3_hours_on_the_page_in_the_api_and_in_the_export(city, scene, as_role):
    """One rule (core.formatting): half up from the minutes, never Python's half-even float."""
    activity = make_activity(city.org_a, starts_at=scene.activity.starts_at - dt.timedelta(days=1))
    record = attended_record(make_shift(activity), scene.volunteer, actor=city.users["org_admin"], minutes=15)
    client = as_role("volunteer")
    page = _text(client.get(reverse("ledger:my_hours")))
    assert f'data-record="{record.pk}"' in page and '<div class="fs-5 fw-bold">0.3</div>' in page
    items = client.get("/api/v1/me/records").json()["items"]
    assert [i["hours"] for i in items if i["id"] == record.pk] == [0.3]
    sheet = load_workbook(io.BytesIO(client.get(reverse("ledger:my_hours_export")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    hours = rows[0].index("时长（小时）")
    assert [row[hours] for row in rows[1:] if row[-1] == record.pk] == [0.3]
