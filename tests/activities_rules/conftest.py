"""Fixtures of the sign-up tests: activities and shifts of org A (当湖街道志愿服务队), volunteers.

Times are relative to now: the default shift starts in 3 days and lasts 4 hours; sign-up is open.
"""

from __future__ import annotations

import pytest

from huiguang.activities.models import Activity, Shift
from huiguang.volunteers.models import Volunteer

from .. import factories


def make_shift(activity: Activity | None = None, **fields) -> Shift:
    """factories.make_shift with this suite's position, 理发岗 (the pages' messages name it)."""
    return factories.make_shift(activity, **{"name": "理发岗", **fields})


@pytest.fixture
def shift(city) -> Shift:
    return make_shift(organization=city.org_a)


@pytest.fixture
def volunteer(city) -> Volunteer:
    """张小明: an active member of org A."""
    return Volunteer.objects.get(user=city.users["volunteer"])
