"""Fixtures of the attendance tests: a published activity of org A (当湖街道志愿服务队) at the
东湖 community (with a location and a 300 m radius), one shift running now — it began an hour
ago and ends in three hours — and the persona `volunteer` (张小明) confirmed on it."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from huiguang.activities.models import Activity, Category, Enrollment, Shift
from huiguang.network.models import Membership, Organization
from huiguang.volunteers.models import Volunteer

from ..factories import MembershipFactory, VolunteerFactory

_seq = itertools.count(1)
# 东湖 community, Pinghu (the activity's place).
LAT, LNG = Decimal("30.698500"), Decimal("121.015800")


def make_activity(
    organization: Organization, *, starts_at: dt.datetime, hours: float = 4, **fields
) -> Activity:
    values = {
        "organization": organization,
        "title": f"东湖社区助老服务{next(_seq)}",
        "category": Category.objects.get_or_create(code="elderly", defaults={"name": "助老"})[0],
        "description": "社区独居老人\n上门陪伴、量血压",
        "region": organization.region,
        "address": "平湖市当湖街道东湖社区",
        "lat": LAT,
        "lng": LNG,
        "checkin_radius_m": 300,
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=hours),
        "status": Activity.Status.PUBLISHED,
        "share_token": secrets.token_urlsafe(16),
    }
    values.update(fields)
    return Activity.objects.create(**values)


def make_shift(activity: Activity, **fields) -> Shift:
    values = {
        "activity": activity,
        "name": "陪伴老人",
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "capacity": 30,
        "waitlist_size": 0,
    }
    values.update(fields)
    return Shift.objects.create(**values)


def enrol(shift: Shift, volunteer: Volunteer, status=Enrollment.Status.CONFIRMED) -> Enrollment:
    enrollment = Enrollment.objects.create(shift=shift, volunteer=volunteer, status=status)
    if status == Enrollment.Status.CONFIRMED:
        Shift.objects.filter(pk=shift.pk).update(taken=shift.taken + 1)
        shift.taken += 1
    return enrollment


def member(organization: Organization, **fields) -> Volunteer:
    volunteer = VolunteerFactory(residence_region=organization.region, **fields)
    MembershipFactory(volunteer=volunteer, organization=organization, status=Membership.Status.ACTIVE)
    return volunteer


@dataclass
class Day:
    activity: Activity
    shift: Shift
    volunteer: Volunteer
    enrollment: Enrollment


@pytest.fixture
def day(city) -> Day:
    now = timezone.now().replace(microsecond=0)
    activity = make_activity(city.org_a, starts_at=now - dt.timedelta(hours=1), hours=4)
    shift = make_shift(activity)
    volunteer = city.users["volunteer"].volunteer
    return Day(activity, shift, volunteer, enrol(shift, volunteer))


@pytest.fixture
def fixed_day(city) -> Day:
    """The same scene on a fixed date, 09:00–17:00 local time: for rules that count per day."""
    starts = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    activity = make_activity(city.org_a, starts_at=starts, hours=8)
    shift = make_shift(activity)
    volunteer = city.users["volunteer"].volunteer
    return Day(activity, shift, volunteer, enrol(shift, volunteer))
