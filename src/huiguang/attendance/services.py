"""Check-in and check-out (DESIGN §4, §5): four ways, one write.

Every way ends in `checkin_record` (or `checkin_toggle`, which decides in or out itself): a
CheckIn row with a unique idempotency key and the SHA-256 of the request's payload. A retry with
the same key and payload gets the first row back; the same key with another payload is refused
(FieldErrors → 422). A check-out closes the volunteer's last open check-in and hands the pair to
the ledger (ledger.services.records.record_from_attendance), in the same transaction.

Locking (docs/locking.md): the volunteer's row is locked first (FOR NO KEY UPDATE on PostgreSQL;
SQLite's IMMEDIATE transaction serializes every writer), then the key is looked up again and the
rules are checked on committed data. So 20 identical requests at once make one row, and two
different check-ins of one person at once cannot both pass the pair limit. The unique key stays
as the last guard: an IntegrityError from a race becomes the first answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.models import Enrollment, Shift
from huiguang.core import crypto
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.geo import haversine_km
from huiguang.volunteers.ecard import ecard_verify
from huiguang.volunteers.models import Volunteer

from . import codes
from .models import CheckIn

IN, OUT = CheckIn.Kind.IN, CheckIn.Kind.OUT
M = CheckIn.Method
# Check-in opens this long before the shift starts (people come early to get ready; the ledger
# counts only from the shift start minus the grace).
OPENS_BEFORE = dt.timedelta(minutes=60)
KEY_MAX = 80
CHECKIN_STATUSES = (Enrollment.Status.CONFIRMED, Enrollment.Status.ATTENDED)


class Reason:
    NOT_ENROLLED = "NOT_ENROLLED"
    ALREADY_IN = "ALREADY_IN"
    NOT_IN = "NOT_IN"
    TOO_MANY_PAIRS = "TOO_MANY_PAIRS"
    NOT_OPEN = "NOT_OPEN"
    SHIFT_OVER = "SHIFT_OVER"
    QR_INVALID = "QR_INVALID"
    QR_EXPIRED = "QR_EXPIRED"
    WRONG_CODE = "WRONG_CODE"
    NO_LOCATION = "NO_LOCATION"
    TOO_FAR = "TOO_FAR"
    ECARD_INVALID = "ECARD_INVALID"
    NOT_A_VOLUNTEER = "NOT_A_VOLUNTEER"


def payload_digest(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _check_key(key: str) -> None:
    if not key or len(key) > KEY_MAX:
        raise FieldErrors({"idempotency_key": [_("Send an idempotency key of 1 to 64 characters.")]})


def checkin_existing(idempotency_key: str, payload: dict) -> CheckIn | None:
    """The check-in made earlier with this key and payload, None if the key is new; the same key
    with another payload raises FieldErrors."""
    found = (
        CheckIn.objects.select_related("enrollment", "enrollment__shift", "enrollment__volunteer")
        .filter(idempotency_key=idempotency_key)
        .first()
    )
    if found is not None and found.payload_sha256 != payload_digest(payload):
        raise FieldErrors(
            {"idempotency_key": [_("This idempotency key was already used for a different check-in.")]}
        )
    return found


def _lock_volunteer(volunteer_id: int) -> None:
    list(Volunteer.objects.select_for_update(no_key=True).filter(pk=volunteer_id).values_list("pk"))


def _day_bounds(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    day = timezone.localdate(at)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def open_checkin(enrollment: Enrollment) -> CheckIn | None:
    """The enrollment's check-in that has no check-out yet."""
    last = enrollment.checkins.order_by("-at", "-pk").first()
    return last if last is not None and last.kind == IN else None


def checkin_record(
    *,
    enrollment: Enrollment,
    kind: str,
    method: str,
    at: dt.datetime,
    idempotency_key: str,
    payload: dict,
    lat=None,
    lng=None,
    device: str = "",
    actor,
    pending_note: str = "",
) -> tuple[CheckIn, bool]:
    """Check `enrollment`'s volunteer in or out; (check-in, created). Raises Refused (409) for the
    rules, FieldErrors (422) for a reused key with another payload."""
    if kind not in CheckIn.Kind.values:
        raise FieldErrors({"kind": [_("Choose check-in or check-out.")]})
    return _record(
        enrollment=enrollment,
        kind=kind,
        method=method,
        at=at,
        idempotency_key=idempotency_key,
        payload=payload,
        lat=lat,
        lng=lng,
        device=device,
        actor=actor,
        pending_note=pending_note,
    )


def checkin_toggle(
    *,
    enrollment: Enrollment,
    method: str,
    at: dt.datetime,
    idempotency_key: str,
    payload: dict,
    lat=None,
    lng=None,
    device: str = "",
    actor,
) -> tuple[CheckIn, bool]:
    """Check in, or out when the volunteer is in (the QR code, the code and the e-card toggle)."""
    return _record(
        enrollment=enrollment,
        kind=None,
        method=method,
        at=at,
        idempotency_key=idempotency_key,
        payload=payload,
        lat=lat,
        lng=lng,
        device=device,
        actor=actor,
        pending_note="",
    )


