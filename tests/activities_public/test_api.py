"""API: GET /api/v1/activities (public, filters, pagination, shifts summary) and /activities/{id}."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment

from ..conftest import login_client
from ..factories import OrganizationFactory, RegionFactory, bearer, category, enrol, make_activity
from .conftest import PINGHU, point_east, shift_of

API = "/api/v1/activities"


def test_list_is_public_with_shift_summaries(city, client, settings):
    settings.HUIGUANG_SITE_URL = "https://zyz.example.cn"
    activity = make_activity(organization=city.org_a, title="义诊", lat="30.700000", lng="121.020000")
    a = shift_of(activity=activity, name="导诊", capacity=3, waitlist_size=2)
    shift_of(activity=activity, name="登记", capacity=2)
    enrol(a, city.users["volunteer"].volunteer)
    make_activity(organization=city.org_a, status=Activity.Status.DRAFT)
    make_activity(organization=city.org_a, visibility=Activity.Visibility.MEMBERS)

    response = client.get(API)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == "义诊"
    assert item["organization"]["name"] == "当湖街道志愿服务队"
    assert item["region"] == {"code": "330482001", "name": "当湖街道"}
    assert item["category"] == {"code": "elderly", "name": "助老服务"}
    assert item["places"] == {"shifts": 2, "capacity": 5, "taken": 1, "left": 4, "waitlist_free": 2}
    assert item["url"] == f"https://zyz.example.cn/activities/{activity.pk}/"
    assert (item["lat"], item["lng"]) == (30.7, 121.02)
    assert item["distance_km"] is None
    assert [(s["name"], s["places_left"], s["waitlist_size"]) for s in item["shifts"]] == [
        ("导诊", 2, 2),
        ("登记", 2, 0),
    ]


def test_list_filters_and_pagination(city, client):
    medical = category("medical", "医疗")
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(9)))
    for i in range(5):
        make_activity(
            organization=city.org_a,
            title=f"当湖{i}",
            starts_at=morning + dt.timedelta(days=i + 1),
            ends_at=morning + dt.timedelta(days=i + 1, hours=2),
        )
    make_activity(
        organization=city.org_b,
        region=city.town_b,
        title="乍浦义诊",
        category=medical,
        starts_at=timezone.now() + dt.timedelta(days=10),
        ends_at=timezone.now() + dt.timedelta(days=10, hours=1),
    )

    page = client.get(API, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 6 and [i["title"] for i in page["items"]] == ["当湖2", "当湖3"]
    assert [i["title"] for i in client.get(API, {"region": "330482103"}).json()["items"]] == ["乍浦义诊"]
    assert [i["title"] for i in client.get(API, {"category": "medical"}).json()["items"]] == ["乍浦义诊"]
    assert [i["title"] for i in client.get(API, {"q": "义诊"}).json()["items"]] == ["乍浦义诊"]
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert [i["title"] for i in client.get(API, {"date_from": day, "date_to": day}).json()["items"]] == [
        "当湖1"
    ]


def test_list_near_a_point_is_ordered_by_distance(city, client):
    for km, title in ((6, "六公里"), (1, "一公里"), (40, "四十公里")):
        lat, lng = point_east(km)
        make_activity(organization=city.org_a, title=title, lat=lat, lng=lng)

    body = client.get(API, {"lat": PINGHU[0], "lng": PINGHU[1], "km": 10}).json()

    assert [(i["title"], round(i["distance_km"])) for i in body["items"]] == [("一公里", 1), ("六公里", 6)]
    assert body["count"] == 2
    assert (
        client.get(API, {"lat": PINGHU[0], "lng": PINGHU[1], "km": 10, "offset": 1}).json()["items"][0][
            "title"
        ]
        == "六公里"
    )


@pytest.mark.parametrize(
    "params,field,message",
    [
        ({"lat": "north", "lng": "121"}, "lat", "请输入 -90 到 90 之间的数字。"),
        ({"km": "3"}, "km", "按距离筛选需要一个位置"),
        ({"date_to": "2026/05/01"}, "date_to", "请输入日期，例如 2026-05-01。"),
        ({"region": "123"}, "region", "没有代码为 123 的区域。"),
        ({"when": "soon"}, "when", "请选择“即将开始”或“已结束”的活动。"),
    ],
)
def test_bad_filters_answer_422_in_chinese(city, client, params, field, message):
    response = client.get(API, params)
    assert response.status_code == 422
    assert message in response.json()["errors"][field][0]


def test_members_only_activities_for_members_with_a_token(city):
    make_activity(organization=city.org_a, title="队内", visibility=Activity.Visibility.MEMBERS)

    assert bearer(city.users["volunteer"]).get(API).json()["count"] == 1
    assert bearer(city.users["volunteer_b"]).get(API).json()["count"] == 0
    assert Client().get(API).json()["count"] == 0
    # A bad token is refused, not silently treated as anonymous.
    assert Client(headers={"authorization": "Bearer nope"}).get(API).status_code == 401


def test_detail_404_unless_published_and_visible(city, client):
    for status in ("draft", "pending", "rejected", "cancelled"):
        activity = make_activity(organization=city.org_a, status=status)
        assert client.get(f"{API}/{activity.pk}").status_code == 404
    private = make_activity(organization=city.org_a, visibility=Activity.Visibility.MEMBERS)
    assert client.get(f"{API}/{private.pk}").status_code == 404
    assert client.get(f"{API}/{private.pk}").json() == {"detail": "未找到。"}
    assert bearer(city.users["volunteer_b"]).get(f"{API}/{private.pk}").status_code == 404
    assert bearer(city.users["volunteer"]).get(f"{API}/{private.pk}").status_code == 200
    assert client.get(f"{API}/999999").status_code == 404


def test_detail_for_a_volunteer_carries_enrollment_and_decisions(city, volunteer):
    activity = make_activity(
        organization=city.org_a,
        title="清洁家园",
        min_age=18,
        agreement_required=True,
        agreement_text="协议",
        people_served=0,
    )
    mine = shift_of(activity=activity, name="上午", capacity=1, waitlist_size=2)
    full = shift_of(
        activity=activity,
        name="下午",
        capacity=1,
        starts_at=activity.starts_at + dt.timedelta(hours=5),
        ends_at=activity.starts_at + dt.timedelta(hours=6),
    )
    enrol(mine, city.users["volunteer_b"].volunteer)
    enrol(full, city.users["leader"].volunteer)
    e = enrol(mine, volunteer, Enrollment.Status.WAITLISTED)
    late = shift_of(
        activity=activity,
        name="晚上",
        starts_at=activity.starts_at + dt.timedelta(hours=8),
        ends_at=activity.starts_at + dt.timedelta(hours=9),
    )

    body = bearer(city.users["volunteer"]).get(f"{API}/{activity.pk}").json()

    assert body["title"] == "清洁家园" and body["agreement_text"] == "协议"
    assert body["requirements"] == ["活动当天年满 18 周岁。"]
    shifts = {s["name"]: s for s in body["shifts"]}
    assert shifts["上午"]["my_enrollment"] == {"id": e.pk, "status": "waitlisted", "waitlist_position": 1}
    assert shifts["上午"]["signup"] is None
    assert shifts["下午"]["signup"] == {
        "ok": False,
        "reason": "FULL",
        "message": "该岗位名额已满，候补名额也已满。",
        "outcome": None,
    }
    assert shifts["晚上"]["signup"]["ok"] is True and shifts["晚上"]["signup"]["outcome"] == "confirmed"
    assert shifts["晚上"]["id"] == late.pk
    assert body["share_qr_url"].endswith(f"/activities/{activity.pk}/qr.svg")
    assert body["ics_url"].endswith(f"/activities/{activity.pk}.ics")
    assert body["outcome"] is None

    anonymous = Client().get(f"{API}/{activity.pk}").json()
    assert all(s["signup"] is None and s["my_enrollment"] is None for s in anonymous["shifts"])


def _many(city, n, start=0):
    lat, lng = point_east(1)
    for i in range(start, start + n):
        org = city.org_a if i % 2 else OrganizationFactory(region=RegionFactory(parent=city.city))
        a = make_activity(organization=org, title=f"批量{i}", lat=lat, lng=lng)
        shift_of(activity=a)
        shift_of(activity=a, capacity=3, waitlist_size=1)


@pytest.mark.parametrize("params", [{}, {"lat": PINGHU[0], "lng": PINGHU[1], "km": 5}])
@pytest.mark.parametrize("who", ["anonymous", "volunteer"])
def test_list_query_count_does_not_grow(city, assert_queries_constant, params, who):
    _many(city, 3)
    client = login_client(city.users[who])

    assert_queries_constant(
        lambda: client.get(API, {**params, "limit": 50}), lambda: _many(city, 30, start=3)
    )
