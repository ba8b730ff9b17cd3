"""The rules of check-in (DESIGN §4, §5): toggling in and out, the ledger record of a pair,
idempotency, the 3-pair limit, the QR token's windows, the code and the radius, the e-card, the
forgotten check-out and no-shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.attendance import codes, services
from huiguang.attendance.models import CheckIn
from huiguang.core.errors import FieldErrors, Refused
from huiguang.ledger.models import ServiceRecord
from huiguang.volunteers.ecard import ecard_token

from .conftest import LAT, LNG, enrol, make_activity, make_shift, member

pytestmark = pytest.mark.django_db


def record(day, kind, at, key, method="leader", actor=None, **extra):
    return services.checkin_record(
        enrollment=day.enrollment,
        kind=kind,
        method=method,
        at=at,
        idempotency_key=key,
        payload={"k": key, "kind": kind},
        actor=actor,
        **extra,
    )


def test_check_in_then_out_makes_one_pending_record_of_the_time_inside_the_shift(fixed_day, city):
    day = fixed_day
    start = day.shift.starts_at
    record(day, "in", start + dt.timedelta(minutes=20), "a")
    out, created = record(day, "out", start + dt.timedelta(minutes=110), "b", actor=city.users["leader"])
    assert created and out.kind == "out"
    rec = ServiceRecord.objects.get(enrollment=day.enrollment)
    assert rec.minutes == 90
    assert rec.status == ServiceRecord.Status.PENDING
    assert rec.source == "leader" and rec.is_credit
    day.enrollment.refresh_from_db()
    assert day.enrollment.status == Enrollment.Status.ATTENDED


def test_a_retry_with_the_same_key_returns_the_first_check_in(day):
    at = day.shift.starts_at
    first, created = record(day, "in", at, "same")
    again, created_again = record(day, "in", at + dt.timedelta(seconds=30), "same")
    assert created and not created_again
    assert again.pk == first.pk
    assert CheckIn.objects.count() == 1


def test_the_same_key_with_another_payload_is_refused(day):
    record(day, "in", day.shift.starts_at, "k1")
    with pytest.raises(FieldErrors) as exc:
        services.checkin_record(
            enrollment=day.enrollment,
            kind="out",
            method="leader",
            at=day.shift.starts_at,
            idempotency_key="k1",
            payload={"other": True},
            actor=None,
        )
    assert "idempotency_key" in exc.value.errors
    assert CheckIn.objects.count() == 1


def test_checking_in_twice_and_out_without_in_are_refused(day):
    with pytest.raises(Refused) as exc:
        record(day, "out", day.shift.starts_at, "o")
    assert exc.value.reason == "NOT_IN"
    record(day, "in", day.shift.starts_at, "i1")
    with pytest.raises(Refused) as exc:
        record(day, "in", day.shift.starts_at + dt.timedelta(minutes=1), "i2")
    assert exc.value.reason == "ALREADY_IN"
    assert "已" in str(exc.value.message)


def test_at_most_three_pairs_a_day_per_activity(fixed_day, settings):
    day = fixed_day
    assert settings.HUIGUANG_MAX_CHECKIN_PAIRS == 3
    t = day.shift.starts_at
    for n in range(3):
        record(day, "in", t + dt.timedelta(minutes=n * 40), f"in{n}")
        record(day, "out", t + dt.timedelta(minutes=n * 40 + 30), f"out{n}")
    with pytest.raises(Refused) as exc:
        record(day, "in", t + dt.timedelta(minutes=130), "in3")
    assert exc.value.reason == "TOO_MANY_PAIRS"
    assert "3" in str(exc.value.message)
    assert CheckIn.objects.filter(kind="in").count() == 3
    assert ServiceRecord.objects.filter(enrollment=day.enrollment).count() == 3


def test_the_pair_limit_counts_every_shift_of_the_activity(fixed_day, settings):
    day = fixed_day
    settings.HUIGUANG_MAX_CHECKIN_PAIRS = 1
    other = enrol(make_shift(day.activity, name="量血压"), day.volunteer)
    t = day.shift.starts_at
    record(day, "in", t, "x1")
    record(day, "out", t + dt.timedelta(minutes=30), "x2")
    with pytest.raises(Refused) as exc:
        services.checkin_record(
            enrollment=other,
            kind="in",
            method="leader",
            at=t + dt.timedelta(minutes=40),
            idempotency_key="x3",
            payload={},
            actor=None,
        )
    assert exc.value.reason == "TOO_MANY_PAIRS"


def test_not_confirmed_and_out_of_time_are_refused(day, city):
    applied = enrol(day.shift, member(city.org_a), status=Enrollment.Status.APPLIED)
    with pytest.raises(Refused) as exc:
        services.checkin_record(
            enrollment=applied,
            kind="in",
            method="leader",
            at=timezone.now(),
            idempotency_key="z",
            payload={},
            actor=None,
        )
    assert exc.value.reason == "NOT_ENROLLED"
    with pytest.raises(Refused) as exc:
        record(day, "in", day.shift.ends_at, "late")
    assert exc.value.reason == "SHIFT_OVER"
    with pytest.raises(Refused) as exc:
        record(day, "in", day.shift.starts_at - dt.timedelta(minutes=61), "early")
    assert exc.value.reason == "NOT_OPEN"
    assert not CheckIn.objects.exists()


def test_in_and_out_within_the_same_minute_checks_out_without_a_record(day):
    at = day.shift.starts_at + dt.timedelta(minutes=5)
    record(day, "in", at, "q1")
    record(day, "out", at, "q2")
    assert CheckIn.objects.filter(kind="out").count() == 1
    assert not ServiceRecord.objects.exists()


# --- QR -------------------------------------------------------------------------------------------------


def test_the_qr_token_holds_for_its_window_and_the_next_only(day, settings):
    settings.HUIGUANG_QR_ROTATE_SECONDS = 30
    now = 1_800_000_000.0
    window = codes.qr_window(now)
    token = codes.qr_token(day.shift.pk, window=window)
    assert codes.qr_verify(token, now=now) == codes.QrCheck(day.shift.pk, "")
    assert codes.qr_verify(token, now=now + 30).problem == ""
    assert codes.qr_verify(token, now=now + 60).problem == "EXPIRED"
    assert codes.qr_verify(codes.qr_token(day.shift.pk, window=window + 1), now=now).problem == "EXPIRED"
    body, sig = token.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + sig
    assert codes.qr_verify(forged, now=now).problem == "INVALID"
    assert codes.qr_verify("nonsense", now=now).problem == "INVALID"
    ecard = ecard_token(day.volunteer)
    assert codes.qr_verify(ecard, now=now).problem == "INVALID"


def test_qr_checks_in_then_out(day, city):
    user = city.users["volunteer"]
    token = codes.qr_token(day.shift.pk)
    first = services.checkin_by_qr(
        user=user, token=token, idempotency_key="u:1", payload={"t": token, "n": 1}
    )
    assert first.created and first.checkin.kind == "in" and first.checkin.method == "qr"
    assert "张小明" in first.message and "签到" in first.message
    second = services.checkin_by_qr(
        user=user, token=token, idempotency_key="u:2", payload={"t": token, "n": 2}
    )
    assert second.checkin.kind == "out"


def test_qr_refuses_expired_forged_and_not_enrolled(day, city):
    old = codes.qr_token(day.shift.pk, window=codes.qr_window() - 2)
    with pytest.raises(Refused) as exc:
        services.checkin_by_qr(
            user=city.users["volunteer"], token=old, idempotency_key="e", payload={"t": old}
        )
    assert exc.value.reason == "QR_EXPIRED" and "过期" in str(exc.value.message)
    with pytest.raises(Refused) as exc:
        services.checkin_by_qr(user=city.users["volunteer"], token="x.y", idempotency_key="f", payload={})
    assert exc.value.reason == "QR_INVALID"
    token = codes.qr_token(day.shift.pk)
    with pytest.raises(Refused) as exc:
        services.checkin_by_qr(user=city.users["volunteer_b"], token=token, idempotency_key="g", payload={})
    assert exc.value.reason == "NOT_ENROLLED"
    with pytest.raises(Refused) as exc:
        services.checkin_by_qr(user=city.users["town_admin"], token=token, idempotency_key="h", payload={})
    assert exc.value.reason == "NOT_A_VOLUNTEER"
    assert not CheckIn.objects.exists()


# --- code + location ---------------------------------------------------------------------------------


def test_the_activity_code_is_six_digits_fixed_for_the_day(day):
    code = codes.activity_code(day.activity.pk)
    assert len(code) == 6 and code.isdigit()
    assert code == codes.activity_code(day.activity.pk)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    others = {codes.activity_code(day.activity.pk, tomorrow), codes.activity_code(day.activity.pk + 1)}
    assert code not in others


def by_code(city, code, lat, lng, key="c1", role="volunteer"):
    return services.checkin_by_code(
        user=city.users[role],
        code=code,
        lat=lat,
        lng=lng,
        idempotency_key=key,
        payload={"code": code, "lat": lat, "lng": lng, "k": key},
    )


def test_code_and_location_inside_the_radius_checks_in(day, city):
    outcome = by_code(city, codes.activity_code(day.activity.pk), float(LAT) + 0.001, float(LNG))  # ~111 m
    assert outcome.checkin.method == "code_gps" and outcome.checkin.kind == "in"
    assert float(outcome.checkin.lat) == pytest.approx(float(LAT) + 0.001)


def test_code_outside_the_radius_is_refused_with_the_distance(day, city):
    with pytest.raises(Refused) as exc:
        by_code(city, codes.activity_code(day.activity.pk), float(LAT) + 0.01, float(LNG))  # ~1.1 km
    assert exc.value.reason == "TOO_FAR"
    assert "1112" in str(exc.value.message) and "300" in str(exc.value.message)
    assert not CheckIn.objects.exists()


def test_a_wrong_code_or_no_location_is_refused(day, city):
    code = codes.activity_code(day.activity.pk)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(Refused) as exc:
        by_code(city, wrong, LAT, LNG)
    assert exc.value.reason == "WRONG_CODE"
    with pytest.raises(FieldErrors):
        by_code(city, "12ab", LAT, LNG, key="c2")
    with pytest.raises(FieldErrors):
        by_code(city, code, None, None, key="c3")
    day.activity.lat = None
    day.activity.save(update_fields=["lat"])
    with pytest.raises(Refused) as exc:
        by_code(city, code, LAT, LNG, key="c4")
    assert exc.value.reason == "NO_LOCATION"


# --- e-card -------------------------------------------------------------------------------------------


def test_the_leader_scans_an_e_card(day, city):
    token = ecard_token(day.volunteer)
    outcome = services.checkin_by_ecard(
        actor=city.users["leader"], shift=day.shift, token=token, idempotency_key="l:1", payload={"t": token}
    )
    assert outcome.checkin.method == "ecard" and outcome.checkin.recorded_by == city.users["leader"]
    with pytest.raises(Refused) as exc:
        services.checkin_by_ecard(
            actor=city.users["leader"],
            shift=day.shift,
            token=token[:-3] + "xyz",
            idempotency_key="l:2",
            payload={"t": 2},
        )
    assert exc.value.reason == "ECARD_INVALID"
    stranger = ecard_token(city.users["volunteer_b"].volunteer)
    with pytest.raises(Refused) as exc:
        services.checkin_by_ecard(
            actor=city.users["leader"],
            shift=day.shift,
            token=stranger,
            idempotency_key="l:3",
            payload={"t": 3},
        )
    assert exc.value.reason == "NOT_ENROLLED"


# --- after the shift ------------------------------------------------------------------------------------


def test_a_forgotten_check_out_is_closed_at_the_shift_end_as_pending(city):
    now = timezone.now().replace(microsecond=0)
    activity = make_activity(city.org_a, starts_at=now - dt.timedelta(hours=5), hours=4)
    shift = make_shift(activity)
    enrollment = enrol(shift, city.users["volunteer"].volunteer)
    services.checkin_record(
        enrollment=enrollment,
        kind="in",
        method="qr",
        at=shift.starts_at + dt.timedelta(minutes=20),
        idempotency_key="f1",
        payload={},
        actor=None,
    )
    assert services.close_forgotten_checkouts(now=now) == 1
    out = CheckIn.objects.get(enrollment=enrollment, kind="out")
    assert out.method == "auto" and out.at == shift.ends_at
    rec = ServiceRecord.objects.get(enrollment=enrollment)
    assert rec.status == ServiceRecord.Status.PENDING
    assert rec.source == "auto" and rec.is_credit is False
    assert rec.minutes == 220
    assert rec.note == "忘记签退：已在岗位结束时自动签退，请审核。"  # in the site's language
    # Twice is harmless.
    assert services.close_forgotten_checkouts(now=now) == 0
    assert CheckIn.objects.filter(enrollment=enrollment).count() == 2


def test_an_open_check_in_waits_for_the_grace_after_the_shift_end(day):
    record(day, "in", day.shift.starts_at, "g1")
    assert services.close_forgotten_checkouts(now=day.shift.ends_at + dt.timedelta(minutes=5)) == 0
    assert services.close_forgotten_checkouts(now=day.shift.ends_at + dt.timedelta(minutes=16)) == 1


def test_confirmed_people_who_never_came_become_no_shows(city):
    now = timezone.now().replace(microsecond=0)
    activity = make_activity(city.org_a, starts_at=now - dt.timedelta(hours=5), hours=4)
    shift = make_shift(activity)
    came = enrol(shift, city.users["volunteer"].volunteer)
    absent = enrol(shift, member(city.org_a))
    applied = enrol(shift, member(city.org_a), status=Enrollment.Status.APPLIED)
    services.checkin_record(
        enrollment=came,
        kind="in",
        method="leader",
        at=shift.starts_at,
        idempotency_key="n1",
        payload={},
        actor=None,
    )
    running = make_activity(city.org_a, starts_at=now - dt.timedelta(hours=1))
    not_yet = enrol(make_shift(running), member(city.org_a))
    assert services.mark_no_shows(now=now) == 1
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses[absent.pk] == "no_show"
    assert statuses[came.pk] == "confirmed"
    assert statuses[applied.pk] == "applied"
    assert statuses[not_yet.pk] == "confirmed"
    assert services.mark_no_shows(now=now) == 0


def test_the_close_attendance_command_does_both(city):
    from io import StringIO

    from django.core.management import call_command

    now = timezone.now().replace(microsecond=0)
    shift = make_shift(make_activity(city.org_a, starts_at=now - dt.timedelta(hours=5), hours=4))
    came = enrol(shift, city.users["volunteer"].volunteer)
    absent = enrol(shift, member(city.org_a))
    services.checkin_record(
        enrollment=came,
        kind="in",
        method="leader",
        at=shift.starts_at,
        idempotency_key="m1",
        payload={},
        actor=None,
    )
    out = StringIO()
    call_command("close_attendance", stdout=out)
    assert "1 check-out(s) closed, 1 no-show(s) marked" in out.getvalue()
    absent.refresh_from_db()
    assert absent.status == "no_show"
    assert CheckIn.objects.filter(enrollment=came, kind="out", method="auto").exists()
