"""record_append: reversals mirror the reversed row and happen once; make-up hours are never credit;
appended rows obey the overlap rule and the daily cap."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from huiguang.core.errors import FieldErrors, Refused
from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.records import record_append

from .conftest import confirmed, local, ten_days_ago


def _append(city, vol, actor, **kw):
    values = {
        "actor": actor,
        "volunteer": vol,
        "organization": city.org_a,
        "kind": "makeup",
        "source": "makeup",
        "minutes": 60,
        "service_date": ten_days_ago(),
    }
    values.update(kw)
    return record_append(**values)


def test_makeup_is_confirmed_chained_and_never_credit(city, vol, org_admin):
    record = _append(city, vol, org_admin, is_credit=True, fields={"activity_name": "补录：防汛值守"})
    assert (record.status, record.is_credit, record.chain_index) == ("confirmed", False, 1)
    assert record.activity_name == "补录：防汛值守"
    assert record.recorder == "队伍管理员"


def test_unconfirmed_append_stays_pending(city, vol, org_admin):
    record = _append(city, vol, org_admin, confirm=False)
    assert record.status == "pending" and record.chain_index is None


def test_a_reversal_mirrors_the_credit_flag_and_happens_once(city, vol, org_admin, shift):
    original = confirmed(shift, vol, org_admin)
    reversal = _append(
        city,
        vol,
        org_admin,
        kind="reversal",
        source="correction",
        minutes=-original.minutes,
        reverses=original,
    )
    assert reversal.is_credit is True and reversal.minutes == -240 and reversal.chain_index == 2
    with pytest.raises(Refused) as exc:
        _append(city, vol, org_admin, kind="reversal", source="correction", minutes=-10, reverses=original)
    assert exc.value.reason == "ALREADY_REVERSED"


def test_a_reversal_cannot_take_back_more_than_the_record(city, vol, org_admin, shift):
    original = confirmed(shift, vol, org_admin)
    with pytest.raises(FieldErrors):
        _append(city, vol, org_admin, kind="reversal", source="correction", minutes=-999, reverses=original)
    with pytest.raises(FieldErrors):
        _append(city, vol, org_admin, kind="correction", source="correction", minutes=-5)


def test_appended_rows_obey_overlap_and_cap_but_a_correction_replaces_the_reversed_row(
    city, vol, org_admin, shift, settings
):
    original = confirmed(shift, vol, org_admin)
    day = original.service_date
    with pytest.raises(Refused) as exc:
        _append(city, vol, org_admin, started_at=local(day, 10), ended_at=local(day, 11))
    assert exc.value.reason == "OVERLAPS"
    settings.HUIGUANG_DAILY_CAP_HOURS = 5
    with pytest.raises(Refused) as exc:
        _append(city, vol, org_admin, minutes=90, started_at=local(day, 15), ended_at=local(day, 16, 30))
    assert exc.value.reason == "DAILY_CAP"
    _append(city, vol, org_admin, kind="reversal", source="correction", minutes=-240, reverses=original)
    correction = _append(
        city,
        vol,
        org_admin,
        kind="correction",
        source="correction",
        minutes=180,
        is_credit=True,
        started_at=original.started_at,
        ended_at=original.started_at + dt.timedelta(minutes=180),
    )
    assert correction.status == "confirmed" and correction.is_credit is True
    assert sum(ServiceRecord.objects.filter(volunteer=vol).values_list("minutes", flat=True)) == 180


def test_only_admins_of_the_organization_append(city, vol):
    with pytest.raises(PermissionDenied):
        _append(city, vol, city.users["outsider"])
    with pytest.raises(PermissionDenied):
        _append(city, vol, city.users["leader"])
    assert not ServiceRecord.objects.exists()


def test_the_model_refuses_to_save_or_delete_a_confirmed_row(city):
    from huiguang.ledger.models import ConfirmedRecordError, ServiceRecord

    record = ServiceRecord.objects.filter(status=ServiceRecord.Status.CONFIRMED).first()
    if record is None:
        from huiguang.ledger.services.records import record_append
        from huiguang.volunteers.models import Volunteer

        volunteer = Volunteer.objects.get(real_name="张小明")
        record = record_append(
            actor=city.users["city_admin"],
            volunteer=volunteer,
            organization=city.org_a,
            kind=ServiceRecord.Kind.MAKEUP,
            source=ServiceRecord.Source.MAKEUP,
            minutes=60,
            service_date=dt.date.today(),
            fields={"activity_name": "补录"},
            confirm=True,
        )
    before = ServiceRecord.objects.get(pk=record.pk).minutes
    record.minutes = before + 600
    with pytest.raises(ConfirmedRecordError):
        record.save()
    with pytest.raises(ConfirmedRecordError):
        record.delete()
    assert ServiceRecord.objects.get(pk=record.pk).minutes == before
