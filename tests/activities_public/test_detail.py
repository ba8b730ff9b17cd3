"""The activity page: who may see it, what a volunteer sees on each shift, the share QR."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Activity, ActivityPhoto, Enrollment
from huiguang.volunteers.models import Skill

from ..conftest import login_client
from ..factories import MembershipFactory, UserFactory, VolunteerFactory, enrol, make_activity
from .conftest import activity_with_shift, shift_of


def url(activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


def shift_block(html: str, shift) -> str:
    """The HTML of one shift's row on the page."""
    match = re.search(rf'<li class="list-group-item[^"]*" id="shift-{shift.pk}">(.*?)</li>', html, re.S)
    assert match, f"shift {shift.pk} not on the page"
    return match.group(1)


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "cancelled"])
def test_unpublished_activity_answers_404(city, status):
    activity = make_activity(organization=city.org_a, status=status)
    for role in ("anonymous", "volunteer", "org_admin", "city_admin"):
        assert login_client(city.users[role]).get(url(activity)).status_code == 404
        assert (
            login_client(city.users[role]).get(reverse("activities:share_qr", args=[activity.pk])).status_code
            == 404
        )
        assert (
            login_client(city.users[role]).get(reverse("activities:ics", args=[activity.pk])).status_code
            == 404
        )


def test_cancelled_activity_is_shown_to_a_volunteer_who_had_signed_up(city, volunteer):
    activity, shift = activity_with_shift(
        organization=city.org_a, status=Activity.Status.CANCELLED, status_reason="因台风取消"
    )
    enrol(shift, volunteer, Enrollment.Status.CANCELLED)

    page = login_client(city.users["volunteer"]).get(url(activity))

    assert page.status_code == 200
    assert "该活动已取消。" in page.content.decode() and "因台风取消" in page.content.decode()
    assert login_client(city.users["volunteer_b"]).get(url(activity)).status_code == 404


def test_finished_activity_shows_its_outcome_and_no_sign_up(city, client):
    start = timezone.now() - dt.timedelta(days=2)
    activity, _ = activity_with_shift(
        organization=city.org_a,
        status=Activity.Status.FINISHED,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        people_served=120,
        outcome_summary="为120位老人测量血压。",
        outputs=[{"name": "爱心包", "count": 200}, "garbage"],
    )

    html = client.get(url(activity)).content.decode()

    assert "本活动已结束。" in html
    assert "服务 120 人次" in html and "为120位老人测量血压。" in html and "爱心包: 200" in html
    assert "登录后报名" not in html


def test_members_visible_activity_is_404_for_others(city):
    activity = make_activity(organization=city.org_a, visibility=Activity.Visibility.MEMBERS)

    assert login_client(None).get(url(activity)).status_code == 404
    assert login_client(city.users["volunteer_b"]).get(url(activity)).status_code == 404
    member = login_client(city.users["volunteer"]).get(url(activity))
    assert member.status_code == 200
    assert "仅成员可见" in member.content.decode()


def test_page_shows_what_a_volunteer_needs(city, client):
    skill = Skill.objects.create(code="first_aid", name="急救")
    activity = make_activity(
        organization=city.org_a,
        title="金平湖·志愿服务日",
        description="测量血压、义剪、磨刀。",
        address="当湖街道东湖社区文化礼堂",
        lat="30.701234",
        lng="121.015678",
        min_age=18,
        max_age=65,
        members_only=True,
        political_status="league",
        insurance_required=True,
        insurance_note="由组织方统一购买",
        agreement_required=True,
        agreement_text="本人自愿参加，遵守活动安排。",
    )
    activity.required_skills.add(skill)
    shift_of(activity=activity, name="血压测量", capacity=4, waitlist_size=2)
    ActivityPhoto.objects.create(activity=activity, image="activities/photos/a.jpg", caption="现场")

    html = client.get(url(activity)).content.decode()

    for text in (
        "金平湖·志愿服务日",
        "测量血压、义剪、磨刀。",
        "当湖街道东湖社区文化礼堂",
        "geo:30.701234,121.015678",
        "当湖街道志愿服务队",
        "活动当天年龄在 18 至 65 周岁之间。",
        "需要技能：急救。",
        "仅限当湖街道志愿服务队（及其下属队伍）的成员报名。",
        "共青团员",
        "需要购买保险。 由组织方统一购买",
        "本人自愿参加，遵守活动安排。",
        "血压测量",
        "剩余 4 个名额",
        "候补：0 / 2",
        "现场",
        reverse("activities:share_qr", args=[activity.pk]),
        reverse("activities:ics", args=[activity.pk]),
        "登录后报名",
        f"{reverse('accounts:login')}?next=/activities/{activity.pk}/",
    ):
        assert text in html, text
    assert 'style="' not in html and "<script>" not in html  # CSP: no inline style or script


def test_volunteer_sees_the_sign_up_form_with_the_agreement(city, volunteer):
    activity = make_activity(organization=city.org_a, agreement_required=True, agreement_text="协议全文")
    open_shift = shift_of(activity=activity, capacity=2)
    full = shift_of(
        activity=activity,
        capacity=1,
        waitlist_size=3,
        starts_at=activity.starts_at + dt.timedelta(hours=5),
        ends_at=activity.starts_at + dt.timedelta(hours=7),
    )
    enrol(full, city.users["volunteer_b"].volunteer)

    html = login_client(city.users["volunteer"]).get(url(activity)).content.decode()

    block = shift_block(html, open_shift)
    assert f'action="{reverse("activities:enroll", args=[open_shift.pk])}"' in block
    assert 'name="agreement_accepted"' in block and "required" in block
    assert ">报名<" in block
    waitlist = shift_block(html, full)
    assert ">加入候补<" in waitlist


