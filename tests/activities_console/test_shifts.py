"""Shifts: one by one, as a grid of positions × time slots, capacity never below the places taken,
deletion only when nobody holds the shift."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from huiguang.activities.models import Enrollment, Shift
from huiguang.activities.services import shifts
from huiguang.core.errors import FieldErrors, Refused
from huiguang.notifications.models import Notification

from ..factories import enrol, make_shift, member
from .conftest import make_activity


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


@pytest.fixture
def service_day(city):
    """A 金平湖·志愿服务日 draft from 08:00 to 12:00, 20 days ahead."""
    day = timezone.localdate() + dt.timedelta(days=20)
    activity = make_activity(city.org_a, starts_at=at(day, 8), hours=4)
    return activity, day


def test_grid_of_positions_and_time_slots(city, service_day):
    activity, day = service_day
    slots = shifts.parse_time_slots("08:30-10:00\n10:00-11:30")
    positions = shifts.parse_counted_lines("量血压 × 4\n理发\n磨刀 2", field="positions")
    assert positions == [("量血压", 4), ("理发", None), ("磨刀", 2)]
    created = shifts.shifts_create_grid(
        actor=city.users["leader"],
        activity=activity,
        positions=positions,
        slots=slots,
        capacity=3,
        waitlist_size=1,
    )
    assert len(created) == 6
    rows = sorted(
        (
            timezone.localtime(s.starts_at).strftime("%H:%M"),
            timezone.localtime(s.ends_at).strftime("%H:%M"),
            s.name,
            s.capacity,
        )
        for s in Shift.objects.filter(activity=activity)
    )
    assert rows == [
        ("08:30", "10:00", "理发", 3),
        ("08:30", "10:00", "磨刀", 2),
        ("08:30", "10:00", "量血压", 4),
        ("10:00", "11:30", "理发", 3),
        ("10:00", "11:30", "磨刀", 2),
        ("10:00", "11:30", "量血压", 4),
    ]
    assert set(Shift.objects.filter(activity=activity).values_list("waitlist_size", flat=True)) == {1}
    # The same grid again adds nothing: existing shifts are not doubled.
    again = shifts.shifts_create_grid(
        actor=city.users["leader"], activity=activity, positions=positions, slots=slots, capacity=3
    )
    assert again == [] and Shift.objects.filter(activity=activity).count() == 6


def test_grid_refuses_slots_outside_the_activity_all_or_nothing(city, service_day):
    activity, _day = service_day
    with pytest.raises(FieldErrors) as exc:
        shifts.shifts_create_grid(
            actor=city.users["org_admin"],
            activity=activity,
            positions=["量血压", "理发"],
            slots=shifts.parse_time_slots("08:30-10:00\n11:30-13:00"),
        )
    assert "slots" in exc.value.errors and "岗位时间须在活动时间" in exc.value.errors["slots"][0]
    assert not Shift.objects.filter(activity=activity).exists()


@pytest.mark.parametrize(
    "text,message",
    [
        ("8点半到10点", "每行写一个时段，例如 08:30-10:00（这一行不对：8点半到10点）。"),
        ("10:00-08:30", "时段的结束时间必须晚于开始时间：10:00-08:30。"),
        ("25:00-26:00", "每行写一个时段，例如 08:30-10:00（这一行不对：25:00-26:00）。"),
    ],
)
def test_bad_time_slots_are_explained(text, message):
    with pytest.raises(FieldErrors) as exc:
        shifts.parse_time_slots(text)
    assert exc.value.errors["slots"] == [message]


def test_slot_notations():
    slots = shifts.parse_time_slots("8:30~10:00\n10:00–11:30\n13:00至14:00\n")
    assert [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in slots] == [
        ("08:30", "10:00"),
        ("10:00", "11:30"),
        ("13:00", "14:00"),
    ]


def test_shift_must_lie_within_the_activity(city, service_day):
    activity, day = service_day
    with pytest.raises(FieldErrors) as exc:
        shifts.shift_create(
            actor=city.users["org_admin"],
            activity=activity,
            name="量血压",
            starts_at=at(day, 7),
            ends_at=at(day, 9),
            capacity=2,
        )
    assert "starts_at" in exc.value.errors
    shift = shifts.shift_create(
        actor=city.users["org_admin"],
        activity=activity,
        name="量血压",
        starts_at=at(day, 8),
        ends_at=at(day, 9),
        capacity=2,
    )
    assert (shift.capacity, shift.waitlist_size, shift.taken) == (2, 0, 0)


def test_capacity_never_drops_below_the_places_taken(city, scene):
    for _ in range(2):
        enrol(scene.shift, member(city.org_a))
    scene.shift.refresh_from_db()
    assert scene.shift.taken == 3
    with pytest.raises(FieldErrors) as exc:
        shifts.shift_update(actor=city.users["org_admin"], shift=scene.shift, capacity=2)
    assert exc.value.errors["capacity"] == ["已有 3 个名额被占用：名额不能少于此数。"]
    assert Shift.objects.get(pk=scene.shift.pk).capacity == 5
    shifts.shift_update(actor=city.users["org_admin"], shift=scene.shift, capacity=3)
    assert Shift.objects.get(pk=scene.shift.pk).capacity == 3


def test_more_places_promote_from_the_waitlist(city, scene):
    pytest.importorskip("huiguang.activities.services.enrollments").waitlist_promote
    Shift.objects.filter(pk=scene.shift.pk).update(capacity=1)
    scene.shift.refresh_from_db()
    waiting = member(city.org_a, real_name="钱候补")
    enrol(scene.shift, waiting, Enrollment.Status.WAITLISTED)
    shifts.shift_update(actor=city.users["org_admin"], shift=scene.shift, capacity=2)
    assert Enrollment.objects.get(shift=scene.shift, volunteer=waiting).status == Enrollment.Status.CONFIRMED
    shift = Shift.objects.get(pk=scene.shift.pk)
    assert (shift.taken, shift.waitlisted) == (2, 0)


def test_changing_the_time_tells_the_shifts_volunteers(city, scene):
    new_start = scene.shift.starts_at + dt.timedelta(hours=1)
    shifts.shift_update(actor=city.users["org_admin"], shift=scene.shift, starts_at=new_start)
    notice = Notification.objects.get(user=city.users["volunteer"], kind="activity_changed")
    assert timezone.localtime(new_start).strftime("%H:%M") in notice.body


def test_leaders_change_shifts_of_drafts_only(city, scene):
    shift = scene.draft.shifts.get()
    shifts.shift_update(actor=city.users["leader"], shift=shift, name="测血糖")
    with pytest.raises(PermissionDenied):
        shifts.shift_update(actor=city.users["leader"], shift=scene.shift, name="理发2")
    with pytest.raises(PermissionDenied):
        shifts.shift_update(actor=city.users["auditor"], shift=shift, name="x")


def test_a_shift_with_sign_ups_cannot_be_deleted(city, scene):
    with pytest.raises(Refused) as exc:
        shifts.shift_delete(actor=city.users["org_admin"], shift=scene.shift)
    assert exc.value.reason == "has_enrollments"
    assert Shift.objects.filter(pk=scene.shift.pk).exists()
    empty = make_shift(scene.published, name="磨刀")
    Enrollment.objects.create(shift=empty, volunteer=member(city.org_a), status=Enrollment.Status.CANCELLED)
    shifts.shift_delete(actor=city.users["org_admin"], shift=empty)
    assert not Shift.objects.filter(pk=empty.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_lowering_capacity_while_volunteers_sign_up_never_overbooks(city):
    """Threads take places with the sign-up guard while an organizer lowers the capacity: the
    shift never ends with more places taken than it has (the guarded UPDATE on both sides)."""
    from django.db.models import F

    activity = make_activity(city.org_a, status="published")
    shift = make_shift(activity, capacity=10, waitlist_size=0)
    results = []

    def take():
        try:
            results.append(
                Shift.objects.filter(pk=shift.pk, taken__lt=F("capacity")).update(taken=F("taken") + 1)
            )
        finally:
            connection.close()

    def lower():
        try:
            shifts.shift_update(
                actor=city.users["org_admin"],
                shift=Shift.objects.select_related(
                    "activity__organization__region", "activity__organization__parent"
                ).get(pk=shift.pk),
                capacity=4,
            )
            results.append("lowered")
        except FieldErrors:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)] + [threading.Thread(target=lower)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shift.refresh_from_db()
    assert shift.taken <= shift.capacity
    assert shift.taken == results.count(1)
    assert ("lowered" in results) == (shift.capacity == 4)
