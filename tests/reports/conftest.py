"""Fixtures of the reports tests: the ledger core's builders of confirmed records."""

from __future__ import annotations

import pytest

from huiguang.volunteers.models import Volunteer

from ..ledger_core.conftest import attend, confirmed, local, make_shift, ten_days_ago

__all__ = ["attend", "confirmed", "local", "make_shift", "ten_days_ago"]


@pytest.fixture
def vol(city) -> Volunteer:
    return city.users["volunteer"].volunteer


@pytest.fixture
def org_admin(city):
    return city.users["org_admin"]
