"""Confirmations at once never fork the chain of seals (PostgreSQL, threads, a real database)."""

import pytest
from django.db import connection

from huiguang.ledger.chain import GENESIS
from huiguang.ledger.models import Seal, SealHead
from huiguang.ledger.services import sealing
from huiguang.ledger.services.records import records_confirm

from ..factories import at_once, member
from ..ledger_core.conftest import attend, make_shift
from .conftest import verify

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
]

WORKERS = 10


def _one_record_each(city) -> list[int]:
    shift = make_shift(city.org_a)
    return [attend(shift, member(city.org_a)).pk for _ in range(WORKERS)]


def test_parallel_confirmations_make_one_unbroken_chain_of_seals(city):
    ids = _one_record_each(city)
    admin = city.users["org_admin"]
    outcomes = at_once(ids, lambda pk: records_confirm(actor=admin, ids=[pk]))
    assert outcomes == [1] * WORKERS
    seals = list(Seal.objects.order_by("sequence"))
    assert [s.sequence for s in seals] == list(range(1, WORKERS + 1))
    assert [s.previous for s in seals] == [GENESIS] + [s.digest for s in seals[:-1]]
    assert [s.records for s in seals] == list(range(1, WORKERS + 1))
    assert SealHead.objects.get().digest == seals[-1].digest
    assert verify()[0] == 0


def test_control_without_the_seal_head_lock_confirmations_fork_or_collide(city, monkeypatch):
    """The control: reading the seal head without bumping it (no row lock) lets parallel
    confirmations take the same sequence number — the unique sequence then fails them."""

    def unlocked():
        head, _created = SealHead.objects.get_or_create(pk=sealing.SEAL_HEAD_PK)
        head.sequence += 1
        return head

    monkeypatch.setattr(sealing, "lock_seal_head", unlocked)
    ids = _one_record_each(city)
    admin = city.users["org_admin"]
    outcomes = at_once(ids, lambda pk: records_confirm(actor=admin, ids=[pk]))
    errors = [o for o in outcomes if isinstance(o, str)]
    assert errors and all("sequence" in e or "IntegrityError" in e for e in errors), outcomes
