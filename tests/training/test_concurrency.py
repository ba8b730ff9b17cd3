"""A training session is full at its capacity under a concurrent race exactly like any shift: a
session's places are its shift's guarded counter (activities.services.enrollments._claim); there is
no second capacity mechanism. Real threads, one connection each; on PostgreSQL with
DATABASE_URL=postgres://… (the control test, which removes the guard, runs only there)."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from django.db import connection

from huiguang.activities.models import Enrollment, Shift
from huiguang.activities.rules.context import SHIFT_RULE_PREFETCH
from huiguang.activities.services import enrollments
from huiguang.activities.services.enrollments import EnrollmentRefused, enrollment_create

from ..factories import VolunteerFactory, at_once
from .conftest import make_session

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_up(shift_id: int):
    def work(volunteer):
        try:
            return enrollment_create(
                volunteer=volunteer, shift=Shift(pk=shift_id), actor=volunteer.user
            ).status
        except EnrollmentRefused as exc:
            return exc.reason

    return work


def _crowd(city, n: int):
    return [VolunteerFactory(residence_region=city.town_a) for _ in range(n)]


def test_forty_trainees_at_once_fill_a_session_of_fifteen_places_exactly(city, training):
    session = make_session(training.course, city.org_a, days=3, capacity=15)
    outcomes = at_once(_crowd(city, 40), _sign_up(session.pk))
    assert Counter(outcomes) == {"confirmed": 15, "FULL": 25}
    session.refresh_from_db()
    assert session.taken == 15
    assert Enrollment.objects.filter(shift=session, status="confirmed").count() == 15


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite's IMMEDIATE transactions serialize writers, so the naive code cannot race there",
)
def test_control_without_the_shift_guard_the_session_overbooks(city, training, monkeypatch):
    """Remove the one guard (the locked shift row and the conditional UPDATE): the session overbooks,
    which shows the guard above is what keeps it exact, and that nothing else limits a session."""

    def unlocked(shift_id):
        return (
            Shift.objects.select_related("activity").prefetch_related(*SHIFT_RULE_PREFETCH).get(pk=shift_id)
        )

    def count_then_write(shift, outcome):
        confirmed = Enrollment.objects.filter(shift_id=shift.pk, status="confirmed").count()
        if confirmed < shift.capacity:
            Shift.objects.filter(pk=shift.pk).update(taken=confirmed + 1)
            return "confirmed"
        raise EnrollmentRefused("FULL")

    assert connection.vendor == "postgresql"
    monkeypatch.setattr(enrollments, "_lock_shift", unlocked)
    monkeypatch.setattr(enrollments, "_lock_shift_for_signup", unlocked)  # the sign-up's own locking read
    monkeypatch.setattr(enrollments, "_claim", count_then_write)
    session = make_session(training.course, city.org_a, days=3, capacity=15)
    outcomes = at_once(_crowd(city, 40), _sign_up(session.pk))
    assert not [o for o in outcomes if str(o).startswith("error")]
    assert Enrollment.objects.filter(shift=session, status="confirmed").count() > 15
