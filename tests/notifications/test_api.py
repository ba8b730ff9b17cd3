"""API: GET /api/v1/notifications and POST /api/v1/notifications/read — the caller's own only."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from huiguang.notifications.models import Notification

from ..conftest import login_client
from ..factories import bearer

API = "/api/v1"


def post(client, path, body):
    return client.post(API + path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def notes(city):
    user = city.users["volunteer"]
    read = Notification.objects.create(user=user, kind="info", title="已读", read_at=timezone.now())
    first = Notification.objects.create(user=user, kind="reminder", title="提醒", url="/me/activities/")
    second = Notification.objects.create(user=user, kind="enrollment_promoted", title="递补成功")
    theirs = Notification.objects.create(user=city.users["volunteer_b"], kind="info", title="别人的")
    return {"read": read, "first": first, "second": second, "theirs": theirs}


def test_list_answers_own_notifications_newest_first(city, notes):
    response = bearer(city.users["volunteer"]).get(f"{API}/notifications")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert [n["title"] for n in data["items"]] == ["递补成功", "提醒", "已读"]
    item = data["items"][1]
    assert item["kind"] == "reminder" and item["url"] == "/me/activities/" and item["read"] is False
    assert data["items"][2]["read"] is True and data["items"][2]["read_at"]


def test_list_filters_unread_and_paginates(city, notes):
    client = login_client(city.users["volunteer"])
    data = client.get(f"{API}/notifications?unread=true").json()
    assert data["count"] == 2 and {n["title"] for n in data["items"]} == {"提醒", "递补成功"}
    data = client.get(f"{API}/notifications?limit=1&offset=1").json()
    assert data["count"] == 3 and [n["title"] for n in data["items"]] == ["提醒"]


def test_anonymous_gets_401_in_chinese(client, db):
    response = client.get(f"{API}/notifications")
    assert response.status_code == 401
    assert response.json()["detail"] == "请登录或提供有效的令牌。"
    assert post(client, "/notifications/read", {"all": True}).status_code == 401


def test_mark_read_by_ids(city, notes):
    response = post(bearer(city.users["volunteer"]), "/notifications/read", {"ids": [notes["first"].pk]})
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 1}
    notes["first"].refresh_from_db()
    assert notes["first"].read_at is not None
    # Again: harmless.
    response = post(bearer(city.users["volunteer"]), "/notifications/read", {"ids": [notes["first"].pk]})
    assert response.json() == {"marked": 0, "unread": 1}


def test_mark_read_all(city, notes):
    response = post(bearer(city.users["volunteer"]), "/notifications/read", {"all": True})
    assert response.json() == {"marked": 2, "unread": 0}
    assert Notification.objects.get(pk=notes["theirs"].pk).read_at is None


def test_another_users_id_answers_404_and_changes_nothing(city, notes):
    client = bearer(city.users["volunteer"])
    response = post(client, "/notifications/read", {"ids": [notes["first"].pk, notes["theirs"].pk]})
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到。"
    assert Notification.objects.filter(read_at__isnull=True).count() == 3
    assert post(client, "/notifications/read", {"ids": [999999]}).status_code == 404


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "ids"),
        ({"ids": []}, "ids"),
        ({"ids": "1,2"}, "ids"),
        ({"ids": [0]}, "ids"),
        ({"ids": [True]}, "ids"),
    ],
)
def test_bad_bodies_answer_422_in_chinese(city, notes, body, field):
    response = post(bearer(city.users["volunteer"]), "/notifications/read", body)
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "部分字段填写有误。"
    assert field in data["errors"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in data["errors"][field])


def test_too_many_ids_answer_422(city, notes):
    response = post(bearer(city.users["volunteer"]), "/notifications/read", {"ids": list(range(1, 202))})
    assert response.status_code == 422
    assert response.json()["errors"]["ids"] == ["最多提供200个编号。"]


def test_session_post_needs_csrf(city, notes):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.users["volunteer"])
    assert post(client, "/notifications/read", {"all": True}).status_code == 403


@pytest.mark.parametrize("count", [3, 80])
def test_list_query_count_does_not_grow(city, count, django_assert_max_num_queries):
    user = city.users["volunteer"]
    Notification.objects.bulk_create(
        Notification(user=user, kind="info", title=f"n{i}") for i in range(count)
    )
    client = bearer(user)
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/notifications")
    assert response.status_code == 200 and response.json()["count"] == count
