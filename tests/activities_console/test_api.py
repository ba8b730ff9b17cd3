"""API console operations: create, edit, shifts, submit, review, cancel, finish; list my
organizations' activities — by session and by bearer token, scoped."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from huiguang.activities.models import Activity, Shift
from huiguang.notifications.models import Notification

from ..conftest import login_client
from ..factories import bearer, enrol, make_shift, member
from .conftest import category, make_activity

API = "/api/v1"
S = Activity.Status


@pytest.fixture(params=["session", "bearer"])
def api_as(request, city):
    def make(role: str) -> Client:
        user = city.users[role]
        if user is None:
            return Client()
        if request.param == "session":
            return login_client(user)
        return bearer(user)

    return make


def send(client, method, path, body=None):
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(f"{API}{path}", **kwargs)


def iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def test_create_add_shifts_submit_and_review(city, api_as):
    category()
    start = (timezone.localtime() + dt.timedelta(days=12)).replace(hour=9, minute=0, second=0, microsecond=0)
    leader = api_as("leader")
    response = send(
        leader,
        "post",
        "/console/activities",
        {
            "organization": city.org_a.pk,
            "title": "社区义诊",
            "category": "health",
            "starts_at": iso(start),
            "ends_at": iso(start + dt.timedelta(hours=3)),
            "signup_mode": "approval",
            "lat": 30.7,
            "lng": "121.01",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["status_display"], body["organization"]["code"], body["signup_mode"]) == (
        "draft",
        "草稿",
        "TA",
        "approval",
    )
    pk = body["id"]
    response = send(leader, "post", f"/console/activities/{pk}/submit")
    assert response.status_code == 409 and response.json()["reason"] == "no_shifts"
    response = send(
        leader,
        "post",
        f"/console/activities/{pk}/shifts/grid",
        {
            "positions": [{"name": "量血压", "capacity": 3}, {"name": "理发"}],
            "slots": [
                f"{timezone.localtime(start):%H:%M}-{timezone.localtime(start + dt.timedelta(hours=1)):%H:%M}"
            ],
            "capacity": 2,
        },
    )
    assert response.status_code == 201, response.json()
    assert sorted((s["name"], s["capacity"]) for s in response.json()) == [("理发", 2), ("量血压", 3)]
    response = send(leader, "patch", f"/console/activities/{pk}", {"description": "带上血压计"})
    assert response.status_code == 200 and response.json()["description"] == "带上血压计"
    assert response.json()["shift_count"] == 2 and len(response.json()["shifts"]) == 2
    response = send(leader, "post", f"/console/activities/{pk}/submit")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    # The leader may not review; the town admin returns it with a reason.
    assert send(leader, "post", f"/console/activities/{pk}/review", {"approve": True}).status_code == 403
    town = api_as("town_admin")
    response = send(town, "post", f"/console/activities/{pk}/review", {"approve": False})
    assert response.status_code == 422 and response.json()["errors"]["reason"] == [
        "请说明需要修改什么：发起人会看到。"
    ]
    response = send(
        town, "post", f"/console/activities/{pk}/review", {"approve": False, "reason": "请写清集合地点"}
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert response.json()["status_reason"] == "请写清集合地点"
    assert (
        "请写清集合地点" in Notification.objects.get(user=city.users["leader"], kind="activity_rejected").body
    )


def test_bad_input_answers_422_in_chinese(city, api_as):
    category()
    client = api_as("org_admin")
    response = send(
        client,
        "post",
        "/console/activities",
        {
            "organization": city.org_b.pk,
            "title": "x",
            "category": "nope",
            "starts_at": "明天早上",
            "lat": "north",
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["starts_at"] == ["请输入日期和时间，例如 2026-05-09T08:30:00+08:00。"]
    assert errors["lat"] == ["请以十进制度数填写坐标。"]
    response = send(
        client,
        "post",
        "/console/activities",
        {"organization": city.org_b.pk, "title": "x", "category": "nope"},
    )
    assert response.status_code == 422
    assert response.json()["errors"]["category"] == ["没有代码为 nope 的服务类别。"]
    response = send(
        client,
        "post",
        "/console/activities",
        {"organization": city.org_b.pk, "title": "x", "category": "health"},
    )
    assert response.json()["errors"]["organization"] == ["请选择您可以为其组织活动的组织。"]
    assert not Activity.objects.exists()


def test_list_is_scoped_and_404_outside(city, scene, api_as):
    response = send(api_as("org_admin"), "get", "/console/activities")
    assert response.status_code == 200
    titles = {a["title"] for a in response.json()["items"]}
    assert (
        scene.published.title in titles
        and scene.pending_a1.title in titles
        and scene.published_b.title not in titles
    )
    leader_titles = {a["title"] for a in send(api_as("leader"), "get", "/console/activities").json()["items"]}
    assert scene.pending_a1.title not in leader_titles and scene.published.title in leader_titles
    assert send(api_as("volunteer"), "get", "/console/activities").json()["count"] == 0
    assert send(api_as("outsider"), "get", f"/console/activities/{scene.published.pk}").status_code == 404
    assert (
        send(
            api_as("outsider"), "post", f"/console/activities/{scene.published.pk}/cancel", {"reason": "x"}
        ).status_code
        == 404
    )
    pending = send(api_as("org_admin"), "get", "/console/activities?status=pending").json()["items"]
    assert {a["id"] for a in pending} == {scene.pending.pk, scene.pending_a1.pk}
    queue = send(api_as("org_admin"), "get", "/console/review-queue").json()["items"]
    assert [a["id"] for a in queue] == [scene.pending_a1.pk]
    detail = send(api_as("auditor"), "get", f"/console/activities/{scene.published.pk}").json()
    assert (
        detail["taken_total"] == 1 and detail["applied_total"] == 1 and detail["shifts"][0]["name"] == "理发"
    )


def test_anonymous_gets_401(city, scene):
    assert Client().get(f"{API}/console/activities").status_code == 401


def test_cancel_and_finish(city, scene, api_as):
    pytest.importorskip("huiguang.activities.services.enrollments").enrollments_cancel_for_activity
    assert (
        send(
            api_as("leader"), "post", f"/console/activities/{scene.published.pk}/cancel", {"reason": "雨"}
        ).status_code
        == 403
    )
    response = send(
        api_as("org_admin"), "post", f"/console/activities/{scene.published.pk}/cancel", {"reason": "暴雨"}
    )
    assert response.status_code == 200
    assert (
        response.json()["cancelled_enrollments"] == 2 and response.json()["activity"]["status"] == "cancelled"
    )
    response = send(
        api_as("city_admin"),
        "post",
        f"/console/activities/{scene.started.pk}/finish",
        {"people_served": 80, "outputs": [{"name": "爱心包", "count": 200}]},
    )
    assert response.status_code == 200
    assert (
        response.json()["outputs"] == [{"name": "爱心包", "count": 200}]
        and response.json()["people_served"] == 80
    )


def test_shift_edit_keeps_capacity_above_taken(city, scene, api_as):
    for _ in range(2):
        enrol(scene.shift, member(city.org_a))
    response = send(api_as("org_admin"), "patch", f"/console/shifts/{scene.shift.pk}", {"capacity": 1})
    assert response.status_code == 422
    assert response.json()["errors"]["capacity"] == ["已有 3 个名额被占用：名额不能少于此数。"]
    response = send(api_as("org_admin"), "patch", f"/console/shifts/{scene.shift.pk}", {"capacity": 8})
    assert response.status_code == 200 and response.json()["capacity"] == 8
    assert Shift.objects.get(pk=scene.shift.pk).capacity == 8


def test_one_shift_and_time_checks(city, scene, api_as):
    start = scene.draft.starts_at
    response = send(
        api_as("org_admin"),
        "post",
        f"/console/activities/{scene.draft.pk}/shifts",
        {
            "name": "磨刀",
            "starts_at": iso(start),
            "ends_at": iso(start + dt.timedelta(hours=1)),
            "capacity": 2,
        },
    )
    assert response.status_code == 201 and response.json()["waitlist_size"] == 0
    response = send(
        api_as("org_admin"),
        "post",
        f"/console/activities/{scene.draft.pk}/shifts",
        {
            "name": "磨刀",
            "starts_at": iso(start),
            "ends_at": iso(start - dt.timedelta(hours=1)),
            "capacity": 0,
        },
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"capacity"}


def test_list_query_count_is_constant(city, api_as, assert_queries_constant):
    client = api_as("org_admin")
    for i in range(3):
        make_shift(make_activity(city.org_a, days=2 + i))

    def grow():
        for i in range(25):
            activity = make_activity(city.org_a1, days=5 + i)
            enrol(make_shift(activity), member(city.org_a1))

    assert_queries_constant(lambda: send(client, "get", "/console/activities"), grow)
    response = send(client, "get", "/console/activities")
    assert response.json()["count"] == 28
