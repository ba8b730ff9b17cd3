"""Ten confirmations of ten volunteers at once all land in the shared counter rows (the city's row
is in every one), PostgreSQL, threads. The counters are added to by upserts that add
(core.bulk.bulk_add), whose addition is atomic: even without the rollup lock no count is lost (the
control of the read-then-write these replaced lost counts). The lock still orders the writers, so
that transactions adding to shared rows in different orders never deadlock, and keeps
`rebuild_rollups` apart from them."""

import pytest
from django.db import connection

from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.records import records_confirm
from huiguang.reports.models import RegionMonth
from huiguang.reports.services import rollups
from huiguang.reports.services.rebuild import reports_rollups_rebuild

from ..factories import VolunteerFactory, at_once
from .conftest import attend, confirmed, make_shift, ten_days_ago

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
]

WORKERS = 10


def _pending(city) -> list[ServiceRecord]:
    """A first confirmed record (the counter rows exist), then one pending record for each of ten
    volunteers."""
    admin = city.users["org_admin"]
    confirmed(make_shift(city.org_a, start=6, hours=1), city.users["volunteer"].volunteer, admin)
    shift = make_shift(city.org_a, start=9, hours=2)
    people = [VolunteerFactory(residence_region=city.village_a1) for _ in range(WORKERS)]
    return [attend(shift, person) for person in people]


def _city_row(city) -> RegionMonth:
    return RegionMonth.objects.get(region_code=city.city.code, month=ten_days_ago().replace(day=1))


def test_parallel_confirmations_all_land_in_the_rollups(city):
    records = _pending(city)
    admin = city.users["org_admin"]
    outcomes = at_once([r.pk for r in records], lambda pk: records_confirm(actor=admin, ids=[pk]))
    assert outcomes == [1] * WORKERS, outcomes
    row = _city_row(city)
    assert (row.minutes, row.participations, row.active_volunteers) == (
        60 + 120 * WORKERS,
        1 + WORKERS,
        1 + WORKERS,
    )
    assert reports_rollups_rebuild(apply=False) == []


def test_without_the_rollup_lock_the_additions_still_add_up(city, monkeypatch):
    monkeypatch.setattr(rollups, "lock_rollups", lambda: None)
    records = _pending(city)
    admin = city.users["org_admin"]
    outcomes = at_once([r.pk for r in records], lambda pk: records_confirm(actor=admin, ids=[pk]))
    assert outcomes == [1] * WORKERS, outcomes
    row = _city_row(city)
    assert (row.minutes, row.participations, row.active_volunteers) == (
        60 + 120 * WORKERS,
        1 + WORKERS,
        1 + WORKERS,
    )
    assert reports_rollups_rebuild(apply=False) == []