def _coord(value):
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise FieldErrors({"lat": [_("Send the location as decimal degrees.")]}) from None


def _record(*, enrollment, kind, method, at, idempotency_key, payload, lat, lng, device, actor, pending_note):
    _check_key(idempotency_key)
    if method not in M.values:
        raise FieldErrors({"method": [_("Unknown check-in method.")]})
    digest = payload_digest(payload)
    found = checkin_existing(idempotency_key, payload)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            _lock_volunteer(enrollment.volunteer_id)
            found = checkin_existing(idempotency_key, payload)
            if found is not None:
                return found, False
            enrollment = Enrollment.objects.select_related("shift", "shift__activity", "volunteer").get(
                pk=enrollment.pk
            )
            shift = enrollment.shift
            opened = open_checkin(enrollment)
            if kind is None:
                kind = OUT if opened is not None else IN
            if kind == IN:
                _check_in_allowed(enrollment, shift, opened, at)
            elif opened is None:
                raise Refused(
                    Reason.NOT_IN,
                    _("%(name)s has not checked in to this shift.")
                    % {"name": enrollment.volunteer.real_name},
                )
            elif at < opened.at:
                raise FieldErrors({"at": [_("A check-out cannot be earlier than its check-in.")]})
            checkin = CheckIn.objects.create(
                enrollment=enrollment,
                kind=kind,
                method=method,
                at=at,
                lat=_coord(lat),
                lng=_coord(lng),
                device=(device or "")[:200],
                idempotency_key=idempotency_key,
                payload_sha256=digest,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            recorded = kind == OUT and _to_ledger(enrollment, opened, checkin, actor, pending_note)
            audit_log(
                action=f"attendance.check_{kind}",
                actor=actor,
                obj=checkin,
                method=method,
                enrollment=enrollment.pk,
                recorded=recorded,
            )
    except IntegrityError:
        # The same key committed by a concurrent request between our look-up and our insert.
        found = checkin_existing(idempotency_key, payload)
        if found is None:
            raise
        return found, False
    return checkin, True


def _to_ledger(enrollment, opened: CheckIn, checkin: CheckIn, actor, pending_note: str) -> bool:
    """Hand the pair to the ledger; False when it holds no minute of the shift (checked in and out
    before the start, or within the same minute): the check-out stands, there is nothing to count."""
    from huiguang.ledger.services.records import record_from_attendance

    if checkin.at <= opened.at:
        return False
    try:
        record_from_attendance(
            enrollment=enrollment,
            started_at=opened.at,
            ended_at=checkin.at,
            source=checkin.method,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            pending_note=pending_note,
        )
    except Refused as exc:
        if exc.reason != "OUTSIDE_SHIFT":
            raise
        return False
    return True


def _check_in_allowed(enrollment: Enrollment, shift: Shift, opened: CheckIn | None, at: dt.datetime) -> None:
    name = enrollment.volunteer.real_name
    if enrollment.status not in CHECKIN_STATUSES:
        raise Refused(
            Reason.NOT_ENROLLED, _("%(name)s has no confirmed place on this shift.") % {"name": name}
        )
    if opened is not None:
        raise Refused(
            Reason.ALREADY_IN,
            _("%(name)s is already checked in (since %(time)s).")
            % {"name": name, "time": timezone.localtime(opened.at).strftime("%H:%M")},
        )
    if at < shift.starts_at - OPENS_BEFORE:
        raise Refused(
            Reason.NOT_OPEN,
            _("Check-in opens one hour before the shift starts (%(time)s).")
            % {"time": timezone.localtime(shift.starts_at).strftime("%m-%d %H:%M")},
        )
    if at >= shift.ends_at:
        raise Refused(Reason.SHIFT_OVER, _("This shift is over: check-in is closed."))
    start, end = _day_bounds(at)
    pairs = CheckIn.objects.filter(
        enrollment__volunteer_id=enrollment.volunteer_id,
        enrollment__shift__activity_id=shift.activity_id,
        kind=IN,
        at__gte=start,
        at__lt=end,
    ).count()
    limit = settings.HUIGUANG_MAX_CHECKIN_PAIRS
    if pairs >= limit:
        raise Refused(
            Reason.TOO_MANY_PAIRS,
            _("At most %(n)d check-ins a day per activity: %(name)s has used them all.")
            % {"n": limit, "name": name},
        )


# --- the four ways ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    checkin: CheckIn
    created: bool

    @property
    def message(self) -> str:
        c = self.checkin
        values = {
            "name": c.enrollment.volunteer.real_name,
            "shift": c.enrollment.shift.name,
            "time": timezone.localtime(c.at).strftime("%H:%M"),
        }
        if c.kind == IN:
            return _("%(name)s checked in to %(shift)s at %(time)s.") % values
        return _("%(name)s checked out of %(shift)s at %(time)s.") % values


def _volunteer(user) -> Volunteer:
    volunteer = Volunteer.objects.filter(user=user).select_related("user").first() if user else None
    if volunteer is None:
        raise Refused(Reason.NOT_A_VOLUNTEER, _("Only registered volunteers can check in."))
    return volunteer


def _enrollment(shift_id: int, volunteer: Volunteer) -> Enrollment:
    enrollment = (
        Enrollment.objects.filter(shift_id=shift_id, volunteer=volunteer, status__in=CHECKIN_STATUSES)
        .select_related("shift", "shift__activity", "volunteer")
        .order_by("-pk")
        .first()
    )
    if enrollment is None:
        raise Refused(Reason.NOT_ENROLLED, _("You have no confirmed place on this shift."))
    return enrollment


def checkin_by_qr(
    *, user, token: str, idempotency_key: str, payload: dict, kind: str | None = None, device: str = ""
) -> Outcome:
    """A volunteer's phone opened the URL of the leader's rotating QR code."""
    found = checkin_existing(idempotency_key, payload)
    if found is not None:
        return Outcome(found, False)
    volunteer = _volunteer(user)
    check = codes.qr_verify(token)
    if check.problem == "INVALID":
        raise Refused(
            Reason.QR_INVALID, _("This check-in code is not valid. Scan the leader's QR code again.")
        )
    if check.problem == "EXPIRED":
        raise Refused(Reason.QR_EXPIRED, _("This QR code has expired. Scan the leader's screen again."))
    assert check.shift_id is not None  # a token that verified names its shift
    enrollment = _enrollment(check.shift_id, volunteer)
    return _do(enrollment, kind, M.QR, idempotency_key, payload, user, device=device)


def _do(enrollment, kind, method, key, payload, actor, **extra) -> Outcome:
    now = timezone.now()
    if kind is None:
        checkin, created = checkin_toggle(
            enrollment=enrollment,
            method=method,
            at=now,
            idempotency_key=key,
            payload=payload,
            actor=actor,
            **extra,
        )
    else:
        checkin, created = checkin_record(
            enrollment=enrollment,
            kind=kind,
            method=method,
            at=now,
            idempotency_key=key,
            payload=payload,
            actor=actor,
            **extra,
        )
    return Outcome(checkin, created)


def code_candidates(volunteer: Volunteer, now: dt.datetime | None = None):
    """The volunteer's enrollments that could check in or out now: open check-ins first, then the
    shifts open for check-in (from an hour before the start to the end)."""
    now = now or timezone.now()
    open_in = Exists(
        CheckIn.objects.filter(enrollment=OuterRef("pk"), kind=IN).exclude(
            Exists(
                CheckIn.objects.filter(enrollment=OuterRef("enrollment"), kind=OUT, at__gte=OuterRef("at"))
            )
        )
    )
    qs = (
        Enrollment.objects.filter(volunteer=volunteer, status__in=CHECKIN_STATUSES)
        .annotate(is_in=open_in)
        .select_related("shift", "shift__activity", "volunteer")
    )
    rows = list(
        qs.filter(
            shift__starts_at__lte=now + OPENS_BEFORE, shift__ends_at__gt=now - dt.timedelta(hours=12)
        ).order_by("shift__starts_at", "pk")
    )
    return [e for e in rows if e.is_in] + [e for e in rows if not e.is_in and e.shift.ends_at > now]


def checkin_by_code(
    *,
    user,
    code: str,
    lat,
    lng,
    idempotency_key: str,
    payload: dict,
    kind: str | None = None,
    device: str = "",
) -> Outcome:
    """The activity's 6-digit code of the day plus the phone's location inside the radius."""
    found = checkin_existing(idempotency_key, payload)
    if found is not None:
        return Outcome(found, False)
    volunteer = _volunteer(user)
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit() and code.isascii()):
        raise FieldErrors({"code": [_("Enter the 6-digit code the leader shows.")]})
    try:
        lat_f, lng_f = float(lat), float(lng)
        if not (-90 <= lat_f <= 90 and -180 <= lng_f <= 180):
            raise ValueError
    except (TypeError, ValueError):
        raise FieldErrors(
            {"lat": [_("Your location is missing: allow this page to use your location.")]}
        ) from None
    today = timezone.localdate()
    matches = [e for e in code_candidates(volunteer) if codes.code_matches(e.shift.activity_id, code, today)]
    if not matches:
        raise Refused(Reason.WRONG_CODE, _("This code does not match any of your shifts today."))
    enrollment = matches[0]
    activity = enrollment.shift.activity
    if activity.lat is None or activity.lng is None:
        raise Refused(Reason.NO_LOCATION, _("This activity has no location: ask the leader to check you in."))
    metres = haversine_km(lat_f, lng_f, activity.lat, activity.lng) * 1000
    if metres > activity.checkin_radius_m:
        raise Refused(
            Reason.TOO_FAR,
            _("You are %(distance)d m from the activity; check-in works within %(radius)d m.")
            % {"distance": round(metres), "radius": activity.checkin_radius_m},
        )
    return _do(
        enrollment, kind, M.CODE_GPS, idempotency_key, payload, user, lat=lat_f, lng=lng_f, device=device
    )