def test_sign_up_from_the_page_then_see_the_status_and_cancel(city, volunteer):
    activity, shift = activity_with_shift(
        organization=city.org_a, agreement_required=True, agreement_text="协议"
    )
    client = login_client(city.users["volunteer"])

    response = client.post(
        reverse("activities:enroll", args=[shift.pk]), {"agreement_accepted": "1", "next": url(activity)}
    )
    assert response.status_code == 302 and response["Location"] == url(activity)

    block = shift_block(client.get(url(activity)).content.decode(), shift)
    enrollment = Enrollment.objects.get(volunteer=volunteer, shift=shift)
    assert enrollment.status == "confirmed"
    assert "已确认" in block
    assert f'action="{reverse("activities:enrollment_cancel", args=[enrollment.pk])}"' in block
    assert "取消报名" in block


def test_waitlisted_volunteer_sees_the_queue_position_and_can_leave(city, volunteer):
    activity, shift = activity_with_shift(organization=city.org_a, shift_capacity=1, shift_waitlist_size=5)
    enrol(shift, city.users["leader"].volunteer)
    enrol(shift, city.users["volunteer_b"].volunteer, Enrollment.Status.WAITLISTED)
    mine = enrol(shift, volunteer, Enrollment.Status.WAITLISTED)

    block = shift_block(login_client(city.users["volunteer"]).get(url(activity)).content.decode(), shift)

    assert mine.get_status_display() in block
    assert "候补第 2 位" in block
    assert "退出候补" in block


def _other_shift_same_time(activity, volunteer):
    other, other_shift = activity_with_shift(
        organization=activity.organization,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        title="同时段的另一个活动",
    )
    enrol(other_shift, volunteer)


@pytest.mark.parametrize(
    "setup,message",
    [
        (lambda a, s, v: setattr_save(s, capacity=1, taken=1), "该岗位名额已满，候补名额也已满。"),
        (lambda a, s, v: _other_shift_same_time(a, v), "该岗位与您已报名的“同时段的另一个活动"),
        (lambda a, s, v: setattr_save(a, min_age=70), "该活动要求服务当天年满70周岁。"),
        (
            lambda a, s, v: setattr_save(
                a, members_only=True, organization=a.organization.__class__.objects.get(code="TB")
            ),
            "该活动仅限主办队伍的成员报名，请先申请加入该队伍。",
        ),
        (
            lambda a, s, v: setattr_save(a, recruit_opens_at=timezone.now() + dt.timedelta(days=1)),
            "报名尚未开始，将于",
        ),
    ],
    ids=["full", "overlaps", "under_age", "not_member", "not_open"],
)
def test_volunteer_sees_why_they_cannot_sign_up(city, volunteer, setup, message):
    activity, shift = activity_with_shift(organization=city.org_a)
    setup(activity, shift, volunteer)

    block = shift_block(login_client(city.users["volunteer"]).get(url(activity)).content.decode(), shift)

    assert message in block
    assert reverse("activities:enroll", args=[shift.pk]) not in block


def setattr_save(obj, **fields):
    for k, v in fields.items():
        setattr(obj, k, v)
    obj.save()


def test_user_without_volunteer_profile_is_asked_to_register(city):
    activity, shift = activity_with_shift(organization=city.org_a)

    block = shift_block(login_client(city.users["org_admin"]).get(url(activity)).content.decode(), shift)

    assert "注册成为志愿者后报名" in block


def test_page_queries_do_not_grow_with_shifts(city, volunteer, assert_queries_constant):
    activity, _ = activity_with_shift(organization=city.org_a)
    client = login_client(city.users["volunteer"])

    def grow():
        for i in range(20):
            shift = shift_of(
                activity=activity,
                starts_at=activity.starts_at + dt.timedelta(hours=i),
                ends_at=activity.starts_at + dt.timedelta(hours=i + 1),
            )
            if i % 3 == 0:
                enrol(shift, volunteer if i % 2 else VolunteerFactory(user=UserFactory()))

    assert_queries_constant(lambda: client.get(url(activity)), grow)


def test_share_qr_is_an_svg(city, client):
    activity = make_activity(organization=city.org_a)

    response = client.get(reverse("activities:share_qr", args=[activity.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert "<svg" in body and "</svg>" in body and "<path" in body
    # A member-only activity's QR is as private as its page.
    private = make_activity(organization=city.org_a, visibility=Activity.Visibility.MEMBERS)
    assert client.get(reverse("activities:share_qr", args=[private.pk])).status_code == 404


def test_share_qr_encodes_the_site_address_of_the_page(city, client, settings):
    import segno

    settings.HUIGUANG_SITE_URL = "https://zyz.pinghu.gov.cn"
    activity = make_activity(organization=city.org_a)
    expected = segno.make(f"https://zyz.pinghu.gov.cn/activities/{activity.pk}/", error="m")

    body = client.get(reverse("activities:share_qr", args=[activity.pk])).content.decode()

    assert f'width="{(expected.symbol_size(scale=8, border=2))[0]}"' in body
    import io

    buf = io.BytesIO()
    expected.save(buf, kind="svg", scale=8, border=2, dark="#111", title=activity.title)
    assert body == buf.getvalue().decode()


def test_member_of_a_sub_team_sees_members_only_activity_of_the_parent(city):
    sub = VolunteerFactory(user=UserFactory(phone="13900000077"))
    MembershipFactory(volunteer=sub, organization=city.org_a1)
    activity = make_activity(organization=city.org_a, visibility=Activity.Visibility.MEMBERS)

    assert login_client(sub.user).get(url(activity)).status_code == 200
