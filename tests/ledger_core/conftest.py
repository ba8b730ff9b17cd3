"""Fixtures of the ledger core tests: a past activity of org A with shifts, enrollments, records.

The default shift ran from 09:00 to 13:00 local time, ten days ago.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from huiguang.activities.models import Enrollment, Shift
from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.records import record_from_attendance, records_confirm
from huiguang.ledger.triggers import drop_triggers
from huiguang.volunteers.models import Volunteer

from .. import factories
from ..factories import enrol, make_activity


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def ten_days_ago() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=10)


def drop_record_triggers() -> None:
    """Drop the triggers that refuse changes to confirmed records, as an intruder with the
    database owner's rights could (DDL is transactional on both databases: the test's rollback
    restores them)."""
    drop_triggers(connection)


def make_shift(
    organization, *, day: dt.date | None = None, start: int = 9, hours: int = 4, name="导览岗"
) -> Shift:
    """A shift of a new activity of `organization` on `day` (ten days ago) from `start` o'clock,
    through the shared builders (the rules tests read its recipients and content)."""
    starts = local(day or ten_days_ago(), start)
    activity = make_activity(
        organization, starts_at=starts, hours=hours, description="东湖社区老人\n每月一次上门理发。"
    )
    return factories.make_shift(activity, name=name, capacity=10)


def attend(
    shift, volunteer, *, start=None, end=None, source=ServiceRecord.Source.QR, actor=None
) -> ServiceRecord:
    enrollment = Enrollment.objects.filter(shift=shift, volunteer=volunteer).first() or enrol(
        shift, volunteer
    )
    return record_from_attendance(
        enrollment=enrollment,
        started_at=start or shift.starts_at,
        ended_at=end or shift.ends_at,
        source=source,
        actor=actor,
    )


def confirmed(shift, volunteer, admin, **kwargs) -> ServiceRecord:
    record = attend(shift, volunteer, **kwargs)
    assert records_confirm(actor=admin, ids=[record.pk]) == 1
    record.refresh_from_db()
    return record


@pytest.fixture
def vol(city) -> Volunteer:
    return city.users["volunteer"].volunteer


@pytest.fixture
def org_admin(city):
    return city.users["org_admin"]


@pytest.fixture
def shift(city) -> Shift:
    return make_shift(city.org_a)
