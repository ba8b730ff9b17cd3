"""The four ways to check in or out, each ending in checkins.checkin_record / checkin_toggle:
the leader's rotating QR code scanned by the volunteer, the activity's code of the day plus the
phone's location, the leader scanning the volunteer's e-card, the leader's roster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.models import Enrollment, Shift
from huiguang.core import crypto
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.geo import haversine_km
from huiguang.volunteers.ecard import EcardExpired, ecard_verify
from huiguang.volunteers.models import Volunteer

from .. import codes
from ..models import CheckIn
from ..selectors import CHECKIN_STATUSES, code_candidates
from .checkins import (
    IN,
    EnrollmentLookup,
    M,
    Reason,
    checkin_existing,
    checkin_record,
    checkin_toggle,
    checkin_write,
)
from .code_attempts import TooManyTries, code_attempts_claim, code_attempts_clear


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


# The place on the shift of a scanned QR code (the volunteer's own) and of a scanned e-card.
BY_QR = EnrollmentLookup(
    lambda p: Q(shift_id=p.shift, volunteer__user_id=p.user, status__in=CHECKIN_STATUSES), shift=int, user=int
)
BY_ECARD = EnrollmentLookup(
    lambda p: Q(shift_id=p.shift, volunteer__volunteer_number=p.number, status__in=CHECKIN_STATUSES),
    shift=int,
    number=str,
)


def _not_a_volunteer() -> Refused:
    return Refused(Reason.NOT_A_VOLUNTEER, _("Only registered volunteers can check in."))


def _volunteer(user) -> Volunteer:
    found = (
        Volunteer.objects.filter(user=user).only("id", "user_id", "real_name").order_by()[:1]
        if user is not None and user.is_authenticated
        else []
    )
    volunteer = next(iter(found), None)
    if volunteer is None:
        raise _not_a_volunteer()
    return volunteer


def _first_answer(idempotency_key: str, payload: dict) -> Outcome | None:
    """A retry refused before reaching the write (a QR code or e-card that expired meanwhile) still
    gets its first answer; only then is the key looked up (never before the write)."""
    found = checkin_existing(idempotency_key, payload)
    return Outcome(found, False) if found is not None else None


def checkin_by_qr(
    *, user, token: str, idempotency_key: str, payload: dict, kind: str | None = None, device: str = ""
) -> Outcome:
    """A volunteer's phone opened the URL of the leader's rotating QR code: one transaction finds
    the place on the shift, locks the volunteer and writes (checkins.checkin_write)."""
    check = codes.qr_verify(token)
    if check.problem or user is None or not user.is_authenticated:
        if earlier := _first_answer(idempotency_key, payload):
            return earlier
        if user is None or not user.is_authenticated:
            raise _not_a_volunteer()
        if check.problem == "EXPIRED":
            raise Refused(Reason.QR_EXPIRED, _("This QR code has expired. Scan the leader's screen again."))
        raise Refused(
            Reason.QR_INVALID, _("This check-in code is not valid. Scan the leader's QR code again.")
        )

    def missing() -> Refused:
        if not Volunteer.objects.filter(user=user).exists():
            return _not_a_volunteer()
        return Refused(Reason.NOT_ENROLLED, _("You have no confirmed place on this shift."))

    checkin, created = checkin_write(
        lookup=BY_QR,
        values={"shift": check.shift_id, "user": user.pk},
        missing=missing,
        kind=kind,
        method=M.QR,
        at=timezone.now(),
        idempotency_key=idempotency_key,
        payload=payload,
        device=device,
        actor=user,
    )
    return Outcome(checkin, created)


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


def _nearby(candidates: Sequence[Enrollment], lat: float, lng: float) -> list[Enrollment]:
    """The candidates whose activity's place is within its check-in radius of (lat, lng), in
    their order; none: refused with the distance to the nearest place, or NO_LOCATION."""
    if not candidates:
        raise Refused(Reason.NOT_ENROLLED, _("You have no shift open for check-in now."))
    nearby, nearest = [], None
    for enrollment in candidates:
        activity = enrollment.shift.activity
        if activity.lat is None or activity.lng is None:
            continue
        metres = haversine_km(lat, lng, float(activity.lat), float(activity.lng)) * 1000
        if metres <= activity.checkin_radius_m:
            nearby.append(enrollment)
        elif nearest is None or metres < nearest[0]:
            nearest = (metres, activity.checkin_radius_m)
    if nearby:
        return nearby
    if nearest is None:
        raise Refused(Reason.NO_LOCATION, _("This activity has no location: ask the leader to check you in."))
    raise Refused(
        Reason.TOO_FAR,
        _("You are %(distance)d m from the activity; check-in works within %(radius)d m.")
        % {"distance": round(nearest[0]), "radius": nearest[1]},
    )


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
    try:
        return _by_code(user, code, lat, lng, idempotency_key, payload, kind, device)
    except (Refused, FieldErrors):
        if earlier := _first_answer(idempotency_key, payload):
            return earlier
        raise


def _by_code(user, code, lat, lng, idempotency_key, payload, kind, device) -> Outcome:
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
    # The location first: from afar a wrong code and a right one get the same answer, so the code
    # cannot be guessed from a sofa. Then the code, a limited number of tries per activity.
    nearby = _nearby(code_candidates(volunteer), lat_f, lng_f)
    claimed, wait_until = code_attempts_claim(
        volunteer_id=volunteer.pk, activity_ids=[e.shift.activity_id for e in nearby]
    )
    today = timezone.localdate()
    matches = [
        e
        for e in nearby
        if e.shift.activity_id in claimed and codes.code_matches(e.shift.activity_id, code, today)
    ]
    if not matches:
        if wait_until is not None:
            # The code may be that of the activity that is waiting: say so rather than "wrong".
            raise TooManyTries(wait_until, timezone.now())
        raise Refused(Reason.WRONG_CODE, _("This code does not match any of your shifts today."))
    enrollment = matches[0]
    code_attempts_clear(volunteer_id=volunteer.pk, activity_id=enrollment.shift.activity_id, refund=claimed)
    return _do(
        enrollment, kind, M.CODE_GPS, idempotency_key, payload, user, lat=lat_f, lng=lng_f, device=device
    )


def checkin_by_ecard(
    *, actor, shift: Shift, token: str, idempotency_key: str, payload: dict, kind: str | None = None
) -> Outcome:
    """The leader scanned a volunteer's e-card QR (the caller checked the leader may run `shift`)."""
    try:
        number = ecard_verify((token or "").strip())
    except EcardExpired:
        if earlier := _first_answer(idempotency_key, payload):
            return earlier
        # A screenshot, or a page left open offline: the volunteer's page shows a fresh code.
        raise Refused(
            Reason.ECARD_EXPIRED,
            _("This e-card has expired: ask the volunteer to refresh it and show it again."),
        ) from None
    except (crypto.SignatureError, ValueError, KeyError, TypeError, AttributeError):
        raise Refused(Reason.ECARD_INVALID, _("This is not a valid volunteer e-card.")) from None
    checkin, created = checkin_write(
        lookup=BY_ECARD,
        values={"shift": shift.pk, "number": number},
        missing=lambda: Refused(
            Reason.NOT_ENROLLED, _("This volunteer has no confirmed place on this shift.")
        ),
        kind=kind,
        method=M.ECARD,
        at=timezone.now(),
        idempotency_key=idempotency_key,
        payload=payload,
        actor=actor,
    )
    return Outcome(checkin, created)


def checkin_by_leader(
    *, actor, enrollment: Enrollment, kind: str, idempotency_key: str, payload: dict
) -> Outcome:
    """The leader marks a person on the roster (the caller checked the leader may run the shift)."""
    return _do(enrollment, kind, M.LEADER, idempotency_key, payload, actor)
