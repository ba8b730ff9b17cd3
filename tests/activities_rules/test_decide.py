"""Approval mode: organizers approve or reject applications in bulk; who may decide."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.translation import ngettext

from huiguang.activities.models import Activity, Enrollment
from huiguang.activities.services.enrollments import enrollment_create, enrollment_decide
from huiguang.notifications.models import Notification

from ..conftest import login_client
from ..factories import bearer, member
from .conftest import make_shift

APPROVAL = {"signup_mode": Activity.SignupMode.APPROVAL}


@pytest.fixture
def applications(city):
    """A shift with 2 places and 1 waitlist place, and 4 applications (oldest first)."""
    shift = make_shift(organization=city.org_a, capacity=2, waitlist_size=1, activity_fields=APPROVAL)
    applied = []
    for i in range(4):
        v = member(city.org_a, real_name=f"申请人{i}")
        applied.append(enrollment_create(volunteer=v, shift=shift, actor=v.user))
    assert {e.status for e in applied} == {"applied"}
    return shift, applied


def _decide(user, shift, **data):
    client = login_client(user)
    url = reverse("activities:enrollment_decide", args=[shift.pk])
    return client, client.post(url, {"next": "/", **data})


def test_approving_fills_the_places_then_the_waitlist_then_tells_the_rest_it_is_full(city, applications):
    shift, applied = applications
    client, response = _decide(city.users["org_admin"], shift, action="approve", ids=[e.pk for e in applied])
    assert response.status_code == 302 and response["Location"] == "/"
    statuses = [Enrollment.objects.get(pk=e.pk).status for e in applied]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "rejected"]
    shift.refresh_from_db()
    assert (shift.taken, shift.waitlisted) == (2, 1)
    page = client.get("/").content.decode()
    approved = ngettext("%(n)d sign-up approved.", "%(n)d sign-ups approved.", 2) % {"n": 2}
    assert approved in page and not approved.isascii()
    assert "1条报名已通过并进入候补：名额已满。" in page
    assert "1条报名无法通过：岗位名额和候补名额均已满，已通知志愿者。" in page
    titles = dict(Notification.objects.values_list("user__volunteer__real_name", "title"))
    activity = shift.activity.title
    assert titles == {
        "申请人0": f"报名已通过：{activity}",
        "申请人1": f"报名已通过：{activity}",
        "申请人2": f"您已进入候补：{activity}",
        "申请人3": f"报名未通过：{activity}",
    }
    full = Notification.objects.get(user__volunteer__real_name="申请人3")
    assert "该岗位名额已满，候补名额也已满。" in full.body
    decided = Enrollment.objects.get(pk=applied[0].pk)
    assert decided.decided_by == city.users["org_admin"] and decided.decided_at is not None


def test_rejecting_tells_the_volunteers_the_reason(city, applications):
    shift, applied = applications
    _client, response = _decide(
        city.users["leader"],
        shift,
        action="reject",
        ids=[applied[0].pk, applied[1].pk],
        reason="本次仅限党员",
    )
    assert response.status_code == 302
    assert [Enrollment.objects.get(pk=e.pk).status for e in applied] == [
        "rejected",
        "rejected",
        "applied",
        "applied",
    ]
    note = Notification.objects.get(user=applied[0].volunteer.user)
    assert note.title == f"报名未通过：{shift.activity.title}" and note.body.endswith("本次仅限党员")
    shift.refresh_from_db()
    assert (shift.taken, shift.waitlisted) == (0, 0)


def test_one_application_by_its_own_button(city, applications):
    shift, applied = applications
    _decide(city.users["town_admin"], shift, approve_one=applied[2].pk)
    assert Enrollment.objects.get(pk=applied[2].pk).status == "confirmed"


def test_decided_or_foreign_ids_are_skipped(city, applications):
    shift, applied = applications
    other = make_shift(organization=city.org_a, activity_fields=APPROVAL)
    stranger = member(city.org_a)
    foreign = enrollment_create(volunteer=stranger, shift=other, actor=stranger.user)
    counts = enrollment_decide(
        actor=city.users["org_admin"],
        shift=shift,
        ids=[applied[0].pk, applied[0].pk, foreign.pk],
        approve=True,
    )
    assert counts == {"confirmed": 1, "waitlisted": 0, "rejected": 0, "full": 0, "skipped": 1}
    again = enrollment_decide(actor=city.users["org_admin"], shift=shift, ids=[applied[0].pk], approve=False)
    assert again["skipped"] == 1 and Enrollment.objects.get(pk=applied[0].pk).status == "confirmed"
    assert Enrollment.objects.get(pk=foreign.pk).status == "applied"


def test_deciding_nothing_is_a_clear_422(city, applications):
    shift, _applied = applications
    _client, response = _decide(city.users["org_admin"], shift, action="approve")
    assert response.status_code == 422
    assert "请至少勾选一条报名。" in response.content.decode()


@pytest.mark.parametrize("role", ["volunteer", "volunteer_b", "outsider", "auditor"])
def test_only_organizers_in_scope_decide_others_get_404(city, applications, role):
    shift, applied = applications
    _client, response = _decide(city.users[role], shift, action="approve", ids=[applied[0].pk])
    assert response.status_code == 404
    api = bearer(city.users[role]).post(
        f"/api/v1/shifts/{shift.pk}/decisions",
        json.dumps({"ids": [applied[0].pk], "approve": True}),
        content_type="application/json",
    )
    assert api.status_code == 404
    assert Enrollment.objects.get(pk=applied[0].pk).status == "applied"


def test_a_leader_decides_only_for_their_own_organization(city):
    shift = make_shift(organization=city.org_a1, activity_fields=APPROVAL)  # a sub-team of org A
    v = member(city.org_a1)
    application = enrollment_create(volunteer=v, shift=shift, actor=v.user)
    _client, response = _decide(city.users["leader"], shift, action="approve", ids=[application.pk])
    assert response.status_code == 404
    _client, response = _decide(city.users["org_admin"], shift, action="approve", ids=[application.pk])
    assert response.status_code == 302  # an admin of org A decides for the sub-team below it
    assert Enrollment.objects.get(pk=application.pk).status == "confirmed"


def test_the_api_decides_in_bulk(city, applications):
    shift, applied = applications
    response = bearer(city.users["org_admin"]).post(
        f"/api/v1/shifts/{shift.pk}/decisions",
        json.dumps({"ids": [e.pk for e in applied], "approve": True}),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("confirmed", "waitlisted", "rejected", "full", "skipped")} == {
        "confirmed": 2,
        "waitlisted": 1,
        "rejected": 1,
        "full": 1,
        "skipped": 0,
    }
    assert "1条报名无法通过" in body["detail"]


def test_the_api_explains_bad_ids_in_chinese(city, applications):
    shift, _applied = applications
    response = bearer(city.users["org_admin"]).post(
        f"/api/v1/shifts/{shift.pk}/decisions",
        json.dumps({"ids": ["x"], "approve": True}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["ids"] == ["请提供编号列表。"]


def test_without_next_the_organizer_returns_to_the_roster(city, applications):
    shift, applied = applications
    client = login_client(city.users["org_admin"])
    response = client.post(
        reverse("activities:enrollment_decide", args=[shift.pk]), {"approve_one": applied[0].pk}
    )
    assert response["Location"] == reverse("activities:roster", args=[shift.pk])


def test_volunteers_are_told_in_chinese_whatever_language_the_organizer_uses(city, applications):
    shift, applied = applications
    client = login_client(city.users["org_admin"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(
        reverse("activities:enrollment_decide", args=[shift.pk]),
        {"action": "approve", "ids": [applied[3].pk, applied[0].pk, applied[1].pk, applied[2].pk]},
    )
    notes = Notification.objects.order_by("pk")
    assert [n.title.split("：")[0] for n in notes] == [
        "报名已通过",
        "报名已通过",
        "您已进入候补",
        "报名未通过",
    ]
    assert Enrollment.objects.get(pk=applied[3].pk).reason == "该岗位名额已满，候补名额也已满。"
