"""Fixtures of the reports tests: the ledger core's builders of confirmed records."""

from __future__ import annotations

import pytest

from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.records import record_append
from huiguang.volunteers.models import Volunteer

from ..ledger_core.conftest import attend, confirmed, local, make_shift, ten_days_ago

__all__ = ["attend", "confirmed", "local", "make_shift", "reverse_record", "ten_days_ago"]


def reverse_record(record: ServiceRecord, actor) -> ServiceRecord:
    """A confirmed reversal of the whole record (what a later correction of the ledger appends)."""
    return record_append(
        actor=actor,
        volunteer=record.volunteer,
        organization=record.organization,
        kind="reversal",
        source="correction",
        minutes=-record.minutes,
        service_date=record.service_date,
        reverses=record,
        fields={"activity_name": record.activity_name},
    )


@pytest.fixture
def vol(city) -> Volunteer:
    return city.users["volunteer"].volunteer


@pytest.fixture
def org_admin(city):
    return city.users["org_admin"]
