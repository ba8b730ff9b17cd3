"""DESIGN §5 rules that live in record_from_attendance: the clamp and grace, overlaps, the daily cap."""

import datetime as dt

import pytest

from huiguang.activities.models import Enrollment
from huiguang.core.errors import Refused
from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.records import record_reject

from .conftest import attend, local, make_shift, ten_days_ago

M = dt.timedelta(minutes=1)


def test_arriving_early_within_grace_counts_from_the_shift_start(city, vol, shift):
    record = attend(shift, vol, start=shift.starts_at - 10 * M, end=shift.ends_at)
    assert record.minutes == 240
    assert record.started_at == shift.starts_at
    assert record.status == ServiceRecord.Status.PENDING


def test_leaving_late_within_grace_counts_to_the_shift_end(city, vol, shift):
    record = attend(shift, vol, start=shift.starts_at, end=shift.ends_at + 14 * M)
    assert record.minutes == 240
    assert record.ended_at == shift.ends_at


def test_presence_far_outside_the_shift_never_counts(city, vol, shift):
    # An hour early and two hours late: still only the shift window (travel and waiting excluded).
    record = attend(shift, vol, start=shift.starts_at - 60 * M, end=shift.ends_at + 120 * M)
    assert record.minutes == 240


def test_late_arrival_and_early_departure_count_actual_whole_minutes(city, vol, shift):
    start = shift.starts_at + 25 * M + dt.timedelta(seconds=40)
    record = attend(shift, vol, start=start, end=shift.ends_at - 30 * M)
    # 09:25:40 → 12:30:00 is 184 min 20 s: whole minutes only.
    assert record.minutes == 184


def test_checking_in_late_within_grace_counts_from_the_start(city, vol, shift):
    record = attend(shift, vol, start=shift.starts_at + 12 * M, end=shift.ends_at)
    assert record.minutes == 240 and record.started_at == shift.starts_at


def test_checking_out_early_within_grace_counts_to_the_end(city, vol, shift):
    record = attend(shift, vol, start=shift.starts_at, end=shift.ends_at - 15 * M)
    assert record.minutes == 240 and record.ended_at == shift.ends_at


def test_beyond_the_grace_the_actual_times_count(city, vol, shift):
    record = attend(shift, vol, start=shift.starts_at + 16 * M, end=shift.ends_at - 16 * M)
    assert record.minutes == 240 - 32


def test_grace_is_a_setting(city, vol, shift, settings):
    settings.HUIGUANG_CHECKIN_GRACE_MINUTES = 0
    record = attend(shift, vol, start=shift.starts_at + 10 * M, end=shift.ends_at + 10 * M)
    assert record.minutes == 230  # no grace: ten late minutes are not counted
    settings.HUIGUANG_CHECKIN_GRACE_MINUTES = 15


def test_presence_outside_the_shift_is_refused(city, vol, shift):
    with pytest.raises(Refused) as exc:
        attend(shift, vol, start=shift.ends_at + 30 * M, end=shift.ends_at + 90 * M)
    assert exc.value.reason == "OUTSIDE_SHIFT"
    assert not ServiceRecord.objects.exists()


def test_record_carries_the_2012_fields_and_marks_the_enrollment_attended(city, vol, shift):
    leader = city.users["leader"]
    record = attend(shift, vol, source=ServiceRecord.Source.LEADER, actor=leader)
    activity = shift.activity
    assert record.activity_name == activity.title
    assert record.place == "平湖市当湖街道东湖社区"
    assert record.recipients == "东湖社区老人"
    assert record.content == "导览岗"
    assert record.responsible_person == city.org_a.contact_name
    assert record.recorder == "李队长"
    assert record.is_credit is True
    assert record.service_date == ten_days_ago()
    assert Enrollment.objects.get(shift=shift, volunteer=vol).status == Enrollment.Status.ATTENDED


def test_auto_closed_record_is_not_credit(city, vol, shift):
    record = attend(shift, vol, source=ServiceRecord.Source.AUTO)
    assert record.is_credit is False


def test_several_pairs_in_a_day_make_one_record_each(city, vol, shift):
    first = attend(shift, vol, start=shift.starts_at, end=shift.starts_at + 60 * M)
    second = attend(shift, vol, start=shift.starts_at + 90 * M, end=shift.ends_at)
    assert (first.minutes, second.minutes) == (60, 150)
    assert ServiceRecord.objects.filter(volunteer=vol).count() == 2


def test_overlapping_record_is_refused(city, vol, shift):
    attend(shift, vol)
    other = make_shift(city.org_b, start=11, hours=4)  # 11:00–15:00, overlaps 09:00–13:00
    with pytest.raises(Refused) as exc:
        attend(other, vol)
    assert exc.value.reason == "OVERLAPS"
    assert ServiceRecord.objects.filter(volunteer=vol).count() == 1


def test_back_to_back_shifts_do_not_overlap_thanks_to_the_clamp(city, vol, shift):
    attend(shift, vol, end=shift.ends_at + 10 * M)  # left 13:10, counted to 13:00
    afternoon = make_shift(city.org_a, start=13, hours=3)
    record = attend(afternoon, vol, start=afternoon.starts_at - 5 * M)
    assert record.minutes == 180


def test_a_rejected_record_does_not_block_a_new_one(city, vol, shift, org_admin):
    first = attend(shift, vol)
    record_reject(actor=org_admin, record=first, reason="签到地点不符")
    second = attend(make_shift(city.org_a, start=10, hours=2), vol)
    assert second.minutes == 120


def test_daily_cap_refuses_the_record_that_passes_it(city, vol, settings):
    settings.HUIGUANG_DAILY_CAP_HOURS = 12
    day = ten_days_ago()
    attend(make_shift(city.org_a, day=day, start=6, hours=6), vol)  # 06–12
    attend(make_shift(city.org_a, day=day, start=12, hours=5), vol)  # 12–17: 11 h
    evening = make_shift(city.org_b, day=day, start=18, hours=2)
    with pytest.raises(Refused) as exc:
        attend(evening, vol)
    assert exc.value.reason == "DAILY_CAP"
    assert "12" in str(exc.value.message)
    # Exactly up to the cap is allowed.
    last = attend(evening, vol, start=local(day, 18), end=local(day, 19))
    assert last.minutes == 60
    assert sum(ServiceRecord.objects.filter(volunteer=vol).values_list("minutes", flat=True)) == 12 * 60


def test_the_cap_is_per_day(city, vol, settings):
    settings.HUIGUANG_DAILY_CAP_HOURS = 4
    day = ten_days_ago()
    attend(make_shift(city.org_a, day=day, start=9, hours=4), vol)
    record = attend(make_shift(city.org_a, day=day + dt.timedelta(days=1), start=9, hours=4), vol)
    assert record.minutes == 240
