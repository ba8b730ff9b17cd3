"""'Shifts I can take': upcoming shifts the sign-up rules let the volunteer take, in bulk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment
from huiguang.volunteers.models import Skill

from ..conftest import login_client
from ..factories import (
    OrganizationFactory,
    RegionFactory,
    UserFactory,
    VolunteerFactory,
    category,
    enrol,
    make_activity,
)
from .conftest import PINGHU, activity_with_shift, point_east, shift_of

URL = reverse("activities:can_take")


def shifts_on(response) -> list[str]:
    return [f"{o.shift.activity.title}·{o.shift.name}" for o in response.context["page_obj"]]


def test_lists_only_shifts_the_rules_allow(city, volunteer):
    now = timezone.now()
    ok, _ = activity_with_shift(organization=city.org_a, title="可报名", shift_name="A")
    waitlist, shift = activity_with_shift(
        organization=city.org_a,
        title="可候补",
        shift_name="W",
        shift_capacity=1,
        shift_waitlist_size=1,
        starts_at=now + dt.timedelta(days=5),
    )
    enrol(shift, city.users["volunteer_b"].volunteer)
    full, shift = activity_with_shift(
        organization=city.org_a, title="已满", shift_capacity=1, starts_at=now + dt.timedelta(days=6)
    )
    enrol(shift, city.users["volunteer_b"].volunteer)
    taken, shift = activity_with_shift(
        organization=city.org_a, title="已报名", starts_at=now + dt.timedelta(days=7)
    )
    enrol(shift, volunteer)
    activity_with_shift(organization=city.org_a, title="时间冲突", starts_at=now + dt.timedelta(days=7))
    activity_with_shift(
        organization=city.org_a, title="年龄不够", min_age=80, starts_at=now + dt.timedelta(days=8)
    )
    skilled, _ = activity_with_shift(
        organization=city.org_a, title="缺技能", starts_at=now + dt.timedelta(days=8)
    )
    skilled.required_skills.add(Skill.objects.create(code="doctor", name="执业医师"))
    activity_with_shift(
        organization=city.org_b, title="非成员", members_only=True, starts_at=now + dt.timedelta(days=9)
    )
    activity_with_shift(
        organization=city.org_a,
        title="未开放",
        recruit_opens_at=now + dt.timedelta(days=1),
        starts_at=now + dt.timedelta(days=9),
    )
    activity_with_shift(organization=city.org_a, title="草稿", status=Activity.Status.DRAFT)
    activity_with_shift(
        organization=city.org_a,
        title="已开始",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=2),
    )
    activity_with_shift(organization=city.org_b, title="隐藏", visibility=Activity.Visibility.MEMBERS)
    activity_with_shift(
        organization=city.org_a,
        title="队内",
        visibility=Activity.Visibility.MEMBERS,
        starts_at=now + dt.timedelta(days=10),
        shift_name="M",
    )

    response = login_client(city.users["volunteer"]).get(URL)

    assert response.status_code == 200
    assert shifts_on(response) == ["可报名·A", "可候补·W", "队内·M"]
    html = response.content.decode()
    assert "可以报名：还有空余名额。" in html and "名额已满：您可以报名候补。" in html
    assert ">加入候补<" in html


def test_another_volunteer_gets_another_list(city):
    activity_with_shift(organization=city.org_a, title="当湖成员专场", members_only=True, shift_name="A")
    activity_with_shift(organization=city.org_b, title="乍浦成员专场", members_only=True, shift_name="B")

    assert shifts_on(login_client(city.users["volunteer"]).get(URL)) == ["当湖成员专场·A"]
    assert shifts_on(login_client(city.users["volunteer_b"]).get(URL)) == ["乍浦成员专场·B"]


def test_agreement_activities_send_the_volunteer_to_read_it(city):
    activity, shift = activity_with_shift(
        organization=city.org_a, agreement_required=True, agreement_text="协议"
    )

    html = login_client(city.users["volunteer"]).get(URL).content.decode()

    assert "阅读协议并报名" in html
    assert f"{reverse('activities:detail', args=[activity.pk])}#shift-{shift.pk}" in html
    assert reverse("activities:enroll", args=[shift.pk]) not in html


def test_sign_up_from_the_list_returns_to_it(city, volunteer):
    activity, shift = activity_with_shift(organization=city.org_a, shift_name="签到引导")
    client = login_client(city.users["volunteer"])
    html = client.get(URL, {"category": "elderly"}).content.decode()
    assert f'action="{reverse("activities:enroll", args=[shift.pk])}"' in html

    response = client.post(reverse("activities:enroll", args=[shift.pk]), {"next": f"{URL}?category=elderly"})

    assert response["Location"] == f"{URL}?category=elderly"
    assert Enrollment.objects.get(volunteer=volunteer, shift=shift).status == "confirmed"
    assert shifts_on(client.get(URL)) == []


def test_filters_apply(city):
    medical = category("medical", "医疗")
    now = timezone.now()
    activity_with_shift(organization=city.org_a, title="义诊", category=medical, shift_name="医")
    lat, lng = point_east(2)
    activity_with_shift(
        organization=city.org_a,
        title="近处",
        lat=lat,
        lng=lng,
        shift_name="近",
        starts_at=now + dt.timedelta(days=4),
    )
    lat, lng = point_east(20)
    activity_with_shift(
        organization=city.org_b,
        region=city.town_b,
        title="远处",
        lat=lat,
        lng=lng,
        shift_name="远",
        starts_at=now + dt.timedelta(days=12),
    )
    client = login_client(city.users["volunteer"])

    assert shifts_on(client.get(URL, {"category": "medical"})) == ["义诊·医"]
    assert shifts_on(client.get(URL, {"region": "330482103"})) == ["远处·远"]
    assert shifts_on(client.get(URL, {"q": "近"})) == ["近处·近"]
    near = client.get(URL, {"lat": PINGHU[0], "lng": PINGHU[1], "km": 30})
    assert shifts_on(near) == ["近处·近", "远处·远"]
    assert [o.distance_km for o in near.context["page_obj"]] == pytest.approx([2, 20], abs=0.01)
    day = (timezone.localdate() + dt.timedelta(days=12)).isoformat()
    assert shifts_on(client.get(URL, {"date_from": day, "date_to": day})) == ["远处·远"]
    bad = client.get(URL, {"date_from": "yesterday"})
    assert bad.status_code == 422 and "请输入日期，例如 2026-05-01。" in bad.content.decode()


def test_a_user_without_volunteer_profile_is_invited_to_register(city):
    response = login_client(city.users["org_admin"]).get(URL)

    assert response.status_code == 200
    assert "注册成为志愿者后即可报名" in response.content.decode()
    assert login_client(None).get(URL).status_code == 302


def _many(city, n: int, start: int = 0):
    """Shifts of every kind: open, full, members-only elsewhere, needing a skill, in approval mode."""
    skill, _ = Skill.objects.get_or_create(code="cook", name="厨艺")
    base = timezone.now() + dt.timedelta(days=2)
    for i in range(start, start + n):
        org = city.org_a if i % 2 else OrganizationFactory(region=RegionFactory(parent=city.city))
        a = make_activity(
            organization=org,
            title=f"批量{i}",
            starts_at=base + dt.timedelta(hours=6 * i),
            ends_at=base + dt.timedelta(hours=6 * i + 2),
            members_only=i % 5 == 0,
            signup_mode="approval" if i % 7 == 0 else "instant",
            category=category(f"k{i % 3}", f"类{i % 3}"),
        )
        if i % 4 == 0:
            a.required_skills.add(skill)
        shift_of(activity=a, capacity=2)
        shift_of(activity=a, capacity=1, waitlist_size=1)
        if i % 6 == 0:
            enrol(shift_of(activity=a, capacity=1), VolunteerFactory(user=UserFactory()))


@pytest.mark.parametrize("params", [{}, {"lat": PINGHU[0], "lng": PINGHU[1], "km": 50}, {"q": "批量"}])
def test_query_count_does_not_grow_with_shifts(city, volunteer, assert_queries_constant, params):
    enrol(shift_of(activity=make_activity(organization=city.org_a)), volunteer)
    lat, lng = point_east(1)
    _many(city, 3)
    Activity.objects.update(lat=lat, lng=lng)
    client = login_client(city.users["volunteer"])

    def grow():
        _many(city, 30, start=3)
        Activity.objects.update(lat=lat, lng=lng)

    assert_queries_constant(lambda: client.get(URL, params), grow)
