"""Two (twenty) confirmations of one volunteer at once never fork the chain (PostgreSQL, threads)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from huiguang.ledger.models import ChainHead, ServiceRecord, VolunteerHours
from huiguang.ledger.services.records import records_confirm

from ..factories import at_once
from .conftest import attend, make_shift, ten_days_ago

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
]

WORKERS = 10


def test_parallel_confirmations_of_one_volunteer_never_fork_the_chain(city):
    volunteer = city.users["volunteer"].volunteer
    admins = [city.users["org_admin"], city.users["town_admin"], city.users["city_admin"]]
    records = []
    for i in range(2 * WORKERS):
        day = ten_days_ago() - dt.timedelta(days=i // 4)
        shift = make_shift(city.org_a, day=day, start=8 + 2 * (i % 4), hours=1)
        records.append(attend(shift, volunteer))
    # every record is confirmed by two threads at once; each thread confirms two records
    ids = [r.pk for r in records]
    jobs = [(admins[k % 3], ids[(2 * k) % len(ids) : (2 * k) % len(ids) + 2]) for k in range(WORKERS)]
    jobs += [
        (admins[(k + 1) % 3], list(reversed(ids[(2 * k) % len(ids) : (2 * k) % len(ids) + 2])))
        for k in range(WORKERS)
    ]
    outcomes = at_once(jobs, lambda job: records_confirm(actor=job[0], ids=job[1], rating=4))
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    assert sum(outcomes) == len(ids)  # each record confirmed once

    chain = list(ServiceRecord.objects.filter(volunteer=volunteer).order_by("chain_index"))
    assert [r.chain_index for r in chain] == list(range(1, len(ids) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:]))
    head = ChainHead.objects.get(volunteer=volunteer)
    assert (head.length, head.head_hash) == (len(ids), chain[-1].hash)
    assert VolunteerHours.objects.get(volunteer=volunteer).total_minutes == 60 * len(ids)
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert "ledger OK" in out.getvalue()
    out = StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=out)
    assert "0 difference(s)" in out.getvalue()


def test_control_without_the_head_lock_confirmations_collide(city, monkeypatch):
    """The control: reading the head without its row lock lets parallel confirmations take the
    same chain position — the unique (volunteer, chain_index) constraint then fails them."""
    from huiguang.ledger.models import ChainHead
    from huiguang.ledger.services import chaining

    def unlocked(volunteer_id):
        head, _created = ChainHead.objects.get_or_create(volunteer_id=volunteer_id)
        return head

    monkeypatch.setattr(chaining, "lock_head", unlocked)
    volunteer = city.users["volunteer"].volunteer
    records = [
        attend(make_shift(city.org_a, day=ten_days_ago() - dt.timedelta(days=i), start=9, hours=1), volunteer)
        for i in range(WORKERS)
    ]
    ChainHead.objects.create(volunteer=volunteer)
    admin = city.users["org_admin"]
    outcomes = at_once([r.pk for r in records], lambda pk: records_confirm(actor=admin, ids=[pk]))
    errors = [o for o in outcomes if isinstance(o, str)]
    assert errors and all("one_chain_position" in e or "IntegrityError" in e for e in errors), outcomes
