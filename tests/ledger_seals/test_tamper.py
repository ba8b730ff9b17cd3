"""Tamper tests (issue "Hardening", the ledger's promise): what an intruder with the database in
hand does, step by step, and what stops or names it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import override_settings

from huiguang.ledger.models import Seal, SealEntry, SealHead, ServiceRecord
from huiguang.ledger.triggers import TABLE, TRIGGERS, missing_triggers

from .conftest import drop_record_triggers, new_key, rechain, reseal_all, verify


def test_the_untouched_ledger_verifies_and_every_record_is_under_a_seal(sealed):
    code, out = verify()
    assert code == 0, out
    assert "3 confirmed records, 3 seals verified" in out
    assert SealEntry.objects.filter(record__in=sealed).count() == 3


def test_the_database_refuses_to_update_a_confirmed_row(sealed):
    target = sealed[0]
    with pytest.raises(IntegrityError, match="never changes"), transaction.atomic():
        ServiceRecord.objects.filter(pk=target.pk).update(minutes=target.minutes + 60)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET evaluation = %s WHERE id = %s", ["优秀", target.pk])
    assert ServiceRecord.objects.get(pk=target.pk).minutes == target.minutes


def test_the_database_refuses_to_delete_a_confirmed_row(sealed):
    target = sealed[1]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("PRAGMA defer_foreign_keys = ON" if connection.vendor == "sqlite" else "SELECT 1")
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [target.pk])
    assert ServiceRecord.objects.filter(pk=target.pk).exists()


def test_pending_rows_are_not_frozen(city, sealed):
    from ..ledger_core.conftest import attend, make_shift

    record = attend(make_shift(city.org_a, start=15, hours=1), city.users["volunteer"].volunteer)
    ServiceRecord.objects.filter(pk=record.pk).update(note="缺少签退")  # pending: allowed
    assert ServiceRecord.objects.get(pk=record.pk).note == "缺少签退"


def test_with_the_trigger_dropped_an_edit_is_named(sealed, city):
    drop_record_triggers()
    target = sealed[1]
    ServiceRecord.objects.filter(pk=target.pk).update(minutes=target.minutes + 60)
    code, out = verify()
    assert code == 1
    number = city.users["volunteer"].volunteer.volunteer_number
    assert f"BROKEN record {target.pk} of volunteer {number}" in out
    assert "MISSING trigger(s) on ledger_servicerecord: ledger_confirmed_record_no_update" in out


def test_a_missing_trigger_alone_fails_verification(sealed):
    drop_record_triggers()
    assert set(missing_triggers()) >= set(TRIGGERS)
    code, out = verify()
    assert code == 1 and "MISSING trigger" in out and "BROKEN" not in out


def test_a_rechained_record_resealed_with_a_new_key_fails_naming_the_seal(sealed):
    drop_record_triggers()
    target = sealed[0]
    ServiceRecord.objects.filter(pk=target.pk).update(minutes=target.minutes + 600)
    rechain(target.volunteer_id)
    key, public = new_key()
    reseal_all(key, public)
    code, out = verify()
    assert code == 1
    assert "BROKEN record" not in out  # the chains hold: only the key gives the forgery away
    assert "BROKEN seal #1: not signed by the configured key nor a retired one" in out
    # the old design trusted the key in the row: that key "verifies" every forged seal
    assert Seal.objects.filter(public_key=public).count() == 3


def test_a_seal_whose_signature_was_swapped_for_another_keys_is_named(sealed):
    seal = Seal.objects.get(sequence=2)
    key, public = new_key()
    body = seal.signature.split(".")[0]
    from .conftest import b64, b64decode_payload

    forged = f"{body}.{b64(key.sign(b64decode_payload(body)))}"
    Seal.objects.filter(pk=seal.pk).update(signature=forged, public_key=public)
    code, out = verify()
    assert code == 1 and "BROKEN seal #2: not signed by the configured key" in out


def test_a_retired_key_is_trusted_and_no_other(sealed):
    key, public = new_key()
    reseal_all(key, public)  # as if the seals were made before a key rotation
    assert verify()[0] == 1
    with override_settings(HUIGUANG_RETIRED_SIGNING_KEYS=[public]):
        code, out = verify()
    assert code == 0, out
    # an auditor with only the published key(s)
    assert verify(public)[0] == 0
    assert verify(new_key()[1])[0] == 1


def test_deleting_the_last_seal_is_detected(sealed):
    last = Seal.objects.get(sequence=3)
    SealEntry.objects.filter(seal=last).delete()
    last.delete()
    code, out = verify()
    assert code == 1
    assert "the seal head says #3" in out and "a seal is missing" in out
    assert f"1 confirmed record(s) under no seal (the first: record {sealed[2].pk})" in out


def test_deleting_the_last_seal_and_rewinding_the_head_is_still_detected(sealed):
    last = Seal.objects.get(sequence=3)
    previous = Seal.objects.get(sequence=2)
    SealEntry.objects.filter(seal=last).delete()
    last.delete()
    SealHead.objects.update(sequence=2, digest=previous.digest, records=previous.records)
    code, out = verify()
    assert code == 1 and f"under no seal (the first: record {sealed[2].pk})" in out


def test_deleting_a_middle_seal_breaks_the_chain_of_seals(sealed):
    middle = Seal.objects.get(sequence=2)
    SealEntry.objects.filter(seal=middle).delete()
    middle.delete()
    code, out = verify()
    assert code == 1
    assert "BROKEN seal #3: comes after seal #1 (seal #2 is missing)" in out
    assert "previous digest" in out
