"""The sign-up API: 201 with the outcome, the caller's list of sign-ups (constant query count), the
OpenAPI document."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment

from ..conftest import login_client
from ..factories import bearer, enrol, make_activity, member
from .conftest import make_shift

API = "/api/v1"


def _signup(client, shift, **body):
    return client.post(
        f"{API}/shifts/{shift.pk}/enrollments", json.dumps(body), content_type="application/json"
    )


def test_201_confirmed_then_waitlisted_then_full(city):
    shift = make_shift(organization=city.org_a, capacity=1, waitlist_size=1)
    a, b, c = (member(city.org_a) for _ in range(3))
    first = _signup(bearer(a.user), shift)
    assert first.status_code == 201
    assert first.json() == {
        "id": Enrollment.objects.get(volunteer=a).pk,
        "status": "confirmed",
        "reason": None,  # GUARDIAN_APPROVAL only for a child's sign-up that waits for the guardian
        "shift_id": shift.pk,
        "detail": "报名成功。",
    }
    second = _signup(bearer(b.user), shift)
    assert (second.status_code, second.json()["status"]) == (201, "waitlisted")
    assert second.json()["detail"] == "名额已满：您已进入候补名单。"
    third = _signup(bearer(c.user), shift)
    assert (third.status_code, third.json()["reason"]) == (409, "FULL")


def test_201_applied_in_approval_mode(city, volunteer):
    shift = make_shift(organization=city.org_a, activity_fields={"signup_mode": Activity.SignupMode.APPROVAL})
    response = _signup(bearer(volunteer.user), shift)
    assert (response.status_code, response.json()["status"]) == (201, "applied")


def test_the_agreement_flag_is_accepted_in_the_body(city, volunteer):
    shift = make_shift(
        organization=city.org_a, activity_fields={"agreement_required": True, "agreement_text": "协议"}
    )
    response = _signup(bearer(volunteer.user), shift, agreement_accepted=True)
    assert response.status_code == 201
    assert Enrollment.objects.get(volunteer=volunteer).agreement_accepted_at is not None


def test_a_bad_flag_is_explained_in_chinese(city, volunteer, shift):
    response = _signup(bearer(volunteer.user), shift, agreement_accepted="maybe")
    assert response.status_code == 422
    assert response.json()["errors"]["agreement_accepted"] == ["请填写 true 或 false。"]


def test_session_clients_sign_up_too(city, volunteer, shift):
    client = login_client(volunteer.user)
    response = _signup(client, shift)
    assert response.status_code == 201


def test_my_enrollments_lists_every_status_newest_shift_first(city, volunteer):
    soon = make_shift(organization=city.org_a, starts_at=timezone.now() + dt.timedelta(days=1))
    later = make_shift(organization=city.org_a, starts_at=timezone.now() + dt.timedelta(days=9))
    past = make_shift(make_activity(city.org_a, starts_at=timezone.now() - dt.timedelta(days=9)))
    enrol(soon, volunteer)
    enrol(later, volunteer, status=Enrollment.Status.WAITLISTED)
    enrol(past, volunteer, status=Enrollment.Status.ATTENDED)
    enrol(soon, member(city.org_a))  # someone else's
    client = bearer(volunteer.user)
    items = client.get(f"{API}/me/enrollments").json()["items"]
    assert [(i["shift_id"], i["status"]) for i in items] == [
        (later.pk, "waitlisted"),
        (soon.pk, "confirmed"),
        (past.pk, "attended"),
    ]
    assert items[0]["status_display"] == "候补中"
    assert items[0]["activity_title"] == later.activity.title
    assert items[0]["organization_name"] == city.org_a.name
    upcoming = client.get(f"{API}/me/enrollments?upcoming=true").json()["items"]
    assert [i["shift_id"] for i in upcoming] == [soon.pk, later.pk]
    confirmed = client.get(f"{API}/me/enrollments?status=confirmed").json()
    assert confirmed["count"] == 1


def test_my_enrollments_query_count_does_not_grow(city, volunteer, django_assert_max_num_queries):
    client = bearer(volunteer.user)
    enrol(make_shift(organization=city.org_a), volunteer)
    with django_assert_max_num_queries(8) as few:
        assert client.get(f"{API}/me/enrollments").json()["count"] == 1
    for days in range(2, 32):
        activity = make_activity(
            city.org_a1 if days % 2 else city.org_a, starts_at=timezone.now() + dt.timedelta(days=days)
        )
        enrol(make_shift(activity), volunteer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"{API}/me/enrollments").json()["count"] == 31


def test_my_enrollments_is_empty_without_a_volunteer_profile(city):
    response = bearer(city.users["org_admin"]).get(f"{API}/me/enrollments")
    assert response.status_code == 200 and response.json() == {"items": [], "count": 0}


def test_my_enrollments_needs_a_login(city):
    assert login_client(None).get(f"{API}/me/enrollments").status_code == 401


def test_a_bad_status_filter_is_explained(city, volunteer):
    response = bearer(volunteer.user).get(f"{API}/me/enrollments?status=lost")
    assert response.status_code == 422


@pytest.fixture
def schema(client, db):
    return client.get(f"{API}/openapi.json").json()


def test_the_openapi_document_lists_the_sign_up_operations(schema):
    paths = {
        "/api/v1/shifts/{shift_id}/enrollments": "post",
        "/api/v1/enrollments/{enrollment_id}": "delete",
        "/api/v1/me/enrollments": "get",
        "/api/v1/shifts/{shift_id}/decisions": "post",
        "/api/v1/shifts/{shift_id}/team-enrollments": "post",
    }
    for path, method in paths.items():
        operation = schema["paths"][path][method]
        assert operation["summary"] and operation["description"], path
    responses = schema["paths"]["/api/v1/shifts/{shift_id}/enrollments"]["post"]["responses"]
    assert {"201", "409", "422"} <= set(responses)