def checkin_by_ecard(
    *, actor, shift: Shift, token: str, idempotency_key: str, payload: dict, kind: str | None = None
) -> Outcome:
    """The leader scanned a volunteer's e-card QR (the caller checked the leader may run `shift`)."""
    found = checkin_existing(idempotency_key, payload)
    if found is not None:
        return Outcome(found, False)
    try:
        number = ecard_verify((token or "").strip())
    except (crypto.SignatureError, ValueError, KeyError, TypeError, AttributeError):
        raise Refused(Reason.ECARD_INVALID, _("This is not a valid volunteer e-card.")) from None
    enrollment = (
        Enrollment.objects.filter(
            shift=shift, volunteer__volunteer_number=number, status__in=CHECKIN_STATUSES
        )
        .select_related("shift", "volunteer")
        .order_by("-pk")
        .first()
    )
    if enrollment is None:
        raise Refused(Reason.NOT_ENROLLED, _("This volunteer has no confirmed place on this shift."))
    return _do(enrollment, kind, M.ECARD, idempotency_key, payload, actor)


def checkin_by_leader(
    *, actor, enrollment: Enrollment, kind: str, idempotency_key: str, payload: dict
) -> Outcome:
    """The leader marks a person on the roster (the caller checked the leader may run the shift)."""
    return _do(enrollment, kind, M.LEADER, idempotency_key, payload, actor)


