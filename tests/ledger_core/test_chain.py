"""The hash chain and verify_ledger: untouched it exits 0; a direct edit is named (with the
database's triggers dropped, as an intruder with the database's owner rights would; the triggers
and the seals have their own tests in tests/ledger_seals)."""

import datetime as dt
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from huiguang.ledger.chain import GENESIS, canonical_json, record_hash
from huiguang.ledger.models import ChainHead, SealEntry, ServiceRecord
from huiguang.ledger.services.records import record_append, record_reject, records_confirm

from .conftest import attend, confirmed, drop_record_triggers, make_shift


def verify() -> tuple[int, str]:
    try:
        from io import StringIO

        out, err = StringIO(), StringIO()
        call_command("verify_ledger", stdout=out, stderr=err)
        return 0, out.getvalue()
    except CommandError as exc:
        return exc.returncode, str(exc) + "\n" + err.getvalue()


@pytest.fixture
def chain3(city, vol, org_admin, monkeypatch):
    """Three confirmed records of one volunteer and one of another, confirmed two days ago."""
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - dt.timedelta(days=2))
    records = [confirmed(make_shift(city.org_a, start=h, hours=2), vol, org_admin) for h in (8, 11, 14)]
    other = city.users["volunteer_b"].volunteer
    records.append(confirmed(make_shift(city.org_b, start=9, hours=3), other, city.users["city_admin"]))
    monkeypatch.setattr(timezone, "now", real_now)
    return records


def test_confirmation_links_each_record_to_the_previous(chain3, vol):
    first, second, third, _other = chain3
    assert (first.chain_index, second.chain_index, third.chain_index) == (1, 2, 3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    expected = hashlib.sha256((second.hash + canonical_json(third)).encode()).hexdigest()
    assert third.hash == expected
    head = ChainHead.objects.get(volunteer=vol)
    assert (head.length, head.head_hash) == (3, third.hash)


def test_canonical_json_is_sorted_compact_utc_and_leaves_out_the_hashes(chain3):
    text = canonical_json(chain3[0])
    assert " " not in text.replace(chain3[0].activity_name, "")
    assert '"hash"' not in text and "prev_hash" not in text
    assert text.index('"activity_id"') < text.index('"volunteer_id"')
    assert chain3[0].confirmed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") in text


def test_untouched_ledger_verifies(chain3):
    code, out = verify()
    assert code == 0
    assert "4 confirmed records" in out


def test_minutes_edited_in_the_database_are_named(chain3, vol):
    drop_record_triggers()
    target = chain3[1]
    ServiceRecord.objects.filter(pk=target.pk).update(minutes=target.minutes + 60)
    code, out = verify()
    assert code == 1
    assert f"record {target.pk} " in out
    assert vol.volunteer_number in out
    assert "does not match its hash" in out


def test_raw_sql_edit_of_an_evaluation_is_named(chain3):
    drop_record_triggers()
    target = chain3[3]
    table = ServiceRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET evaluation = %s WHERE id = %s", ["优秀", target.pk])
    code, out = verify()
    assert code == 1 and f"record {target.pk} " in out


def test_a_rehashed_record_still_breaks_the_next_link(chain3):
    drop_record_triggers()
    first, second = chain3[0], chain3[1]
    forged = ServiceRecord.objects.get(pk=first.pk)
    forged.minutes = 999
    new_hash = record_hash(forged.prev_hash, forged)
    ServiceRecord.objects.filter(pk=first.pk).update(minutes=999, hash=new_hash)
    code, out = verify()
    assert code == 1 and f"record {second.pk} " in out and "prev_hash" in out


def test_a_deleted_record_is_detected(chain3):
    drop_record_triggers()
    SealEntry.objects.filter(record=chain3[1]).delete()
    ServiceRecord.objects.filter(pk=chain3[1].pk).delete()
    code, out = verify()
    assert code == 1 and f"record {chain3[2].pk} " in out
    assert "BROKEN seal #2: adds 1 records but 0 are under it" in out


def test_application_paths_never_change_a_confirmed_row(city, chain3, org_admin):
    target = chain3[0]
    before = ServiceRecord.objects.filter(pk=target.pk).values().get()
    # confirming again, rejecting, confirming with another rating: nothing changes
    assert records_confirm(actor=org_admin, ids=[target.pk], rating=1, evaluation="差") == 0
    from huiguang.core.errors import Refused

    with pytest.raises(Refused):
        record_reject(actor=org_admin, record=target, reason="改主意了")
    # a correction is a new row reversing it, never an edit
    reversal = record_append(
        actor=org_admin,
        volunteer=target.volunteer,
        organization=target.organization,
        kind=ServiceRecord.Kind.REVERSAL,
        source=ServiceRecord.Source.CORRECTION,
        minutes=-target.minutes,
        service_date=target.service_date,
        reverses=target,
    )
    assert reversal.status == ServiceRecord.Status.CONFIRMED and reversal.minutes == -target.minutes
    assert ServiceRecord.objects.filter(pk=target.pk).values().get() == before
    assert verify()[0] == 0


def test_a_rejected_record_never_enters_the_chain(city, vol, shift, org_admin):
    record = attend(shift, vol)
    record_reject(actor=org_admin, record=record, reason="未到岗")
    assert records_confirm(actor=org_admin, ids=[record.pk]) == 0
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.REJECTED and record.note == "未到岗"
    assert record.chain_index is None and not ChainHead.objects.filter(volunteer=vol, length__gt=0).exists()
