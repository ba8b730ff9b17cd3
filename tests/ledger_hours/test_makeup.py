"""Make-up hours (补录): a reason, a second admin's approval, the time limit, never credit hours."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.core.errors import Refused
from huiguang.ledger.models import MakeupRequest, ServiceRecord, VolunteerHours
from huiguang.ledger.services import corrections
from huiguang.notifications.models import Notification

from ..conftest import login_client
from .conftest import make_activity, make_shift


def _form(activity, volunteer, *, start, hours=2, reason="手机没信号，未能签到"):
    fmt = "%Y-%m-%dT%H:%M"
    local = timezone.localtime(start)
    return {
        "volunteer_number": volunteer.volunteer_number,
        "activity": activity.pk,
        "started_at": local.strftime(fmt),
        "ended_at": (local + dt.timedelta(hours=hours)).strftime(fmt),
        "reason": reason,
    }


@pytest.fixture
def recent(city):
    starts = (timezone.now() - dt.timedelta(days=5)).replace(hour=1, minute=0, second=0, microsecond=0)
    activity = make_activity(city.org_a, starts_at=starts)
    make_shift(activity)
    return activity


def test_admin_requests_and_a_second_admin_approves_as_honour_hours(city, scene, recent, as_role):
    volunteer = scene.volunteer
    response = as_role("org_admin").post(
        reverse("ledger:makeup_create"), _form(recent, volunteer, start=recent.starts_at)
    )
    assert response.status_code == 302
    makeup = MakeupRequest.objects.get()
    assert makeup.status == "pending" and makeup.requested_by == city.users["org_admin"]

    # The requester cannot approve: no approve button, and a POST is refused with nothing written.
    page = as_role("org_admin").get(reverse("ledger:makeup_list"))
    assert "此申请须由另一位管理员审批。" in page.content.decode()
    assert reverse("ledger:makeup_decide", args=[makeup.pk]) not in page.content.decode()
    refused = as_role("org_admin").post(
        reverse("ledger:makeup_decide", args=[makeup.pk]), {"decision": "approve"}
    )
    assert refused.status_code == 409
    makeup.refresh_from_db()
    assert makeup.status == "pending" and makeup.record is None
    assert not ServiceRecord.objects.filter(kind="makeup").exists()

    second = login_client(scene.second_admin)
    assert (
        reverse("ledger:makeup_decide", args=[makeup.pk])
        in second.get(reverse("ledger:makeup_list")).content.decode()
    )
    assert (
        second.post(reverse("ledger:makeup_decide", args=[makeup.pk]), {"decision": "approve"}).status_code
        == 302
    )
    makeup.refresh_from_db()
    record = makeup.record
    assert makeup.status == "approved" and makeup.decided_by == scene.second_admin
    assert record.kind == "makeup" and record.source == "makeup"
    assert record.is_credit is False
    assert record.status == "confirmed" and record.chain_index is not None and record.hash
    assert record.minutes == 120 and record.activity_name == recent.title
    hours = VolunteerHours.objects.get(volunteer=volunteer)
    assert (hours.total_minutes, hours.credit_minutes) == (180 + 120, 180)
    assert Notification.objects.filter(user=volunteer.user, kind=corrections.MAKEUP_APPROVED).exists()
    # Approving twice does nothing more.
    assert (
        second.post(reverse("ledger:makeup_decide", args=[makeup.pk]), {"decision": "approve"}).status_code
        == 409
    )
    assert ServiceRecord.objects.filter(kind="makeup").count() == 1


def test_outside_the_time_limit_is_refused(city, scene, settings, as_role):
    settings.HUIGUANG_MAKEUP_LIMIT_DAYS = 30
    volunteer = scene.volunteer
    old_start = (timezone.now() - dt.timedelta(days=31)).replace(hour=1, minute=0, second=0, microsecond=0)
    with pytest.raises(Refused) as exc:
        corrections.makeup_request_create(
            actor=city.users["org_admin"],
            volunteer=volunteer,
            organization=city.org_a,
            started_at=old_start,
            ended_at=old_start + dt.timedelta(hours=2),
            reason="补录",
        )
    assert exc.value.reason == "TOO_LATE"
    in_time = (timezone.now() - dt.timedelta(days=29)).replace(hour=1, minute=0, second=0, microsecond=0)
    makeup = corrections.makeup_request_create(
        actor=city.users["org_admin"],
        volunteer=volunteer,
        organization=city.org_a,
        started_at=in_time,
        ended_at=in_time + dt.timedelta(hours=2),
        reason="补录",
    )
    assert makeup.status == "pending"
    # Through the web: the form answers in Chinese, nothing is written.
    old = make_activity(city.org_a, starts_at=old_start)
    response = as_role("org_admin").post(
        reverse("ledger:makeup_create"), _form(old, volunteer, start=old_start)
    )
    assert response.status_code == 422
    assert MakeupRequest.objects.count() == 1


def test_the_form_offers_the_activities_the_time_limit_still_allows_by_local_day(city, settings, as_role):
    """The form's activity list follows the service's rule (local days, makeup_deadline), at any hour
    of the day: an activity that ended on the limit's first day is offered, one that ended the
    second before it is not (the list once counted 31 × 24 hours back from now, so between
    midnight and 01:00 UTC it offered an activity that the service then refused)."""
    settings.HUIGUANG_MAKEUP_LIMIT_DAYS = 30
    first_day = timezone.localdate() - dt.timedelta(days=30)
    midnight = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
    kept = make_activity(city.org_a, starts_at=midnight - dt.timedelta(hours=2), hours=2)
    gone = make_activity(city.org_a, starts_at=midnight - dt.timedelta(hours=2, seconds=1), hours=2)
    page = as_role("org_admin").get(reverse("ledger:makeup_create")).content.decode()
    assert kept.title in page
    assert gone.title not in page


def test_future_and_non_member_and_bad_times_are_refused(city, scene):
    admin = city.users["org_admin"]
    # Fixed hours of the day: the test must not depend on the time it runs (e.g. near midnight).
    ten = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    future = ten + dt.timedelta(days=1)
    with pytest.raises(Refused) as exc:
        corrections.makeup_request_create(
            actor=admin,
            volunteer=scene.volunteer,
            organization=city.org_a,
            started_at=future,
            ended_at=future + dt.timedelta(hours=1),
            reason="补录",
        )
    assert exc.value.reason == "IN_FUTURE"
    start = ten - dt.timedelta(days=2)
    with pytest.raises(Refused) as exc:
        corrections.makeup_request_create(
            actor=admin,
            volunteer=city.users["volunteer_b"].volunteer,
            organization=city.org_a,
            started_at=start,
            ended_at=start + dt.timedelta(hours=1),
            reason="补录",
        )
    assert exc.value.reason == "NOT_MEMBER"
    from huiguang.core.errors import FieldErrors

    with pytest.raises(FieldErrors):
        corrections.makeup_request_create(
            actor=admin,
            volunteer=scene.volunteer,
            organization=city.org_a,
            started_at=start,
            ended_at=start - dt.timedelta(hours=1),
            reason="",
        )
    assert not MakeupRequest.objects.exists()


def test_leader_requests_but_cannot_approve(city, scene, recent, as_role):
    leader = as_role("leader")
    assert (
        leader.post(
            reverse("ledger:makeup_create"), _form(recent, scene.volunteer, start=recent.starts_at)
        ).status_code
        == 302
    )
    makeup = MakeupRequest.objects.get()
    assert (
        leader.post(reverse("ledger:makeup_decide", args=[makeup.pk]), {"decision": "approve"}).status_code
        == 404
    )
    # The org admin is a second person here: approves.
    assert (
        as_role("org_admin")
        .post(reverse("ledger:makeup_decide", args=[makeup.pk]), {"decision": "approve"})
        .status_code
        == 302
    )
    assert MakeupRequest.objects.get().record.is_credit is False


def test_reject_needs_a_reason_and_tells_the_volunteer(city, scene, recent, as_role):
    as_role("org_admin").post(
        reverse("ledger:makeup_create"), _form(recent, scene.volunteer, start=recent.starts_at)
    )
    makeup = MakeupRequest.objects.get()
    second = login_client(scene.second_admin)
    assert (
        second.post(reverse("ledger:makeup_decide", args=[makeup.pk]), {"decision": "reject"}).status_code
        == 422
    )
    assert (
        second.post(
            reverse("ledger:makeup_decide", args=[makeup.pk]), {"decision": "reject", "note": "当天未参加"}
        ).status_code
        == 302
    )
    makeup.refresh_from_db()
    assert makeup.status == "rejected" and makeup.record is None
    assert Notification.objects.filter(user=scene.volunteer.user, kind=corrections.MAKEUP_REJECTED).exists()


@pytest.mark.parametrize("role", ["outsider", "volunteer", "volunteer_b", "auditor"])
def test_others_cannot_decide(city, scene, recent, as_role, role):
    as_role("org_admin").post(
        reverse("ledger:makeup_create"), _form(recent, scene.volunteer, start=recent.starts_at)
    )
    makeup = MakeupRequest.objects.get()
    assert (
        as_role(role)
        .post(reverse("ledger:makeup_decide", args=[makeup.pk]), {"decision": "approve"})
        .status_code
        == 404
    )
    assert MakeupRequest.objects.get().status == "pending"


def test_outsider_does_not_see_the_request(city, scene, recent, as_role):
    as_role("org_admin").post(
        reverse("ledger:makeup_create"), _form(recent, scene.volunteer, start=recent.starts_at)
    )
    page = as_role("outsider").get(reverse("ledger:makeup_list"))
    assert page.status_code == 200 and scene.volunteer.real_name not in page.content.decode()
    assert as_role("volunteer").get(reverse("ledger:makeup_list")).status_code == 404


def test_makeup_list_query_count_is_constant(city, scene, as_role, assert_queries_constant):
    admin = city.users["org_admin"]
    start = (timezone.now() - dt.timedelta(days=2)).replace(hour=1, minute=0, second=0, microsecond=0)

    def add(n):
        for i in range(n):
            corrections.makeup_request_create(
                actor=admin,
                volunteer=scene.volunteer,
                organization=city.org_a,
                started_at=start + dt.timedelta(hours=i),
                ended_at=start + dt.timedelta(hours=i, minutes=30),
                reason="补录",
            )

    client = login_client(scene.second_admin)
    add(2)
    assert assert_queries_constant(lambda: client.get(reverse("ledger:makeup_list")), lambda: add(10)) <= 12
    assert client.get(reverse("ledger:makeup_list")).content.decode().count("data-makeup=") == 12


def test_api_makeup_request_and_second_approval(city, scene, as_role):
    start = (timezone.now() - dt.timedelta(days=2)).replace(hour=1, minute=0, second=0, microsecond=0)
    body = {
        "volunteer_id": scene.volunteer.pk,
        "organization_id": city.org_a.pk,
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(minutes=90)).isoformat(),
        "reason": "补录",
    }
    created = as_role("org_admin").post("/api/v1/makeup-requests", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    same = as_role("org_admin").post(f"/api/v1/makeup-requests/{pk}/approve")
    assert same.status_code == 409 and same.json()["reason"] == "SAME_PERSON"
    assert as_role("outsider").post(f"/api/v1/makeup-requests/{pk}/approve").status_code == 404
    approved = login_client(scene.second_admin).post(f"/api/v1/makeup-requests/{pk}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    record = ServiceRecord.objects.get(pk=approved.json()["record_id"])
    assert record.is_credit is False and record.minutes == 90
    listed = as_role("org_admin").get("/api/v1/makeup-requests")
    assert listed.status_code == 200 and listed.json()["items"][0]["id"] == pk
    assert as_role("outsider").get("/api/v1/makeup-requests").json()["count"] == 0
    body["volunteer_id"] = city.users["volunteer_b"].volunteer.pk
    assert (
        as_role("org_admin")
        .post("/api/v1/makeup-requests", body, content_type="application/json")
        .status_code
        == 404
    )