# --- after the shift ----------------------------------------------------------------------------------


def close_forgotten_checkouts(*, now: dt.datetime | None = None) -> int:
    """Close every check-in still open once its shift ended (plus the grace): a check-out at the
    shift end, method auto, and a pending record with a note for the admins to review. Safe to run
    twice at once: the check-out's key is derived from the check-in."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=settings.HUIGUANG_CHECKIN_GRACE_MINUTES)
    later_out = CheckIn.objects.filter(enrollment=OuterRef("enrollment"), kind=OUT, at__gte=OuterRef("at"))
    open_ins = (
        CheckIn.objects.filter(kind=IN, enrollment__shift__ends_at__lte=now - grace)
        .exclude(Exists(later_out))
        .select_related("enrollment", "enrollment__shift")
        .order_by("pk")
    )
    note = _("Check-out forgotten: closed automatically at the shift end; please review.")
    closed = 0
    for checkin in open_ins.iterator(chunk_size=200):
        enrollment = checkin.enrollment
        key = f"auto-out:{checkin.pk}"
        payload = {"auto_close": checkin.pk}
        at = max(enrollment.shift.ends_at, checkin.at)
        try:
            _row, created = checkin_record(
                enrollment=enrollment,
                kind=OUT,
                method=M.AUTO,
                at=at,
                idempotency_key=key,
                payload=payload,
                actor=None,
                pending_note=note,
            )
        except Refused as exc:
            # The ledger refused the pair (it overlaps another record, or the day is full): close
            # the check-in anyway so it is not retried for ever, and leave the reason in the audit log.
            with transaction.atomic():
                _lock_volunteer(enrollment.volunteer_id)
                if checkin_existing(key, payload) is not None:
                    continue
                row = CheckIn.objects.create(
                    enrollment=enrollment,
                    kind=OUT,
                    method=M.AUTO,
                    at=at,
                    idempotency_key=key,
                    payload_sha256=payload_digest(payload),
                )
                audit_log(
                    action="attendance.auto_close",
                    obj=row,
                    outcome="failed",
                    reason=exc.reason,
                    actor_label="system",
                )
            created = True
        closed += int(created)
    return closed


def mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Confirmed enrollments of shifts that ended (plus the grace) with no check-in at all become
    no-shows. One guarded UPDATE: a late check-in changes nothing (it needs `confirmed`)."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=settings.HUIGUANG_CHECKIN_GRACE_MINUTES)
    return (
        Enrollment.objects.filter(
            status=Enrollment.Status.CONFIRMED,
            shift__ends_at__lte=now - grace,
        )
        .exclude(Exists(CheckIn.objects.filter(enrollment=OuterRef("pk"))))
        .update(status=Enrollment.Status.NO_SHOW, updated_at=now)
    )
