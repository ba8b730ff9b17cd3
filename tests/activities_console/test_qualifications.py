"""The console sets what an activity and a shift require (issue 11): the course of a training session
and required qualifications through the API (create and edit), a shift's qualifications through
the web form's picker too; then the sign-up gate refuses a volunteer without them."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Shift
from huiguang.core.models import AuditEntry
from huiguang.training.models import Course, Qualification, QualificationType

from ..conftest import login_client
from ..factories import bearer, make_shift, member
from .conftest import category, make_activity

API = "/api/v1"


@pytest.fixture
def kinds(db):
    return (
        QualificationType.objects.create(code="first-aider", name="急救员"),
        QualificationType.objects.create(code="guide", name="导医"),
    )


@pytest.fixture
def course(city, kinds):
    return Course.objects.create(
        title="心肺复苏与急救",
        category=Course.Category.FIRST_AID,
        provider=city.org_a,
        hours=4,
        grants=kinds[0],
        validity_months=24,
    )


def send(client, method, path, body):
    return getattr(client, method)(f"{API}{path}", data=json.dumps(body), content_type="application/json")


def iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def qualify(volunteer, kind, *, expires_on=None):
    return Qualification.objects.create(
        volunteer=volunteer,
        type=kind,
        issued_on=timezone.localdate(),
        expires_on=expires_on,
        source=Qualification.Source.CERTIFICATE,
    )


def _on_the_hour(days: int = 10) -> dt.datetime:
    return (timezone.localtime() + dt.timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)


def _new_activity_body(city, **fields):
    category()
    start = (timezone.localtime() + dt.timedelta(days=12)).replace(hour=9, minute=0, second=0, microsecond=0)
    return {
        "organization": city.org_a.pk,
        "title": "马拉松医疗保障",
        "category": "health",
        "starts_at": iso(start),
        "ends_at": iso(start + dt.timedelta(hours=4)),
        **fields,
    }


def test_the_api_creates_a_session_of_a_course_that_requires_qualifications(city, kinds, course):
    client = bearer(city.users["org_admin"])
    response = send(
        client,
        "post",
        "/console/activities",
        _new_activity_body(city, course=course.pk, required_qualifications=["guide", "first-aider"]),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["course_id"] == course.pk
    assert sorted(body["required_qualifications"]) == ["first-aider", "guide"]
    activity = Activity.objects.get(pk=body["id"])
    assert activity.course == course
    assert set(activity.required_qualifications.values_list("code", flat=True)) == {"first-aider", "guide"}


def test_the_api_edits_the_course_and_the_qualifications_and_only_what_is_sent(city, kinds, course):
    activity = make_activity(city.org_a)
    client = bearer(city.users["org_admin"])
    response = send(
        client,
        "patch",
        f"/console/activities/{activity.pk}",
        {"course": course.pk, "required_qualifications": ["guide"]},
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["course_id"], response.json()["required_qualifications"]) == (
        course.pk,
        ["guide"],
    )
    # A change of the title leaves both alone.
    response = send(client, "patch", f"/console/activities/{activity.pk}", {"title": "义诊"})
    assert (response.json()["course_id"], response.json()["required_qualifications"]) == (
        course.pk,
        ["guide"],
    )
    response = send(
        client, "patch", f"/console/activities/{activity.pk}", {"course": None, "required_qualifications": []}
    )
    assert (response.json()["course_id"], response.json()["required_qualifications"]) == (None, [])
    activity.refresh_from_db()
    assert activity.course is None and not activity.required_qualifications.exists()
    fields = [e.detail["fields"] for e in AuditEntry.objects.filter(action="activity_updated").order_by("pk")]
    assert fields == [
        ["course", "required_qualifications"],
        ["title"],
        ["course", "required_qualifications"],
    ]


def test_unknown_codes_an_unknown_course_and_a_course_no_longer_offered_answer_422_and_write_nothing(
    city, kinds, course
):
    client = bearer(city.users["org_admin"])
    response = send(
        client,
        "post",
        "/console/activities",
        _new_activity_body(city, course=99999, required_qualifications=["guide", "pilot", "diver"]),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "required_qualifications": ["未知的资质代码：diver, pilot。"],
        "course": ["没有编号为 99999 的课程。"],
    }
    course.is_active = False
    course.save()
    response = send(client, "post", "/console/activities", _new_activity_body(city, course=course.pk))
    assert response.status_code == 422
    assert response.json()["errors"] == {"course": ["请选择正在开设的课程。"]}
    assert not Activity.objects.exists()


def test_an_activity_keeps_a_course_that_stopped_being_offered(city, course):
    activity = make_activity(city.org_a, course=course)
    course.is_active = False
    course.save()
    client = bearer(city.users["org_admin"])
    response = send(
        client, "patch", f"/console/activities/{activity.pk}", {"course": course.pk, "title": "复训"}
    )
    assert response.status_code == 200, response.json()
    # The web form offers it too while it is the activity's course.
    page = login_client(city.users["org_admin"]).get(reverse("activities:console_edit", args=[activity.pk]))
    assert page.status_code == 200
    assert f'<option value="{course.pk}" selected>' in page.content.decode()


def test_a_shift_requires_a_qualification_through_the_api_and_the_gate_refuses_those_without_it(city, kinds):
    first_aider, guide = kinds
    activity = make_activity(city.org_a, days=10, status=Activity.Status.PUBLISHED)
    client = bearer(city.users["org_admin"])
    start = activity.starts_at
    response = send(
        client,
        "post",
        f"/console/activities/{activity.pk}/shifts",
        {
            "name": "医疗点",
            "starts_at": iso(start),
            "ends_at": iso(start + dt.timedelta(hours=2)),
            "capacity": 3,
            "required_qualifications": ["first-aider"],
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["required_qualifications"] == ["first-aider"]
    shift = Shift.objects.get(pk=response.json()["id"])

    without, holder = member(city.org_a), member(city.org_a)
    qualify(holder, first_aider)
    refused = bearer(without.user).post(
        f"{API}/shifts/{shift.pk}/enrollments", content_type="application/json"
    )
    assert refused.status_code == 409
    assert refused.json()["reason"] == "MISSING_QUALIFICATION" and "急救员" in refused.json()["detail"]
    accepted = bearer(holder.user).post(
        f"{API}/shifts/{shift.pk}/enrollments", content_type="application/json"
    )
    assert accepted.status_code == 201 and accepted.json()["status"] == "confirmed"

    # Editing the shift adds a second qualification; the holder of only one is refused now.
    response = send(
        client, "patch", f"/console/shifts/{shift.pk}", {"required_qualifications": ["guide", "first-aider"]}
    )
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["required_qualifications"]) == ["first-aider", "guide"]
    other = member(city.org_a)
    qualify(other, first_aider)
    refused = bearer(other.user).post(f"{API}/shifts/{shift.pk}/enrollments", content_type="application/json")
    assert refused.status_code == 409 and "导医" in refused.json()["detail"]
    # The volunteer already signed up keeps the place.
    assert Enrollment.objects.get(shift=shift, volunteer=holder).status == "confirmed"

    response = send(client, "patch", f"/console/shifts/{shift.pk}", {"required_qualifications": ["pilot"]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"required_qualifications": ["未知的资质代码：pilot。"]}
    assert set(shift.required_qualifications.values_list("code", flat=True)) == {"first-aider", "guide"}


def test_the_activity_detail_lists_each_shifts_qualifications_in_a_constant_number_of_queries(
    city, kinds, assert_queries_constant
):
    activity = make_activity(city.org_a, days=10)
    client = bearer(city.users["org_admin"])

    def add_shift():
        shift = make_shift(activity, capacity=2)
        shift.required_qualifications.add(*kinds)

    def fetch():
        response = client.get(f"{API}/console/activities/{activity.pk}")
        assert response.status_code == 200
        shifts = response.json()["shifts"]
        assert shifts and all(
            sorted(s["required_qualifications"]) == ["first-aider", "guide"] for s in shifts
        )

    add_shift()
    assert_queries_constant(fetch, add_shift)


def test_the_shift_form_picks_qualifications_and_the_gate_then_refuses_a_volunteer_without_them(city, kinds):
    first_aider, guide = kinds
    activity = make_activity(city.org_a, starts_at=_on_the_hour(), status=Activity.Status.PUBLISHED)
    activity.required_qualifications.add(guide)
    admin = login_client(city.users["org_admin"])
    page = admin.get(reverse("activities:shift_create", args=[activity.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="btn-check" type="checkbox"' in html and "急救员" in html
    assert "整个活动已要求" in html  # the activity's own requirement is named above the picker
    start = timezone.localtime(activity.starts_at)
    response = admin.post(
        reverse("activities:shift_create", args=[activity.pk]),
        {
            "name": "医疗点",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 2,
            "waitlist_size": 0,
            "required_qualifications": [first_aider.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    shift = Shift.objects.get(activity=activity, name="医疗点")
    assert list(shift.required_qualifications.all()) == [first_aider]

    edit = admin.get(reverse("activities:shift_edit", args=[shift.pk])).content.decode()
    assert re.search(rf'value="{first_aider.pk}" id="[\w]+" checked', edit)
    assert not re.search(rf'value="{guide.pk}" id="[\w]+" checked', edit)

    # Holding the shift's qualification is not enough: the activity requires 导医 as well.
    volunteer = member(city.org_a)
    qualify(volunteer, first_aider)
    refused = login_client(volunteer.user).post(
        reverse("activities:enroll", args=[shift.pk]), {"next": "/me/activities/"}
    )
    assert refused.status_code == 409 and "导医" in refused.content.decode()
    qualify(volunteer, guide)
    accepted = login_client(volunteer.user).post(
        reverse("activities:enroll", args=[shift.pk]), {"next": "/me/activities/"}
    )
    assert accepted.status_code == 302
    assert Enrollment.objects.get(shift=shift, volunteer=volunteer).status == "confirmed"

    # Unticking every box clears the shift's requirement.
    response = admin.post(
        reverse("activities:shift_edit", args=[shift.pk]),
        {
            "name": "医疗点",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 2,
            "waitlist_size": 0,
        },
    )
    assert response.status_code == 302
    assert not shift.required_qualifications.exists()


def test_the_shift_form_refuses_an_unknown_qualification_with_422(city, kinds):
    activity = make_activity(city.org_a, starts_at=_on_the_hour())
    start = timezone.localtime(activity.starts_at)
    response = login_client(city.users["org_admin"]).post(
        reverse("activities:shift_create", args=[activity.pk]),
        {
            "name": "医疗点",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 2,
            "waitlist_size": 0,
            "required_qualifications": [99999],
        },
    )
    assert response.status_code == 422
    assert not Shift.objects.filter(activity=activity).exists()
