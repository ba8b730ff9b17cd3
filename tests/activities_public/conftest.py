"""Helpers for the tests of finding activities (part D): points at known distances, shifts with
this suite's defaults (10 places, no waitlist). Activities come from tests/factories.py."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from huiguang.activities.models import Activity, Shift

from ..factories import make_activity, make_shift

# Pinghu city centre (当湖街道), and points at known distances from it.
PINGHU = (30.70, 121.02)


def point_east(km: float, origin=PINGHU) -> tuple[Decimal, Decimal]:
    """A point `km` east of `origin` (along the parallel), with 6 decimals like the model."""
    lat, lng = origin
    dlng = km / (111.19508 * math.cos(math.radians(lat)))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng + dlng:.6f}")


def shift_of(activity: Activity, **fields) -> Shift:
    """make_shift with this suite's defaults: 10 places, no waitlist."""
    return make_shift(activity, **{"capacity": 10, "waitlist_size": 0, **fields})


def activity_with_shift(**kwargs) -> tuple[Activity, Shift]:
    shift_kwargs = {k[6:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("shift_")}
    activity = make_activity(**kwargs)
    return activity, shift_of(activity, **shift_kwargs)


@pytest.fixture
def volunteer(city):
    return city.users["volunteer"].volunteer
