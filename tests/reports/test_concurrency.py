"""Ten confirmations of ten volunteers at once all land in the shared counter rows (the city's row
is in every one), PostgreSQL, threads. The counters are added to by upserts that add
(core.bulk.bulk_add), whose addition is atomic: even without the rollup lock no count is lost (the
control of the read-then-write these replaced lost counts). The lock still orders the writers, so
that transactions adding to shared rows in different orders never deadlock, and keeps
`rebuild_rollups` apart from them: both shown below, each with its control (the lock replaced by
nothing), the threads' order forced by a barrier or events, so that the failure is certain without
the lock, not a matter of timing."""

import contextlib
import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.records import records_confirm
from huiguang.reports.models import RegionMonth
from huiguang.reports.services import project_rollups, rebuild, rollups
from huiguang.reports.services.rebuild import reports_rollups_rebuild

from ..factories import VolunteerFactory, at_once
from .conftest import attend, confirmed, make_shift, ten_days_ago

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
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


def _without_the_lock(monkeypatch) -> None:
    for module in (rollups, rebuild, project_rollups):
        monkeypatch.setattr(module, "lock_rollups", lambda: None)


def _record(city, volunteer, day: dt.date, pk: int) -> ServiceRecord:
    """A record as a confirming transaction hands it to the rollups (in memory: rollups_add reads
    nothing else of it)."""
    return ServiceRecord(
        pk=pk,
        volunteer=volunteer,
        organization=city.org_a,
        region_code=city.town_a.code,
        service_date=day,
        minutes=60,
        kind=ServiceRecord.Kind.SERVICE,
        is_credit=True,
    )


def _two_months_in_opposite_orders(city) -> list:
    """Two transactions each add a January and a February record, in opposite orders, and wait
    for each other between the two: each then holds the rows of its first month (city, town,
    organization, category × month, the day, the marks) and asks for the other's. Returns each
    transaction's outcome."""
    volunteer = city.users["volunteer"].volunteer
    january, february = dt.date(2025, 1, 6), dt.date(2025, 2, 6)
    orders = {"a": [(january, 1), (february, 2)], "b": [(february, 3), (january, 4)]}
    # With the lock, the second transaction waits for the lock before its first addition: the
    # first one then waits for it here in vain and goes on after the timeout.
    between = threading.Barrier(2, timeout=3)

    def add_both(name):
        with transaction.atomic():
            for i, (day, pk) in enumerate(orders[name]):
                rollups.rollups_add(records=[_record(city, volunteer, day, pk)], stars={})
                if i == 0:
                    with contextlib.suppress(threading.BrokenBarrierError):
                        between.wait()
        return "ok"

    return at_once(["a", "b"], add_both)


def test_transactions_adding_to_the_same_rows_in_opposite_orders_never_deadlock(city):
    assert _two_months_in_opposite_orders(city) == ["ok", "ok"]
    for month in (dt.date(2025, 1, 1), dt.date(2025, 2, 1)):
        row = RegionMonth.objects.get(region_code=city.city.code, month=month)
        assert (row.minutes, row.records, row.active_volunteers) == (120, 2, 1)


def test_without_the_rollup_lock_opposite_orders_deadlock(city, monkeypatch):
    _without_the_lock(monkeypatch)
    outcomes = _two_months_in_opposite_orders(city)
    assert outcomes.count("ok") == 1, outcomes  # PostgreSQL broke the deadlock by failing one
    assert any("deadlock detected" in str(o) for o in outcomes), outcomes


def _rebuild_racing_a_confirmation(city) -> list:
    """A rebuild that found a difference (a counter spoiled on purpose) has read the ledger; a
    confirmation then runs; the rebuild writes the rollups once the confirmation is done (or, when
    it waits for the rebuild's lock, after 3 seconds). Returns both outcomes."""
    admin = city.users["org_admin"]
    confirmed(make_shift(city.org_a, start=6, hours=1), city.users["volunteer"].volunteer, admin)
    RegionMonth.objects.filter(region_code=city.town_a.code).update(minutes=0)
    pending = attend(make_shift(city.org_a, start=9, hours=2), VolunteerFactory(residence_region=city.town_a))
    has_read, confirmation_done = threading.Event(), threading.Event()
    replace = rebuild._replace

    def replace_later(*args):
        has_read.set()
        confirmation_done.wait(timeout=3)
        replace(*args)

    rebuild._replace = replace_later  # the rebuild's thread only reaches it

    def run(job):
        if job == "rebuild":
            return len(reports_rollups_rebuild(apply=True))
        has_read.wait(timeout=10)
        try:
            return records_confirm(actor=admin, ids=[pending.pk])
        finally:
            confirmation_done.set()

    try:
        return at_once(["rebuild", "confirm"], run)
    finally:
        rebuild._replace = replace


def test_a_rebuild_keeps_a_confirmation_out_until_it_is_done(city):
    outcomes = _rebuild_racing_a_confirmation(city)
    assert sorted(map(str, outcomes)) == ["1", "1"], outcomes  # one difference fixed, one confirmed
    assert reports_rollups_rebuild(apply=False) == []
    assert _city_row(city).minutes == 60 + 120


def test_without_the_rollup_lock_a_rebuild_loses_a_concurrent_confirmation(city, monkeypatch):
    _without_the_lock(monkeypatch)
    outcomes = _rebuild_racing_a_confirmation(city)
    assert sorted(map(str, outcomes)) == ["1", "1"], outcomes
    assert _city_row(city).minutes == 60  # the confirmation's 120 minutes were written over
    assert reports_rollups_rebuild(apply=False) != []
