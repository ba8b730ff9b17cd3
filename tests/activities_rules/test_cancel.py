"""Cancelling: the cut-off, leaving the waitlist, promotion of the first waitlisted volunteer (who is
notified), organizers cancelling someone, and cancelling a whole activity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Enrollment, Shift
from huiguang.activities.services.enrollments import (
    EnrollmentRefused,
    enrollment_cancel,
    enrollment_create,
    enrollments_cancel_for_activity,
    waitlist_promote,
)
from huiguang.notifications.models import Notification

from ..conftest import login_client
from ..factories import bearer, enrol, make_activity, member
from .conftest import make_shift


def _cancel(user, enrollment, **data):
    client = login_client(user)
    response = client.post(
        reverse("activities:enrollment_cancel", args=[enrollment.pk]), {"next": "/", **data}
    )
    return client, response


@pytest.fixture
def full_shift(city, volunteer):
    """One place, taken by 张小明; two volunteers on the waitlist, 王 before 李."""
    shift = make_shift(organization=city.org_a, capacity=1, waitlist_size=3)
    mine = enrollment_create(volunteer=volunteer, shift=shift, actor=volunteer.user)
    first = member(city.org_a, real_name="王候补")
    second = member(city.org_a, real_name="李候补")
    w1 = enrollment_create(volunteer=first, shift=shift, actor=first.user)
    w2 = enrollment_create(volunteer=second, shift=shift, actor=second.user)
    assert (mine.status, w1.status, w2.status) == ("confirmed", "waitlisted", "waitlisted")
    return shift, mine, w1, w2


def test_cancelling_a_place_promotes_the_first_waitlisted_volunteer_who_is_notified(
    city, volunteer, full_shift
):
    shift, mine, first, second = full_shift
    client, response = _cancel(volunteer.user, mine)
    assert response.status_code == 302
    assert "您在“" in client.get("/").content.decode()  # "您在“…”（…）的报名已取消。"
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: "cancelled", first.pk: "confirmed", second.pk: "waitlisted"}
    shift.refresh_from_db()
    assert (shift.taken, shift.waitlisted) == (1, 1)
    promoted = Enrollment.objects.get(pk=first.pk)
    assert promoted.promoted_at is not None
    note = Notification.objects.get(user=first.volunteer.user)
    assert note.kind == "enrollment_promoted"
    assert note.title == f"候补成功：{shift.activity.title}"
    assert "您已从候补转为正式报名" in note.body
    assert note.url == reverse("activities:detail", args=[shift.activity_id])
    assert not Notification.objects.filter(user=second.volunteer.user).exists()
    assert not Notification.objects.filter(user=volunteer.user).exists()  # they cancelled themselves


def test_leaving_the_waitlist_frees_a_waitlist_place_and_promotes_nobody(city, full_shift):
    shift, mine, first, second = full_shift
    client, response = _cancel(first.volunteer.user, first)
    assert response.status_code == 302
    assert f"您已退出“{shift.activity.title} · 理发岗”的候补名单。" in client.get("/").content.decode()
    shift.refresh_from_db()
    assert (shift.taken, shift.waitlisted) == (1, 1)
    assert Enrollment.objects.get(pk=second.pk).status == "waitlisted"
    assert Notification.objects.count() == 0


def test_a_place_cannot_be_cancelled_after_the_cut_off(city, volunteer):
    activity = make_activity(
        city.org_a, starts_at=timezone.now() + dt.timedelta(hours=10), cancel_cutoff_hours=12
    )
    enrollment = enrollment_create(volunteer=volunteer, shift=make_shift(activity), actor=volunteer.user)
    _client, response = _cancel(volunteer.user, enrollment)
    assert response.status_code == 409
    body = response.content.decode()
    assert "报名最晚可在岗位开始前12小时取消，现在已过截止时间。如不能参加，请告知组织者。" in body
    assert 'data-reason="CANCEL_TOO_LATE"' in body
    api = bearer(volunteer.user).delete(f"/api/v1/enrollments/{enrollment.pk}")
    assert (api.status_code, api.json()["reason"]) == (409, "CANCEL_TOO_LATE")
    assert api.json()["detail"].startswith("报名最晚可在岗位开始前12小时取消")
    assert Enrollment.objects.get(pk=enrollment.pk).status == "confirmed"


def test_the_waitlist_can_be_left_after_the_cut_off(city, volunteer):
    activity = make_activity(
        city.org_a, starts_at=timezone.now() + dt.timedelta(hours=10), cancel_cutoff_hours=12
    )
    shift = make_shift(activity, capacity=0, waitlist_size=2)
    enrollment = enrollment_create(volunteer=volunteer, shift=shift, actor=volunteer.user)
    assert enrollment.status == "waitlisted"
    enrollment_cancel(enrollment=enrollment, actor=volunteer.user)
    shift.refresh_from_db()
    assert shift.waitlisted == 0


def test_cancelling_twice_is_refused_in_plain_words(city, volunteer, shift):
    enrollment = enrollment_create(volunteer=volunteer, shift=shift, actor=volunteer.user)
    enrollment_cancel(enrollment=enrollment, actor=volunteer.user)
    _client, response = _cancel(volunteer.user, enrollment)
    assert response.status_code == 409
    assert "该报名已取消或已处理。" in response.content.decode()
    api = bearer(volunteer.user).delete(f"/api/v1/enrollments/{enrollment.pk}")
    assert (api.status_code, api.json()["reason"]) == (409, "NOT_ACTIVE")
    shift.refresh_from_db()
    assert shift.taken == 0


def test_an_organizer_cancels_someones_place_and_the_volunteer_is_told(city, volunteer, full_shift):
    shift, mine, first, _second = full_shift
    # After the volunteer's own cut-off: the organizer may still remove them.
    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() + dt.timedelta(hours=2))
    _client, response = _cancel(city.users["leader"], mine, reason="人员已满，请改报下次活动")
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=mine.pk).status == "cancelled"
    note = Notification.objects.get(user=volunteer.user)
    assert note.title == f"您的报名已被取消：{shift.activity.title}"
    assert "人员已满，请改报下次活动" in note.body
    assert Enrollment.objects.get(pk=first.pk).status == "confirmed"


@pytest.mark.parametrize("role", ["volunteer_b", "outsider", "auditor"])
def test_other_peoples_enrollments_do_not_exist_outside_the_organizers_scope(city, full_shift, role):
    _shift, mine, _first, _second = full_shift
    _client, response = _cancel(city.users[role], mine)
    assert response.status_code == 404
    assert bearer(city.users[role]).delete(f"/api/v1/enrollments/{mine.pk}").status_code == 404
    assert Enrollment.objects.get(pk=mine.pk).status == "confirmed"


def test_the_api_cancels_and_promotes(city, volunteer, full_shift):
    shift, mine, first, _second = full_shift
    response = bearer(volunteer.user).delete(f"/api/v1/enrollments/{mine.pk}")
    assert response.status_code == 200
    assert response.json() == {"id": mine.pk, "status": "cancelled", "detail": "报名已取消。"}
    assert Enrollment.objects.get(pk=first.pk).status == "confirmed"
    assert Notification.objects.filter(user=first.volunteer.user, kind="enrollment_promoted").count() == 1


def test_more_places_go_to_the_waitlist_in_order(city, full_shift):
    shift, _mine, first, second = full_shift
    Shift.objects.filter(pk=shift.pk).update(capacity=3)
    promoted = waitlist_promote(shift=shift)
    assert [e.pk for e in promoted] == [first.pk, second.pk]
    assert (shift.taken, shift.waitlisted) == (3, 0)
    assert Notification.objects.filter(kind="enrollment_promoted").count() == 2


def test_a_new_sign_up_does_not_jump_the_waitlist_when_places_were_added(city, full_shift):
    shift, _mine, first, second = full_shift
    Shift.objects.filter(pk=shift.pk).update(capacity=2)
    newcomer = member(city.org_a)
    enrollment = enrollment_create(volunteer=newcomer, shift=shift, actor=newcomer.user)
    assert Enrollment.objects.get(pk=first.pk).status == "confirmed"
    assert enrollment.status == "waitlisted"  # behind 李候补, who is still waiting
    shift.refresh_from_db()
    assert (shift.taken, shift.waitlisted) == (2, 2)


def test_cancelling_an_activity_cancels_every_sign_up_and_tells_each_volunteer_once(
    city, volunteer, full_shift
):
    shift, mine, first, second = full_shift
    other_shift = make_shift(shift.activity, name="引导岗")
    guide = member(city.org_a)
    helper = enrollment_create(volunteer=guide, shift=other_shift, actor=guide.user)
    past = enrol(other_shift, member(city.org_a), status=Enrollment.Status.CANCELLED)
    count = enrollments_cancel_for_activity(
        activity=shift.activity, actor=city.users["org_admin"], reason="台风预警"
    )
    assert count == 4
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"cancelled"}
    assert past.pk and Enrollment.objects.count() == 5
    assert list(Shift.objects.filter(activity=shift.activity).values_list("taken", "waitlisted")) == [
        (0, 0),
        (0, 0),
    ]
    notes = Notification.objects.filter(kind="activity_cancelled")
    assert notes.count() == 4
    assert sorted(n.user_id for n in notes) == sorted(
        e.volunteer.user_id for e in (mine, first, second, helper)
    )
    assert all("台风预警" in n.body and n.title == f"活动已取消：{shift.activity.title}" for n in notes)
    # Run twice (a retried task): nothing more to cancel, nobody told twice.
    assert enrollments_cancel_for_activity(activity=shift.activity, actor=None, reason="台风预警") == 0
    assert Notification.objects.filter(kind="activity_cancelled").count() == 4


def test_cancel_refusal_is_raised_as_a_domain_error(city, volunteer, shift):
    enrollment = enrollment_create(volunteer=volunteer, shift=shift, actor=volunteer.user)
    enrollment_cancel(enrollment=enrollment, actor=volunteer.user)
    with pytest.raises(EnrollmentRefused) as exc:
        enrollment_cancel(enrollment=enrollment, actor=volunteer.user)
    assert exc.value.reason == "NOT_ACTIVE" and exc.value.status == 409
