"""A training session is an activity with a course: check-in and the roster are the activity's; the
trainer marks pass / fail on a phone page; the ledger counts its time only if the city says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from huiguang.activities.models import Enrollment
from huiguang.activities.services.training import enrollment_training_mark
from huiguang.attendance import services as attendance
from huiguang.core.errors import Refused
from huiguang.core.models import AuditEntry
from huiguang.ledger.models import ServiceRecord
from huiguang.training.models import Qualification
from huiguang.training.services.courses import training_policy_set

from ..conftest import login_client
from ..factories import enrol, member
from .conftest import attended, make_session


def _check_in_and_out(enrollment, actor):
    start = enrollment.shift.starts_at
    for kind, minutes in (("in", 5), ("out", 170)):
        attendance.checkin_record(
            enrollment=enrollment,
            kind=kind,
            method="leader",
            at=start + dt.timedelta(minutes=minutes),
            idempotency_key=f"{enrollment.pk}-{kind}",
            payload={"kind": kind},
            actor=actor,
        )


def test_training_time_is_not_volunteer_hours_by_default(city, training):
    session = make_session(training.course, city.org_a, days=-1)
    enrollment = enrol(session, member(city.org_a))
    _check_in_and_out(enrollment, training.trainer)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ATTENDED
    assert not ServiceRecord.objects.filter(enrollment=enrollment).exists()


def test_when_the_city_counts_training_time_it_is_recorded_as_non_credit_hours(city, training):
    training_policy_set(actor=city.users["city_admin"], count_hours=True)
    session = make_session(training.course, city.org_a, days=-1)
    enrollment = enrol(session, member(city.org_a))
    _check_in_and_out(enrollment, training.trainer)
    record = ServiceRecord.objects.get(enrollment=enrollment)
    assert record.minutes > 0 and record.is_credit is False  # 荣誉时数, never credit hours


def test_the_trainer_marks_pass_and_fail_on_the_results_page(city, training):
    session = make_session(training.course, city.org_a, days=-1)
    good, weak = member(city.org_a, real_name="合格者"), member(city.org_a, real_name="未过者")
    e_good, e_weak = attended(session, good), attended(session, weak)
    client = login_client(training.trainer)
    url = reverse("activities:session_results", args=[session.activity_id])
    page = client.get(url)
    assert page.status_code == 200 and "合格者" in page.content.decode()
    assert client.post(url, {"enrollment": e_good.pk, "result": "passed"}).status_code == 302
    assert client.post(url, {"enrollment": e_weak.pk, "result": "failed"}).status_code == 302
    assert Qualification.objects.filter(volunteer=good, revoked_at=None).count() == 1
    assert not Qualification.objects.filter(volunteer=weak).exists()
    e_good.refresh_from_db()
    assert e_good.training_result == "passed" and e_good.training_marked_by == training.trainer
    assert AuditEntry.objects.filter(action="training_result_marked").count() == 2
    assert AuditEntry.objects.filter(action="qualification_granted").count() == 1


def test_marking_twice_grants_once_and_a_fail_revokes_then_a_pass_restores(city, training):
    session = make_session(training.course, city.org_a, days=-1)
    enrollment = attended(session, member(city.org_a))
    for _ in range(2):
        enrollment_training_mark(actor=training.trainer, enrollment=enrollment, result="passed")
    assert Qualification.objects.count() == 1
    enrollment_training_mark(actor=training.trainer, enrollment=enrollment, result="failed")
    assert Qualification.objects.get().revoked_at is not None
    enrollment_training_mark(actor=training.trainer, enrollment=enrollment, result="passed")
    assert Qualification.objects.get().revoked_at is None


def test_only_an_attendee_who_checked_in_can_pass(city, training):
    session = make_session(training.course, city.org_a, days=-1)
    enrollment = enrol(session, member(city.org_a))  # confirmed, never checked in
    client = login_client(training.trainer)
    url = reverse("activities:session_results", args=[session.activity_id])
    response = client.post(url, {"enrollment": enrollment.pk, "result": "passed"})
    assert response.status_code == 409
    assert not Qualification.objects.exists()


def test_results_wait_for_the_session_to_start(city, training):
    session = make_session(training.course, city.org_a, days=2)
    enrollment = attended(session, member(city.org_a))
    with pytest.raises(Refused) as refused:
        enrollment_training_mark(actor=training.trainer, enrollment=enrollment, result="passed")
    assert refused.value.reason == "NOT_STARTED"


def test_a_bad_result_or_a_stranger_answers_422(city, training):
    session = make_session(training.course, city.org_a, days=-1)
    attended(session, member(city.org_a))
    client = login_client(training.trainer)
    url = reverse("activities:session_results", args=[session.activity_id])
    assert client.post(url, {"enrollment": "999999", "result": "passed"}).status_code == 422
    assert client.post(url, {"enrollment": "x", "result": "maybe"}).status_code == 422
    assert not Qualification.objects.exists()


def test_an_activity_without_a_course_has_no_results_page(city, training):
    from ..factories import make_shift

    shift = make_shift(organization=city.org_a)
    assert (
        login_client(training.trainer)
        .get(reverse("activities:session_results", args=[shift.activity_id]))
        .status_code
        == 404
    )


def test_the_api_marks_a_result(city, training):
    from ..factories import bearer

    session = make_session(training.course, city.org_a, days=-1)
    enrollment = attended(session, member(city.org_a))
    client = bearer(training.trainer)
    url = f"/api/v1/console/sessions/{session.activity_id}/results"
    response = client.post(
        url, {"enrollment_id": enrollment.pk, "result": "passed"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["training_result"] == "passed"
    assert client.get(url).json()[0]["training_result"] == "passed"
    assert Qualification.objects.filter(volunteer=enrollment.volunteer).exists()


def test_the_course_pages_list_upcoming_sessions(city, training, assert_queries_constant):
    session = make_session(training.course, city.org_a, days=4)
    client = login_client(city.users["volunteer"])
    detail = client.get(reverse("activities:course_detail", args=[training.course.pk])).content.decode()
    assert session.activity.title in detail and "实操考核合格" in detail
    catalogue = client.get(reverse("activities:courses")).content.decode()
    assert "心肺复苏与急救" in catalogue and session.activity.title not in catalogue  # dates, not titles

    def grow():
        from huiguang.training.models import Course

        for n in range(5):
            course = Course.objects.create(
                title=f"课程{n}",
                category="legal_aid",
                provider=city.org_a,
                hours=2,
                grants=training.first_aider,
                validity_months=12,
            )
            make_session(course, city.org_a, days=3 + n)

    assert_queries_constant(lambda: client.get(reverse("activities:courses")), grow)
