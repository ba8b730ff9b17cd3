"""Every refusal reason: what the volunteer reads, on the web page and in the API (with the reason
code), and that nothing was written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Shift
from huiguang.activities.rules.decide import enrollment_check
from huiguang.activities.rules.reasons import Reason
from huiguang.network.models import Membership
from huiguang.volunteers.models import Skill, Volunteer

from ..conftest import login_client
from ..factories import VolunteerFactory, bearer, enrol, make_activity, member
from .conftest import make_shift


def _full(city, volunteer):
    shift = make_shift(organization=city.org_a, capacity=1, waitlist_size=0)
    enrol(shift, member(city.org_a))
    return shift, volunteer


def _overlaps(city, volunteer):
    start = timezone.localtime(timezone.now() + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0)
    other = make_shift(
        organization=city.org_a, name="量血压", starts_at=start, activity_fields={"title": "社区义诊"}
    )
    enrol(other, volunteer)
    shift = make_shift(organization=city.org_a, starts_at=start + dt.timedelta(hours=3))  # one hour together
    return shift, volunteer


def _not_open(city, volunteer):
    opens = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(
        hour=8, minute=30, second=0, microsecond=0
    )
    return make_shift(organization=city.org_a, activity_fields={"recruit_opens_at": opens}), volunteer


def _closed(city, volunteer):
    closes = timezone.localtime(timezone.now() - dt.timedelta(days=1)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return make_shift(organization=city.org_a, activity_fields={"recruit_closes_at": closes}), volunteer


def _started(city, volunteer):
    activity = make_activity(city.org_a, starts_at=timezone.now() - dt.timedelta(hours=1))
    return make_shift(activity), volunteer


def _under_age(city, volunteer):
    return make_shift(organization=city.org_a, activity_fields={"min_age": 60}), volunteer


def _over_age(city, volunteer):
    return make_shift(organization=city.org_a, activity_fields={"max_age": 30}), volunteer


def _missing_skill(city, volunteer):
    shift = make_shift(organization=city.org_a)
    shift.activity.required_skills.add(Skill.objects.create(code="haircut", name="理发"))
    return shift, volunteer


def _not_member(city, volunteer):
    return make_shift(organization=city.org_b, activity_fields={"members_only": True}), volunteer


def _political_status(city, volunteer):
    return make_shift(organization=city.org_a, activity_fields={"political_status": "party"}), volunteer


def _blocked(city, volunteer):
    for days in (10, 40, 80):
        past = make_activity(city.org_a, starts_at=timezone.now() - dt.timedelta(days=days))
        enrol(make_shift(past), volunteer, status=Enrollment.Status.NO_SHOW)
    return make_shift(organization=city.org_a), volunteer


def _already(city, volunteer):
    shift = make_shift(organization=city.org_a)
    enrol(shift, volunteer, status=Enrollment.Status.WAITLISTED)
    return shift, volunteer


def _cancelled(city, volunteer):
    return make_shift(
        organization=city.org_a, activity_fields={"status": Activity.Status.CANCELLED}
    ), volunteer


def _finished(city, volunteer):
    return make_shift(
        organization=city.org_a, activity_fields={"status": Activity.Status.FINISHED}
    ), volunteer


def _agreement(city, volunteer):
    fields = {"agreement_required": True, "agreement_text": "本人自愿参加，服从安排，注意安全。"}
    return make_shift(organization=city.org_a, activity_fields=fields), volunteer


def _suspended(city, volunteer):
    Volunteer.objects.filter(pk=volunteer.pk).update(status=Volunteer.Status.SUSPENDED)
    return make_shift(organization=city.org_a), volunteer


def _awaiting_guardian(city, volunteer):
    child = VolunteerFactory(guardian=volunteer, status=Volunteer.Status.AWAITING_GUARDIAN)
    return make_shift(organization=city.org_a), child


# (scene, reason code, HTTP status, the Chinese message, or its start when it names a time)
CASES = [
    (_full, "FULL", 409, "该岗位名额已满，候补名额也已满。"),
    (_overlaps, "OVERLAPS", 409, "该岗位与您已报名的“社区义诊 · 量血压”（"),
    (_not_open, "NOT_OPEN", 409, "报名尚未开始，将于"),
    (_closed, "CLOSED", 409, "报名已于"),
    (_started, "STARTED", 409, "该岗位已经开始，不能再报名。"),
    (_under_age, "UNDER_AGE", 409, "该活动要求服务当天年满60周岁。"),
    (_over_age, "OVER_AGE", 409, "该活动要求服务当天年龄不超过30周岁。"),
    (_missing_skill, "MISSING_SKILL", 409, "该活动需要以下技能，您的资料中还没有：理发。"),
    (_not_member, "NOT_MEMBER", 409, "该活动仅限主办队伍的成员报名，请先申请加入该队伍。"),
    (_political_status, "POLITICAL_STATUS", 409, "该活动仅限政治面貌为“中共党员”的志愿者报名。"),
    (_blocked, "BLOCKED_NO_SHOWS", 409, "您近90天内有3次报名后未到岗，暂时不能报名。"),
    (_already, "ALREADY_ENROLLED", 409, "您已经报名了该岗位。"),
    (_cancelled, "NOT_PUBLISHED", 409, "该活动已取消。"),
    (_finished, "NOT_PUBLISHED", 409, "该活动未在招募中，不能报名。"),
    (_agreement, "AGREEMENT_REQUIRED", 422, "报名该活动需先阅读并同意书面协议。"),
    (_suspended, "VOLUNTEER_INACTIVE", 409, "您的志愿者账号未处于正常状态，不能报名。"),
    (_awaiting_guardian, "VOLUNTEER_INACTIVE", 409, "您的监护人尚未同意：监护人同意后才能报名。"),
]
IDS = [c[0].__name__.strip("_") for c in CASES]

# The full sentences of the messages above that name a time, checked in the service test.
TIMED = {
    "OVERLAPS": "该岗位与您已报名的“社区义诊 · 量血压”（{when}）时间冲突。",
    "NOT_OPEN": "报名尚未开始，将于{when}开放。",
    "CLOSED": "报名已于{when}截止。",
}


def _state(shift: Shift):
    shift.refresh_from_db()
    return Enrollment.objects.count(), shift.taken, shift.waitlisted


@pytest.mark.parametrize("scene,reason,status,message", CASES, ids=IDS)
def test_web_shows_the_refusal_in_chinese(city, volunteer, scene, reason, status, message):
    shift, who = scene(city, volunteer)
    before = _state(shift)
    response = login_client(who.user).post(reverse("activities:enroll", args=[shift.pk]))
    assert response.status_code == status
    body = response.content.decode()
    assert message in body
    assert f'data-reason="{reason}"' in body
    assert "暂时不能报名该岗位" in body
    assert _state(shift) == before


@pytest.mark.parametrize("scene,reason,status,message", CASES, ids=IDS)
def test_api_answers_the_reason_code_and_the_chinese_detail(city, volunteer, scene, reason, status, message):
    shift, who = scene(city, volunteer)
    before = _state(shift)
    response = bearer(who.user).post(
        f"/api/v1/shifts/{shift.pk}/enrollments", json.dumps({}), content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["reason"] == reason
    assert response.json()["detail"].startswith(message)
    assert _state(shift) == before


@pytest.mark.parametrize("reason", ["OVERLAPS", "NOT_OPEN", "CLOSED"])
def test_messages_that_name_a_time_say_it_in_local_time(city, volunteer, reason):
    scene = {"OVERLAPS": _overlaps, "NOT_OPEN": _not_open, "CLOSED": _closed}[reason]
    shift, who = scene(city, volunteer)
    decision = enrollment_check(who, Shift.objects.select_related("activity").get(pk=shift.pk))
    activity = shift.activity
    when = {
        "OVERLAPS": lambda: Enrollment.objects.get(volunteer=who).shift.starts_at,
        "NOT_OPEN": lambda: activity.recruit_opens_at,
        "CLOSED": lambda: activity.recruit_closes_at,
    }[reason]()
    text = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
    assert decision.reason == reason
    assert decision.message == TIMED[reason].format(when=text)


def test_every_reason_code_has_a_chinese_label():
    from django.utils import translation

    with translation.override("zh-hans"):
        for reason in Reason:
            label = str(reason.label)
            assert label and not label.isascii(), reason


def test_an_account_without_a_volunteer_profile_is_asked_to_register(city):
    shift = make_shift(organization=city.org_a)
    response = login_client(city.users["org_admin"]).post(reverse("activities:enroll", args=[shift.pk]))
    assert response.status_code == 409
    assert "请先注册成为志愿者，再报名活动。" in response.content.decode()
    api = bearer(city.users["org_admin"]).post(
        f"/api/v1/shifts/{shift.pk}/enrollments", "{}", content_type="application/json"
    )
    assert (api.status_code, api.json()["reason"]) == (409, "NOT_VOLUNTEER")
    assert api.json()["detail"] == "请先注册成为志愿者，再报名活动。"


@pytest.mark.parametrize("status", [Activity.Status.DRAFT, Activity.Status.PENDING, Activity.Status.REJECTED])
def test_a_shift_of_an_unpublished_activity_does_not_exist_for_volunteers(city, volunteer, status):
    shift = make_shift(organization=city.org_a, activity_fields={"status": status})
    assert login_client(volunteer.user).post(reverse("activities:enroll", args=[shift.pk])).status_code == 404
    api = bearer(volunteer.user).post(
        f"/api/v1/shifts/{shift.pk}/enrollments", "{}", content_type="application/json"
    )
    assert api.status_code == 404
    assert Enrollment.objects.count() == 0


def test_anonymous_visitors_log_in_first(city):
    shift = make_shift(organization=city.org_a)
    response = login_client(None).post(reverse("activities:enroll", args=[shift.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api = login_client(None).post(
        f"/api/v1/shifts/{shift.pk}/enrollments", "{}", content_type="application/json"
    )
    assert api.status_code == 401


def test_a_member_of_org_a_is_no_member_of_org_b(city, volunteer):
    """The members-only rule reads memberships: an application (not yet active) is not enough."""
    shift = make_shift(organization=city.org_b, activity_fields={"visibility": Activity.Visibility.MEMBERS})
    Membership.objects.create(volunteer=volunteer, organization=city.org_b, status=Membership.Status.APPLIED)
    decision = enrollment_check(volunteer, Shift.objects.select_related("activity").get(pk=shift.pk))
    assert decision.reason == "NOT_MEMBER"
