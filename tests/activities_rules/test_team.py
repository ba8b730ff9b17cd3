"""Team sign-up: a leader or admin signs up several members at once, all or none."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment
from huiguang.activities.services.enrollments import EnrollmentRefused, team_signup
from huiguang.notifications.models import Notification

from ..conftest import login_client
from ..factories import bearer, enrol, member
from .conftest import make_shift


def _page(user, shift, **params):
    return login_client(user).get(reverse("activities:team_signup", args=[shift.pk]), params)


def _post(user, shift, ids, **data):
    client = login_client(user)
    url = reverse("activities:team_signup", args=[shift.pk])
    return client, client.post(url, {"ids": ids, **data})


def test_a_leader_signs_up_three_members_who_are_confirmed_and_told(city):
    shift = make_shift(
        organization=city.org_a, capacity=5, activity_fields={"signup_mode": Activity.SignupMode.APPROVAL}
    )
    team = [member(city.org_a), member(city.org_a1), member(city.org_a)]  # a sub-team's member too
    client, response = _post(city.users["leader"], shift, [v.pk for v in team])
    assert response.status_code == 302
    assert "已为3名志愿者报名。" in client.get(response["Location"]).content.decode()
    rows = Enrollment.objects.filter(shift=shift)
    assert {(e.status, e.signed_up_by_id, e.decided_by_id) for e in rows} == {
        ("confirmed", city.users["leader"].pk, city.users["leader"].pk)
    }
    shift.refresh_from_db()
    assert shift.taken == 3
    notes = Notification.objects.filter(kind="enrollment_team")
    assert notes.count() == 3
    assert all(n.title == f"已为您报名：{shift.activity.title}" for n in notes)


def test_one_member_who_cannot_go_stops_the_whole_team(city):
    start = timezone.now() + dt.timedelta(days=3)
    shift = make_shift(organization=city.org_a, starts_at=start)
    busy = member(city.org_a, real_name="忙碌的队员")
    enrol(make_shift(organization=city.org_a, starts_at=start), busy)
    free = member(city.org_a, real_name="空闲的队员")
    _client, response = _post(city.users["org_admin"], shift, [busy.pk, free.pk])
    assert response.status_code == 409
    body = response.content.decode()
    assert "未报名任何人：所选志愿者中有人不能参加该岗位。" in body
    assert "<strong>忙碌的队员</strong>：同一时间已报名其他岗位" in body
    assert not Enrollment.objects.filter(shift=shift).exists()
    shift.refresh_from_db()
    assert shift.taken == 0


def test_not_enough_places_for_the_team_signs_up_nobody(city):
    shift = make_shift(organization=city.org_a, capacity=2, waitlist_size=5)
    team = [member(city.org_a) for _ in range(3)]
    with pytest.raises(EnrollmentRefused) as exc:
        team_signup(actor=city.users["leader"], shift=shift, volunteers=team)
    assert exc.value.reason == "FULL"
    assert str(exc.value.message) == "只剩2个名额，少于您选择的3名志愿者。"
    assert not Enrollment.objects.filter(shift=shift).exists()


def test_the_agreement_must_be_confirmed_for_the_team(city):
    fields = {"agreement_required": True, "agreement_text": "安全协议"}
    shift = make_shift(organization=city.org_a, activity_fields=fields)
    team = [member(city.org_a) for _ in range(2)]
    _client, response = _post(city.users["leader"], shift, [v.pk for v in team])
    assert response.status_code == 409
    assert "报名该活动需先阅读并同意书面协议。" in response.content.decode()
    _client, response = _post(city.users["leader"], shift, [v.pk for v in team], agreement_accepted="1")
    assert response.status_code == 302
    assert all(e.agreement_text_sha256 for e in Enrollment.objects.filter(shift=shift))


def test_volunteers_outside_the_team_are_refused_without_saying_who_they_are(city):
    shift = make_shift(organization=city.org_a)
    outsider = member(city.org_b, real_name="外队队员")
    _client, response = _post(city.users["leader"], shift, [outsider.pk, member(city.org_a).pk])
    assert response.status_code == 422
    body = response.content.decode()
    assert f"以下编号不是主办队伍的在册成员：{outsider.pk}。" in body and "外队队员" not in body
    assert not Enrollment.objects.filter(shift=shift).exists()


def test_choosing_nobody_is_a_clear_422(city):
    shift = make_shift(organization=city.org_a)
    _client, response = _post(city.users["leader"], shift, [])
    assert response.status_code == 422
    assert "请至少选择一名志愿者。" in response.content.decode()


@pytest.mark.parametrize("role", ["volunteer", "volunteer_b", "outsider", "auditor"])
def test_the_team_page_does_not_exist_outside_the_organizers_scope(city, role):
    shift = make_shift(organization=city.org_a)
    assert _page(city.users[role], shift).status_code == 404
    _client, response = _post(city.users[role], shift, [member(city.org_a).pk])
    assert response.status_code == 404
    assert not Enrollment.objects.exists()


def test_the_team_page_shows_who_can_go_and_why_not(city):
    shift = make_shift(organization=city.org_a, activity_fields={"min_age": 50})
    page = _page(city.users["leader"], shift).content.decode()
    assert "团队报名" in page and "低于最低年龄" in page


def test_the_team_page_costs_the_same_queries_for_many_members(city, django_assert_max_num_queries):
    shift = make_shift(organization=city.org_a)
    for _ in range(3):
        member(city.org_a)
    client = login_client(city.users["org_admin"])
    url = reverse("activities:team_signup", args=[shift.pk])
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for _ in range(25):
        enrol(
            make_shift(organization=city.org_a, starts_at=shift.starts_at + dt.timedelta(days=1)),
            member(city.org_a1),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('class="form-check-input js-member-id"') == 30  # 28 members + 张小明 + 李队长


def test_the_api_signs_up_a_team_or_lists_who_cannot_go(city):
    shift = make_shift(organization=city.org_a, activity_fields={"min_age": 40})
    young = member(city.org_a, real_name="年轻队员")
    young.birth_date = dt.date(2010, 1, 1)
    young.save()
    old = member(city.org_a)
    client = bearer(city.users["leader"])
    url = f"/api/v1/shifts/{shift.pk}/team-enrollments"
    response = client.post(
        url, json.dumps({"volunteer_ids": [young.pk, old.pk]}), content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["reason"] == "TEAM_REFUSED"
    assert body["failures"] == [
        {
            "volunteer_id": young.pk,
            "name": "年轻队员",
            "reason": "UNDER_AGE",
            "detail": "该活动要求服务当天年满40周岁。",
        }
    ]
    response = client.post(url, json.dumps({"volunteer_ids": [old.pk]}), content_type="application/json")
    assert response.status_code == 201
    assert response.json() == [
        {"id": Enrollment.objects.get(shift=shift).pk, "status": "confirmed", "volunteer_id": old.pk}
    ]
