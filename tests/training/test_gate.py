"""Qualifications gate sign-up: refused with the reason and the next session, accepted after
passing the session, refused again after the qualification expires (Done means, issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from huiguang.activities.models import Enrollment
from huiguang.activities.rules.decide import enrollment_check
from huiguang.activities.services.enrollments import EnrollmentRefused, enrollment_create
from huiguang.activities.services.training import enrollment_training_mark
from huiguang.core.dates import add_months
from huiguang.training.models import Qualification

from ..conftest import login_client
from ..factories import member
from .conftest import attended, local_day, make_requiring_shift, make_session


def _sign_up(shift, volunteer):
    return enrollment_create(volunteer=volunteer, shift=shift, actor=volunteer.user)


def test_without_the_qualification_the_sign_up_is_refused_with_the_course_and_its_next_session(
    city, training
):
    volunteer = member(city.org_a)
    shift = make_requiring_shift(city.org_a, training.first_aider)
    upcoming = make_session(training.course, city.org_a, days=4)
    with pytest.raises(EnrollmentRefused) as refused:
        _sign_up(shift, volunteer)
    assert refused.value.reason == "MISSING_QUALIFICATION"
    when = date_format(timezone.localtime(upcoming.activity.starts_at), "Y-m-d H:i")
    assert "急救员" in str(refused.value.message) and "心肺复苏与急救" in str(refused.value.message)
    assert when in str(refused.value.message)
    assert refused.value.link == reverse("activities:course_detail", args=[training.course.pk])
    assert not Enrollment.objects.filter(shift=shift).exists()


def test_passing_the_session_grants_the_qualification_and_the_same_sign_up_succeeds(city, training):
    volunteer = member(city.org_a)
    shift = make_requiring_shift(city.org_a, training.first_aider)
    session = make_session(training.course, city.org_a, days=-1)
    enrollment = attended(session, volunteer)
    with pytest.raises(EnrollmentRefused):
        _sign_up(shift, volunteer)

    enrollment_training_mark(actor=training.trainer, enrollment=enrollment, result="passed")

    qualification = Qualification.objects.get(volunteer=volunteer)
    assert qualification.type == training.first_aider and qualification.source == "course"
    assert qualification.issued_on == local_day(session)
    assert qualification.expires_on == add_months(local_day(session), 24)
    assert _sign_up(shift, volunteer).status == "confirmed"


def test_after_the_expiry_the_same_kind_of_sign_up_is_refused_again(city, training):
    volunteer = member(city.org_a)
    today = timezone.localdate()
    Qualification.objects.create(
        volunteer=volunteer,
        type=training.first_aider,
        issued_on=today - dt.timedelta(days=700),
        expires_on=today + dt.timedelta(days=5),
        source="course",
        course=training.course,
    )
    before = make_requiring_shift(city.org_a, training.first_aider, days=3)
    after = make_requiring_shift(city.org_a, training.first_aider, days=8)
    assert _sign_up(before, volunteer).status == "confirmed"
    with pytest.raises(EnrollmentRefused) as refused:
        _sign_up(after, volunteer)
    assert refused.value.reason == "QUALIFICATION_EXPIRED"
    assert (today + dt.timedelta(days=5)).isoformat() in str(refused.value.message)


def test_a_revoked_qualification_counts_as_missing(city, training):
    volunteer = member(city.org_a)
    Qualification.objects.create(
        volunteer=volunteer,
        type=training.first_aider,
        issued_on=timezone.localdate(),
        source="certificate",
        revoked_at=timezone.now(),
        revoke_reason="证书造假",
    )
    decision = enrollment_check(volunteer, make_requiring_shift(city.org_a, training.first_aider))
    assert decision.reason == "MISSING_QUALIFICATION"


def test_a_shift_may_require_a_qualification_of_its_own(city, training):
    volunteer = member(city.org_a)
    shift = make_requiring_shift(city.org_a, training.first_aider)
    shift.activity.required_qualifications.clear()
    assert enrollment_check(volunteer, shift).ok
    shift.required_qualifications.add(training.first_aider)
    assert enrollment_check(volunteer, shift).reason == "MISSING_QUALIFICATION"


def test_without_any_course_the_refusal_says_to_ask_the_organizer(city, training):
    training.course.is_active = False
    training.course.save()
    decision = enrollment_check(member(city.org_a), make_requiring_shift(city.org_a, training.first_aider))
    assert decision.reason == "MISSING_QUALIFICATION" and decision.link == ""
    assert "organizer" in decision.message or "组织方" in decision.message


def test_the_web_sign_up_shows_the_reason_and_a_link_to_the_course(city, training):
    volunteer = member(city.org_a)
    shift = make_requiring_shift(city.org_a, training.first_aider)
    make_session(training.course, city.org_a, days=4)
    response = login_client(volunteer.user).post(reverse("activities:enroll", args=[shift.pk]))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-reason="MISSING_QUALIFICATION"' in html and "心肺复苏与急救" in html
    assert reverse("activities:course_detail", args=[training.course.pk]) in html


def test_the_api_sign_up_answers_409_with_the_reason(city, training):
    from ..factories import bearer

    volunteer = member(city.org_a)
    shift = make_requiring_shift(city.org_a, training.first_aider)
    response = bearer(volunteer.user).post(
        f"/api/v1/shifts/{shift.pk}/enrollments", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["reason"] == "MISSING_QUALIFICATION"


def test_shifts_i_can_take_leave_out_what_needs_a_missing_qualification(city, training):
    volunteer = member(city.org_a)
    needs = make_requiring_shift(city.org_a, training.first_aider)
    response = login_client(volunteer.user).get(reverse("activities:can_take"))
    assert response.status_code == 200
    assert needs.activity.title not in response.content.decode()
    Qualification.objects.create(
        volunteer=volunteer, type=training.first_aider, issued_on=timezone.localdate(), source="certificate"
    )
    response = login_client(volunteer.user).get(reverse("activities:can_take"))
    assert needs.activity.title in response.content.decode()
