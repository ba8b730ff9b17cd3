"""The public list of activities: who sees what, each filter, distance order, bad input, queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Activity

from ..conftest import login_client
from ..factories import (
    MembershipFactory,
    OrganizationFactory,
    RegionFactory,
    SiteFactory,
    UserFactory,
    VolunteerFactory,
    category,
    enrol,
    make_activity,
)
from .conftest import PINGHU, activity_with_shift, point_east, shift_of

URL = reverse("activities:list")


def titles(response) -> list[str]:
    return [a.title for a in response.context["page_obj"]]


def test_list_shows_published_public_upcoming_activities_only(city, client):
    make_activity(organization=city.org_a, title="敬老院探访")
    for status in ("draft", "pending", "rejected", "cancelled", "archived"):
        make_activity(organization=city.org_a, title=f"状态{status}", status=status)
    past = timezone.now() - dt.timedelta(days=5)
    make_activity(
        organization=city.org_a, title="上周的活动", starts_at=past, ends_at=past + dt.timedelta(hours=2)
    )
    make_activity(organization=city.org_a, title="队内活动", visibility=Activity.Visibility.MEMBERS)

    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["敬老院探访"]
    assert "志愿服务活动" in response.content.decode() or "敬老院探访" in response.content.decode()


def test_past_activities_on_request_latest_first(city, client):
    now = timezone.now()
    for title, days in (("三天前", 3), ("十天前", 10)):
        start = now - dt.timedelta(days=days)
        make_activity(
            organization=city.org_a,
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            status=Activity.Status.FINISHED,
        )
    make_activity(organization=city.org_a, title="下周")

    assert titles(client.get(URL, {"when": "past"})) == ["三天前", "十天前"]


def test_members_visible_activity_is_listed_for_members_only(city):
    make_activity(organization=city.org_a, title="队内培训", visibility=Activity.Visibility.MEMBERS)
    # A member of the sub-team counts as a member of the parent organization (the rules' definition).
    sub_member = VolunteerFactory(user=UserFactory(phone="13900000099"))
    MembershipFactory(volunteer=sub_member, organization=city.org_a1)

    member = login_client(city.users["volunteer"]).get(URL)
    assert titles(member) == ["队内培训"]
    assert "仅限成员" in member.content.decode()
    assert titles(login_client(sub_member.user).get(URL)) == ["队内培训"]
    assert titles(login_client(city.users["volunteer_b"]).get(URL)) == []
    assert titles(login_client(None).get(URL)) == []


def test_region_filter_takes_the_whole_subtree(city, client):
    make_activity(organization=city.org_a, region=city.village_a1, title="东湖社区活动")
    make_activity(organization=city.org_a, region=city.town_a, title="街道活动")
    make_activity(organization=city.org_b, region=city.town_b, title="乍浦活动")

    assert sorted(titles(client.get(URL, {"region": "330482001"}))) == ["东湖社区活动", "街道活动"]
    assert titles(client.get(URL, {"region": "330482001001"})) == ["东湖社区活动"]
    assert len(titles(client.get(URL, {"region": "330482"}))) == 3


def test_category_filter(city, client):
    medical = category("medical_test", "医疗服务")
    make_activity(organization=city.org_a, title="义诊", category=medical)
    make_activity(organization=city.org_a, title="陪伴老人")

    assert titles(client.get(URL, {"category": "medical_test"})) == ["义诊"]
    response = client.get(URL)
    assert "医疗服务" in response.content.decode()  # offered in the filter bar


def test_date_range_keeps_activities_taking_place_in_it(city, client):
    today = timezone.localdate()

    def on(days, title, hours=3):
        start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(9)))
        make_activity(
            organization=city.org_a, title=title, starts_at=start, ends_at=start + dt.timedelta(hours=hours)
        )

    on(2, "两天后")
    on(5, "五天后")
    on(9, "九天后")
    on(6, "跨夜", hours=30)  # from day 6 to day 7

    day = lambda n: (today + dt.timedelta(days=n)).isoformat()  # noqa: E731
    assert titles(client.get(URL, {"date_from": day(4), "date_to": day(6)})) == ["五天后", "跨夜"]
    assert titles(client.get(URL, {"date_from": day(7)})) == ["跨夜", "九天后"]
    assert titles(client.get(URL, {"date_to": day(2)})) == ["两天后"]


def test_keyword_searches_title_description_and_organization(city, client):
    make_activity(organization=city.org_a, title="磨刀服务", description="为居民免费磨刀")
    make_activity(organization=city.org_a, title="理发", description="为老人理发，剪刀自备")
    make_activity(organization=city.org_b, title="清扫街道", description="环境整治")

    assert titles(client.get(URL, {"q": "磨刀"})) == ["磨刀服务"]
    assert titles(client.get(URL, {"q": "老人"})) == ["理发"]
    assert titles(client.get(URL, {"q": "乍浦镇"})) == ["清扫街道"]
    assert titles(client.get(URL, {"q": "为 理发"})) == ["理发"]  # every word must match


def test_distance_filter_orders_nearest_first(city, client):
    for km, title in ((8, "八公里"), (0.5, "半公里"), (30, "三十公里"), (3, "三公里")):
        lat, lng = point_east(km)
        make_activity(organization=city.org_a, title=title, lat=lat, lng=lng)
    # No coordinates of its own: the site's are used.
    lat, lng = point_east(5)
    site = SiteFactory(region=city.town_a, lat=lat, lng=lng)
    make_activity(organization=city.org_a, title="阵地五公里", site=site)
    make_activity(organization=city.org_a, title="没有坐标")

    near = {"lat": PINGHU[0], "lng": PINGHU[1]}
    response = client.get(URL, {**near, "km": 10})
    assert titles(response) == ["半公里", "三公里", "阵地五公里", "八公里"]
    distances = [a.distance_km for a in response.context["page_obj"]]
    assert distances == pytest.approx([0.5, 3, 5, 8], abs=0.01)
    assert "0.5 公里" in response.content.decode()
    assert titles(client.get(URL, {**near, "km": 4})) == ["半公里", "三公里"]
    assert titles(client.get(URL, near)) == ["半公里", "三公里", "阵地五公里", "八公里"]  # 10 km by default
    assert len(titles(client.get(URL, {**near, "km": 50}))) == 5


def test_distance_cut_is_exact_not_the_bounding_box(city, client):
    # North-east corner of a 10 km box: inside the box (about 9 km north and 9 km east),
    # but about 12.7 km away.
    lat = PINGHU[0] + 9 / 111.195
    _, lng = point_east(9)
    make_activity(organization=city.org_a, title="角落", lat=f"{lat:.6f}", lng=lng)

    assert titles(client.get(URL, {"lat": PINGHU[0], "lng": PINGHU[1], "km": 10})) == []
    assert titles(client.get(URL, {"lat": PINGHU[0], "lng": PINGHU[1], "km": 13})) == ["角落"]


@pytest.mark.parametrize(
    "params,field,message",
    [
        ({"lat": "abc", "lng": "121"}, "lat", "请输入 -90 到 90 之间的数字。"),
        ({"lat": "30.7"}, "lng", "请同时填写纬度和经度。"),
        ({"km": "5"}, "km", "按距离筛选需要一个位置"),
        ({"date_from": "2026-13-01"}, "date_from", "请输入日期，例如 2026-05-01。"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to", "截止日期早于起始日期。"),
        ({"region": "999999"}, "region", "没有代码为 999999 的区域。"),
        ({"category": "nope"}, "category", "没有服务类别 nope。"),
        ({"lat": "30.7", "lng": "121", "km": "1000"}, "km", "请输入 0.1 到 200 之间的数字。"),
        ({"lat": "nan", "lng": "121"}, "lat", "请输入 -90 到 90 之间的数字。"),
    ],
)
def test_bad_filters_answer_422_with_a_message(city, client, params, field, message):
    make_activity(organization=city.org_a)

    response = client.get(URL, params)

    assert response.status_code == 422
    assert field in response.context["errors"]
    assert message in response.content.decode()
    assert titles(response) == []


def test_card_shows_places_left_across_shifts(city, client):
    activity = make_activity(organization=city.org_a, title="义剪")
    shift_of(activity=activity, capacity=5)
    second = shift_of(activity=activity, capacity=3)
    enrol(second, city.users["volunteer"].volunteer)
    full, shift = activity_with_shift(
        organization=city.org_a, title="满员", shift_capacity=1, shift_waitlist_size=2
    )
    enrol(shift, city.users["volunteer_b"].volunteer)

    page = client.get(URL).content.decode()

    assert "剩余 7 个名额" in page
    assert "候补名额 2 个" in page


def test_pages_keep_the_filters(city, client):
    for i in range(25):
        make_activity(
            organization=city.org_a,
            title=f"活动{i:02d}",
            category=category("culture", "文化"),
        )

    response = client.get(URL, {"category": "culture", "page": 2})

    assert len(titles(response)) == 5
    assert "category=culture&amp;page=1" in response.content.decode()


def _many(city, n: int, start: int = 0):
    lat, lng = point_east(1)
    for i in range(start, start + n):
        org = city.org_a if i % 2 else OrganizationFactory(region=RegionFactory(parent=city.city))
        a = make_activity(
            organization=org,
            title=f"批量{i}",
            lat=lat,
            lng=lng,
            category=category(f"c{i % 3}", f"类{i % 3}"),
        )
        shift_of(activity=a)
        shift_of(activity=a, capacity=2)


@pytest.mark.parametrize("role", ["anonymous", "volunteer"])
@pytest.mark.parametrize(
    "params", [{}, {"lat": PINGHU[0], "lng": PINGHU[1], "km": 5}, {"q": "批量", "region": "330482"}]
)
def test_query_count_does_not_grow_with_rows(city, assert_queries_constant, role, params):
    _many(city, 3)
    client = login_client(city.users[role])

    # 13: one query lists the located sites offered as the distance search's centre; 14 signed in:
    # the navigation reads the user's partner roles (benefits.permissions.partner_roles, one query).
    bound = 13 if role == "anonymous" else 14
    assert assert_queries_constant(lambda: client.get(URL, params), lambda: _many(city, 30, start=3)) <= bound
