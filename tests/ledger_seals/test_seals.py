"""The chain of seals: every confirmation is sealed at once, the seals link, anyone can check
them offline from the public list, and the hourly safety net seals what was left."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import importlib
import itertools
import json
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from huiguang.core.crypto import public_key_b64, sign_token
from huiguang.ledger.chain import GENESIS
from huiguang.ledger.models import LedgerSeal, Seal, SealEntry, SealHead, ServiceRecord
from huiguang.ledger.seal import daily_payload, day_end, heads_as_of, heads_digest
from huiguang.ledger.services import records as record_services
from huiguang.ledger.services.corrections import dispute_accept, dispute_open
from huiguang.ledger.services.records import records_confirm
from huiguang.ledger.tasks import seal_hourly
from huiguang.ledger.triggers import missing_triggers

from ..ledger_core.conftest import attend, make_shift, ten_days_ago
from .conftest import new_key, verify


def test_a_record_confirmed_a_minute_ago_is_already_under_a_seal(city):
    volunteer = city.users["volunteer"].volunteer
    record = attend(make_shift(city.org_a), volunteer)
    assert records_confirm(actor=city.users["org_admin"], ids=[record.pk]) == 1
    entry = SealEntry.objects.select_related("seal").get(record=record)
    assert timezone.now() - entry.seal.sealed_at < dt.timedelta(minutes=1)
    assert (entry.seal.sequence, entry.seal.records, entry.seal.added) == (1, 1, 1)
    assert verify()[0] == 0


def test_a_bulk_confirmation_is_one_seal_and_the_seals_link(city):
    volunteer, other = city.users["volunteer"].volunteer, city.users["volunteer_b"].volunteer
    admin = city.users["city_admin"]
    first = [attend(make_shift(city.org_a, start=h, hours=1), volunteer).pk for h in (8, 10)]
    first.append(attend(make_shift(city.org_b, start=8, hours=1), other).pk)
    assert records_confirm(actor=admin, ids=first) == 3
    second = attend(make_shift(city.org_a, start=14, hours=1), volunteer)
    assert records_confirm(actor=admin, ids=[second.pk]) == 1
    one, two = Seal.objects.order_by("sequence")
    assert (one.sequence, one.added, one.records, one.previous) == (1, 3, 3, GENESIS)
    assert (two.sequence, two.added, two.records, two.previous) == (2, 1, 4, one.digest)
    head = SealHead.objects.get()
    assert (head.sequence, head.records, head.digest) == (2, 4, two.digest)


def test_a_dispute_correction_is_sealed_in_its_transaction(city, sealed):
    dispute = dispute_open(volunteer=sealed[0].volunteer, record=sealed[0], reason="少算了一小时")
    dispute_accept(actor=city.users["org_admin"], dispute=dispute, minutes=sealed[0].minutes + 60)
    assert not ServiceRecord.objects.filter(status="confirmed", seal_entry__isnull=True).exists()
    assert Seal.objects.count() == 5 and verify()[0] == 0  # 3 + the reversal + the corrected row


def offline_check(seals: list[dict], public_key: str) -> int:
    """The snippet of docs/ledger.md: check a copy of GET /api/v1/seals with the published key
    (cryptography only). Returns how many records the last seal covers."""

    def unb64(text: str) -> bytes:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    key = Ed25519PublicKey.from_public_bytes(unb64(public_key))
    previous, records = "0" * 64, 0
    for seal in sorted(seals, key=lambda s: s["sequence"]):
        body, signature = seal["signature"].split(".")
        payload = unb64(body)
        key.verify(unb64(signature), payload)  # raises InvalidSignature
        signed = json.loads(payload)
        assert hashlib.sha256(payload).hexdigest() == seal["digest"]
        assert signed["previous"] == previous == seal["previous"]
        assert signed["records"] == records + seal["added"] == seal["records"]
        assert signed["heads_digest"] == seal["heads_digest"]
        previous, records = seal["digest"], signed["records"]
    return records


def test_the_published_list_verifies_offline_with_the_published_key(client, sealed):
    key = client.get("/.well-known/huiguang-signing-key").json()["key"]
    body = client.get("/api/v1/seals?limit=2").json()
    assert body["count"] == 3 and [s["sequence"] for s in body["items"]] == [3, 2]
    seals = body["items"] + client.get("/api/v1/seals?offset=2").json()["items"]
    assert offline_check(seals, key) == 3
    assert (
        body["items"][0]["key_fingerprint"]
        == hashlib.sha256(base64.urlsafe_b64decode(key + "=")).hexdigest()[:16]
    )
    forged = [dict(s) for s in seals]
    forged[0]["records"] += 1
    with pytest.raises(AssertionError):
        offline_check(forged, key)


def test_the_seal_page_shows_every_digest(client, sealed):
    response = client.get("/ledger/seals/")
    assert response.status_code == 200
    page = response.content.decode()
    for seal in Seal.objects.all():
        assert seal.digest in page and seal.signature in page and f"#{seal.sequence}" in page
    assert Seal.objects.first().key_fingerprint in page


def test_the_seal_list_costs_the_same_queries_however_many_seals(client, city, assert_queries_constant):
    volunteer = city.users["volunteer"].volunteer
    admin = city.users["org_admin"]
    days = itertools.count(1)

    def grow():
        for _ in range(3):
            day = ten_days_ago() - dt.timedelta(days=next(days))
            record = attend(make_shift(city.org_a, day=day, hours=1), volunteer)
            records_confirm(actor=admin, ids=[record.pk])

    grow()
    assert_queries_constant(lambda: client.get("/ledger/seals/"), grow)
    assert_queries_constant(lambda: client.get("/api/v1/seals"), grow)


def test_the_safety_net_seals_what_a_confirmation_left_unsealed(city, monkeypatch):
    monkeypatch.setattr(record_services, "seal_records", lambda records: None)
    record = attend(make_shift(city.org_a), city.users["volunteer"].volunteer)
    records_confirm(actor=city.users["org_admin"], ids=[record.pk])
    code, out = verify()
    assert code == 1 and f"1 confirmed record(s) under no seal (the first: record {record.pk})" in out
    out = StringIO()
    call_command("seal_ledger", stdout=out)
    assert out.getvalue().startswith("sealed #1: 1 records (1 in all)")
    assert verify()[0] == 0
    assert seal_hourly.call() == "nothing to seal"
    assert Seal.objects.count() == 1


def test_old_daily_seals_are_checked_against_trusted_keys(sealed):
    day = timezone.localdate()  # a seal of today's end covers the records confirmed just now
    records, rows = heads_as_of(day_end(day))

    values = {"records": records, "chains": len(rows), "heads_digest": heads_digest(rows)}
    signature = sign_token(daily_payload(day, values["records"], values["chains"], values["heads_digest"]))
    daily = LedgerSeal.objects.create(day=day, signature=signature, public_key=public_key_b64(), **values)
    assert verify()[0] == 0
    key, public = new_key()
    payload = daily_payload(day, records, len(rows), values["heads_digest"])
    b64 = base64.urlsafe_b64encode
    forged = f"{b64(payload).decode().rstrip('=')}.{b64(key.sign(payload)).decode().rstrip('=')}"
    LedgerSeal.objects.filter(pk=daily.pk).update(signature=forged, public_key=public)
    code, out = verify()
    assert code == 1 and f"BROKEN daily seal of {day}: not signed by the configured key" in out


def test_the_trigger_migration_is_reversible(db):
    migration = importlib.import_module("huiguang.ledger.migrations.0004_refuse_changes_to_confirmed_records")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.backwards(None, editor)
    assert len(missing_triggers()) == (3 if connection.vendor == "postgresql" else 2)
    migration.forwards(None, editor)
    assert missing_triggers() == []
