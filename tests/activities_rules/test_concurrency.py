"""Never overbook: many volunteers sign up at the same moment (real threads, one database connection
each, a real database), and the counters always equal the enrollments they count.

Run on SQLite (IMMEDIATE transactions serialize writers) and on PostgreSQL
(DATABASE_URL=postgres://…), where the row locks and the guarded UPDATE do the work. The control
test replaces the guard with the usual "count, then insert" and shows the overbooking it prevents;
it runs only on PostgreSQL, because SQLite's IMMEDIATE transactions serialize even the naive code.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from huiguang.activities.models import Enrollment, Shift
from huiguang.activities.rules.context import SHIFT_RULE_PREFETCH
from huiguang.activities.services import enrollments
from huiguang.activities.services.enrollments import EnrollmentRefused, enrollment_cancel, enrollment_create

from ..factories import VolunteerFactory
from .conftest import make_shift

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 20  # PostgreSQL allows 100 connections here, shared with other test runs


def _crowd(city, n: int):
    return [VolunteerFactory(residence_region=city.town_a) for _ in range(n)]


def _at_once(jobs: list, work) -> list[str]:
    """Run `work(job)` for every job on WORKERS threads that start together; each thread handles
    several jobs on its own connection and closes it at the end. Returns the outcomes."""
    chunks = [jobs[i::WORKERS] for i in range(WORKERS)]
    barrier = threading.Barrier(len(chunks))
    outcomes: list[str] = []

    def run(chunk):
        try:
            barrier.wait()
            for job in chunk:
                try:
                    outcomes.append(work(job))
                except EnrollmentRefused as exc:
                    outcomes.append(exc.reason)
                except Exception as exc:  # noqa: BLE001 - reported by the assertion, not lost in a thread
                    outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        list(pool.map(run, chunks))
    return outcomes


def _counts(shift: Shift) -> tuple[dict, int, int]:
    shift.refresh_from_db()
    statuses = Counter(Enrollment.objects.filter(shift=shift).values_list("status", flat=True))
    return dict(statuses), shift.taken, shift.waitlisted


def _sign_up(shift_id: int):
    def work(volunteer):
        shift = Shift(pk=shift_id)
        return enrollment_create(volunteer=volunteer, shift=shift, actor=volunteer.user).status

    return work


def test_200_volunteers_at_once_fill_20_places_and_10_waitlist_places_exactly(city):
    shift = make_shift(organization=city.org_a, capacity=20, waitlist_size=10)
    volunteers = _crowd(city, 200)
    outcomes = _at_once(volunteers, _sign_up(shift.pk))
    assert Counter(outcomes) == {"confirmed": 20, "waitlisted": 10, "FULL": 170}
    statuses, taken, waitlisted = _counts(shift)
    assert statuses == {"confirmed": 20, "waitlisted": 10}
    assert (taken, waitlisted) == (20, 10)


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite's IMMEDIATE transactions serialize writers, so the naive code cannot race there",
)
def test_control_without_the_guard_the_same_crowd_overbooks(city, monkeypatch):
    """The code the guard replaces: read the shift without a lock, count the confirmed rows, insert."""

    def unlocked(shift_id):
        return (
            Shift.objects.select_related("activity").prefetch_related(*SHIFT_RULE_PREFETCH).get(pk=shift_id)
        )

    def count_then_write(shift, outcome):
        confirmed = Enrollment.objects.filter(shift_id=shift.pk, status="confirmed").count()
        if confirmed < shift.capacity:
            Shift.objects.filter(pk=shift.pk).update(taken=confirmed + 1)
            return "confirmed"
        waitlisted = Enrollment.objects.filter(shift_id=shift.pk, status="waitlisted").count()
        if waitlisted < shift.waitlist_size:
            Shift.objects.filter(pk=shift.pk).update(waitlisted=waitlisted + 1)
            return "waitlisted"
        raise EnrollmentRefused("FULL")

    assert connection.vendor == "postgresql"
    monkeypatch.setattr(enrollments, "_lock_shift", unlocked)
    monkeypatch.setattr(enrollments, "_lock_shift_for_signup", unlocked)  # the sign-up's own locking read
    monkeypatch.setattr(enrollments, "_claim", count_then_write)
    monkeypatch.setattr(enrollments, "_promote", lambda shift, now: [])
    shift = make_shift(organization=city.org_a, capacity=20, waitlist_size=10)
    outcomes = _at_once(_crowd(city, 200), _sign_up(shift.pk))
    assert not [o for o in outcomes if o.startswith("error")]
    statuses, taken, _waitlisted = _counts(shift)
    assert statuses["confirmed"] > 20, statuses  # overbooked
    assert taken < statuses["confirmed"]  # and the counter no longer matches the rows


def test_one_volunteer_clicking_ten_times_at_once_is_enrolled_once(city):
    shift = make_shift(organization=city.org_a, capacity=5)
    (volunteer,) = _crowd(city, 1)
    outcomes = _at_once([volunteer] * WORKERS, _sign_up(shift.pk))
    assert Counter(outcomes) == {"confirmed": 1, "ALREADY_ENROLLED": WORKERS - 1}
    assert _counts(shift) == ({"confirmed": 1}, 1, 0)


def test_cancellations_and_sign_ups_at_once_keep_the_counters_true(city):
    """Ten confirmed volunteers cancel while thirty newcomers sign up: every freed place goes to the
    waitlist or a newcomer, never beyond the capacity, and the counters match the rows."""
    shift = make_shift(organization=city.org_a, capacity=10, waitlist_size=5)
    holders = [enrollment_create(volunteer=v, shift=shift, actor=v.user) for v in _crowd(city, 10)]
    newcomers = _crowd(city, 30)

    def work(job):
        kind, obj = job
        if kind == "cancel":
            return enrollment_cancel(enrollment=obj, actor=obj.volunteer.user).status
        return _sign_up(shift.pk)(obj)

    jobs = [("cancel", e) for e in holders] + [("sign_up", v) for v in newcomers]
    outcomes = _at_once(jobs, work)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert outcomes.count("cancelled") == 10
    statuses, taken, waitlisted = _counts(shift)
    assert taken == statuses.get("confirmed", 0) == 10
    assert waitlisted == statuses.get("waitlisted", 0) <= 5
    assert statuses["cancelled"] == 10
