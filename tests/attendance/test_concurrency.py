"""Twenty phones send the same check-in at the same moment (real threads, one database
connection each, a real database): one row, and every one of them gets that row back. Run on
SQLite (IMMEDIATE transactions serialize writers) and on PostgreSQL (the volunteer's row lock,
then the unique key)."""

from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.attendance import services
from huiguang.attendance.models import CheckIn
from huiguang.attendance.services import checkins
from huiguang.core.errors import FieldErrors, Refused

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 20


def _at_once(n: int, work) -> list:
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            try:
                return work(i)
            except (Refused, FieldErrors) as exc:
                return type(exc).__name__
            except Exception as exc:  # noqa: BLE001 - reported by the assertion
                return f"error: {exc!r}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_20_identical_check_ins_at_once_make_one_row(day):
    enrollment_id = day.enrollment.pk

    def work(i):
        enrollment = Enrollment.objects.get(pk=enrollment_id)
        checkin, created = services.checkin_record(
            enrollment=enrollment,
            kind="in",
            method="qr",
            at=timezone.now(),
            idempotency_key="phone-1:tap",
            payload={"shift": enrollment.shift_id, "kind": "in"},
            actor=None,
        )
        return (checkin.pk, created)

    outcomes = _at_once(WORKERS, work)
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert len({pk for pk, _created in outcomes}) == 1
    assert Counter(created for _pk, created in outcomes) == {True: 1, False: WORKERS - 1}
    assert CheckIn.objects.count() == 1


def test_the_same_key_with_another_payload_at_once_gets_422_and_one_row(day):
    enrollment_id = day.enrollment.pk

    def work(i):
        enrollment = Enrollment.objects.get(pk=enrollment_id)
        checkin, created = services.checkin_record(
            enrollment=enrollment,
            kind="in",
            method="qr",
            at=timezone.now(),
            idempotency_key="phone-1:tap",
            payload={"shift": enrollment.shift_id, "variant": i % 2},
            actor=None,
        )
        return "created" if created else "same"

    outcomes = Counter(_at_once(WORKERS, work))
    assert CheckIn.objects.count() == 1
    # The first one wins; the same payload gets it back, the other payload gets FieldErrors (422).
    assert outcomes["created"] == 1
    assert outcomes["FieldErrors"] == WORKERS // 2
    assert outcomes["same"] == WORKERS // 2 - 1


def test_20_different_keys_for_one_person_at_once_check_in_once(day):
    enrollment_id = day.enrollment.pk

    def work(i):
        enrollment = Enrollment.objects.get(pk=enrollment_id)
        services.checkin_record(
            enrollment=enrollment,
            kind="in",
            method="qr",
            at=timezone.now(),
            idempotency_key=f"tap-{i}",
            payload={"i": i},
            actor=None,
        )
        return "in"

    outcomes = Counter(_at_once(WORKERS, work))
    assert outcomes == {"in": 1, "Refused": WORKERS - 1}
    assert CheckIn.objects.count() == 1


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="SQLite's IMMEDIATE transactions serialize even this"
)
def test_control_without_the_volunteer_lock_one_person_checks_in_many_times(day, monkeypatch):
    """The control: drop the volunteer's row lock and "check, then insert" lets several
    different check-ins of one person through at once (PostgreSQL, READ COMMITTED). The order is
    forced, not left to timing: every check-in reads the volunteer's check-ins before any of them
    inserts (a barrier after the read), which the lock would never allow."""
    unlocked = checkins.enrollments_for_checkin
    # The look-ups compile on first use in each thread's own connection: the patch reaches them.
    monkeypatch.setattr(checkins, "enrollments_for_checkin", lambda **kw: unlocked(**{**kw, "lock": False}))
    all_read = threading.Barrier(WORKERS)
    state = checkins._state

    def read_then_wait(*args, **kwargs):
        found = state(*args, **kwargs)
        all_read.wait(timeout=30)
        return found

    monkeypatch.setattr(checkins, "_state", read_then_wait)
    enrollment_id = day.enrollment.pk

    def work(i):
        enrollment = Enrollment.objects.get(pk=enrollment_id)
        services.checkin_record(
            enrollment=enrollment,
            kind="in",
            method="qr",
            at=timezone.now(),
            idempotency_key=f"tap-{i}",
            payload={"i": i},
            actor=None,
        )
        return "in"

    outcomes = Counter(_at_once(WORKERS, work))
    assert outcomes == {"in": WORKERS}
    assert CheckIn.objects.count() == WORKERS
