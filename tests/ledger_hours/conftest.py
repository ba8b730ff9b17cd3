"""Fixtures of the hours tests: a finished activity of org A (当湖街道志愿服务队) with one shift,
the volunteer (张小明) attended it and has a confirmed 3-hour credit record; a second admin of
org A (the first files make-up requests, the second approves them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from huiguang.activities.models import Activity, Shift
from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.records import record_from_attendance, records_confirm
from huiguang.network.models import Grant

from .. import factories
from ..factories import GrantFactory, UserFactory, category


def make_activity(organization, *, starts_at: dt.datetime, hours: int = 4, **fields) -> Activity:
    """The shared builder, a finished health activity (the export test reads its recipients)."""
    values = {
        "status": Activity.Status.FINISHED,
        "category": category("health", "健康义诊"),
        "description": "社区老人\n为社区老人量血压",
        **fields,
    }
    return factories.make_activity(organization, starts_at=starts_at, hours=hours, **values)


def make_shift(activity: Activity) -> Shift:
    return factories.make_shift(activity, name="量血压", capacity=10)


def attended_record(shift: Shift, volunteer, *, actor, minutes: int = 180, offset_min: int = 0, confirm=True):
    """A record of `minutes` from attendance, confirmed by `actor` (org admin)."""
    enrollment = factories.enrol(shift, volunteer)
    start = shift.starts_at + dt.timedelta(minutes=offset_min)
    record = record_from_attendance(
        enrollment=enrollment,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes),
        source=ServiceRecord.Source.QR,
        actor=actor,
    )
    if confirm:
        assert records_confirm(actor=actor, ids=[record.pk], rating=5, evaluation="认真负责") == 1
        record.refresh_from_db()
    return record


@dataclass
class Scene:
    activity: Activity
    shift: Shift
    record: ServiceRecord  # confirmed, 180 minutes, credit
    volunteer: object
    second_admin: object


@pytest.fixture
def scene(city) -> Scene:
    starts = (timezone.now() - dt.timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)
    activity = make_activity(city.org_a, starts_at=starts)
    shift = make_shift(activity)
    volunteer = city.users["volunteer"].volunteer
    record = attended_record(shift, volunteer, actor=city.users["org_admin"])
    second = GrantFactory(
        user=UserFactory(phone="13900000011", display_name="第二管理员"),
        role=Grant.Role.ORG_ADMIN,
        organization=city.org_a,
    ).user
    return Scene(activity, shift, record, volunteer, second)


def snapshot(record: ServiceRecord) -> dict:
    """Every column of a row as the database holds it."""
    from django.forms.models import model_to_dict

    fresh = ServiceRecord.objects.get(pk=record.pk)
    data = model_to_dict(fresh)
    data.update(confirmed_at=fresh.confirmed_at, created_at=fresh.created_at, hash=fresh.hash)
    return data
