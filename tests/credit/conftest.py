"""Builders of the credit tests: a volunteer's history written through the ledger's own services
(so that VolunteerHours and MonthlyRollup hold what the ledger would), enrollments with the
statuses the score reads, honors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment
from huiguang.credit.models import Honor
from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.records import record_from_attendance, records_confirm

from .. import factories


def served(organization, volunteer, *, actor, days_ago: int, minutes: int, rating: int | None = 5):
    """A finished activity `days_ago` days back that `volunteer` attended for `minutes`, confirmed
    by `actor` with `rating` (a credit record)."""
    starts = (timezone.now() - dt.timedelta(days=days_ago)).replace(hour=1, minute=0, second=0, microsecond=0)
    activity = factories.make_activity(
        organization, starts_at=starts, hours=max(minutes // 60 + 1, 1), status=Activity.Status.FINISHED
    )
    shift = factories.make_shift(activity, capacity=10)
    enrollment = factories.enrol(shift, volunteer)
    record = record_from_attendance(
        enrollment=enrollment,
        started_at=starts,
        ended_at=starts + dt.timedelta(minutes=minutes),
        source=ServiceRecord.Source.QR,
        actor=actor,
    )
    assert records_confirm(actor=actor, ids=[record.pk], rating=rating, evaluation="认真") == 1
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.ATTENDED)
    record.refresh_from_db()
    return record


def no_show(organization, volunteer):
    shift = factories.make_shift(organization=organization, activity_fields={"days": -5})
    return factories.enrol(shift, volunteer, status=Enrollment.Status.NO_SHOW)


def honor(volunteer=None, *, level=Honor.Level.CITY, organization=None, title="优秀志愿者") -> Honor:
    return Honor.objects.create(
        volunteer=volunteer,
        organization=organization,
        title=title,
        level=level,
        issuer="平湖市文明办",
        awarded_on=dt.date(2026, 3, 5),
        citation="长期坚持社区服务",
    )


@pytest.fixture
def volunteer(city):
    return city.users["volunteer"].volunteer
