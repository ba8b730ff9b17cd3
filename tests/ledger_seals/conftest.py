"""Fixtures of the seal tests: confirmed records of two volunteers, and an intruder's tools."""

from __future__ import annotations

import base64
import datetime as dt
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from huiguang.ledger.chain import GENESIS, record_hash
from huiguang.ledger.models import ChainHead, Seal, SealHead, ServiceRecord
from huiguang.ledger.seal import batch_heads, chained_payload, digest_of, heads_digest

from ..ledger_core.conftest import confirmed, drop_record_triggers, make_shift, ten_days_ago

__all__ = ["drop_record_triggers", "verify", "rechain", "reseal_all", "new_key", "b64"]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def verify(*keys: str) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    args = [f"--public-key={k}" for k in keys]
    try:
        call_command("verify_ledger", *args, stdout=out, stderr=err)
        return 0, out.getvalue()
    except CommandError as exc:
        return exc.returncode, str(exc) + "\n" + err.getvalue()


def new_key() -> tuple[Ed25519PrivateKey, str]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key, b64(public)


def rechain(volunteer_id: int) -> None:
    """What an intruder does after editing a record: recompute the volunteer's whole chain."""
    prev = GENESIS
    records = ServiceRecord.objects.filter(volunteer_id=volunteer_id, chain_index__isnull=False)
    for record in records.order_by("chain_index"):
        record.prev_hash = prev
        record.hash = record_hash(prev, record)
        ServiceRecord.objects.filter(pk=record.pk).update(prev_hash=record.prev_hash, hash=record.hash)
        prev = record.hash
    ChainHead.objects.filter(volunteer_id=volunteer_id).update(head_hash=prev)


def reseal_all(key: Ed25519PrivateKey, public: str) -> None:
    """…and re-sign every seal from the first with their own key, links and all."""
    previous = GENESIS
    for seal in Seal.objects.order_by("sequence"):
        links = seal.entries.values_list("record__volunteer_id", "record__chain_index", "record__hash")
        digest = heads_digest(batch_heads(links))
        payload = chained_payload(
            sequence=seal.sequence,
            sealed_at=seal.sealed_at,
            previous=previous,
            records=seal.records,
            heads_digest=digest,
        )
        Seal.objects.filter(pk=seal.pk).update(
            heads_digest=digest,
            previous=previous,
            digest=digest_of(payload),
            signature=f"{b64(payload)}.{b64(key.sign(payload))}",
            public_key=public,
        )
        previous = digest_of(payload)
    SealHead.objects.update(digest=previous)


@pytest.fixture
def sealed(city):
    """Two records of 张小明 (one confirmation each) and one of the second volunteer, ten days
    ago: three seals."""
    vol = city.users["volunteer"].volunteer
    admin = city.users["org_admin"]
    records = [confirmed(make_shift(city.org_a, start=h, hours=2), vol, admin) for h in (8, 11)]
    other = city.users["volunteer_b"].volunteer
    day = ten_days_ago() + dt.timedelta(days=1)
    records.append(confirmed(make_shift(city.org_b, day=day, hours=3), other, city.users["city_admin"]))
    return records


def b64decode_payload(body: str) -> bytes:
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
