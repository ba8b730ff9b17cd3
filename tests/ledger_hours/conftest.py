"""Fixtures of the hours tests: a finished activity of org A (当湖街道志愿服务队) with one shift,
the volunteer (张小明) attended it and has a confirmed 3-hour credit record; a second admin of
org A (the first files make-up requests, the second approves them)."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from dataclasses import dataclass

import pytest
from django.utils import timezone

from huiguang.activities.models import Activity, Category, Enrollment, Shift
from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.records import record_from_attendance, records_confirm
from huiguang.network.models import Grant

from ..factories import GrantFactory, UserFactory

_seq = itertools.count(1)


def make_activity(organization, *, starts_at: dt.datetime, hours: int = 4, **fields) -> Activity:
    values = {
        "organization": organization,
        "title": f"金平湖志愿服务日{next(_seq)}",
        "category": Category.objects.get_or_create(code="health", defaults={"name": "健康义诊"})[0],
        "description": "社区老人\n为社区老人量血压",
        "region": organization.region,
        "address": "平湖市当湖街道东湖社区",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=hours),
        "status": Activity.Status.FINISHED,
        "share_token": secrets.token_urlsafe(16),
    }
    values.update(fields)
    return Activity.objects.create(**values)


def make_shift(activity: Activity) -> Shift:
    return Shift.objects.create(
        activity=activity, name="量血压", starts_at=activity.starts_at, ends_at=activity.ends_at, capacity=10
    )


def attended_record(shift: Shift, volunteer, *, actor, minutes: int = 180, offset_min: int = 0, confirm=True):
    """A record of `minutes` from attendance, confirmed by `actor` (org admin)."""
    enrollment = Enrollment.objects.create(
        shift=shift, volunteer=volunteer, status=Enrollment.Status.CONFIRMED
    )
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
