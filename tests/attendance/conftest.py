"""Fixtures of the attendance tests: a published activity of org A (当湖街道志愿服务队) at the
东湖 community (with a location and a 300 m radius), one shift running now — it began an hour
ago and ends in three hours — and the persona `volunteer` (张小明) confirmed on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Shift
from huiguang.network.models import Organization
from huiguang.volunteers.models import Volunteer

from .. import factories
from ..factories import enrol, member

__all__ = ["LAT", "LNG", "enrol", "make_activity", "make_shift", "member"]

# 东湖 community, Pinghu (the activity's place).
LAT, LNG = Decimal("30.698500"), Decimal("121.015800")


def make_activity(
    organization: Organization, *, starts_at: dt.datetime, hours: float = 4, **fields
) -> Activity:
    """The shared builder, at the 东湖 community with a 300 m check-in radius."""
    place = {"lat": LAT, "lng": LNG, "checkin_radius_m": 300}
    return factories.make_activity(organization, starts_at=starts_at, hours=hours, **{**place, **fields})


def make_shift(activity: Activity, **fields) -> Shift:
    """The shared builder with room for a crowd (rosters of a dozen people, no waitlist)."""
    return factories.make_shift(activity, **{"capacity": 30, "waitlist_size": 0, **fields})


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
