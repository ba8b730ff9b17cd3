"""The four ways to check in or out, each ending in checkins.checkin_record / checkin_toggle:
the leader's rotating QR code scanned by the volunteer, the activity's code of the day plus the
phone's location, the leader scanning the volunteer's e-card, the leader's roster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
from .checkins import IN, M, Reason, checkin_existing, checkin_record, checkin_toggle
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
    found = checkin_existing(idempotency_key, payload)
    if found is not None:
        return Outcome(found, False)
    try:
        number = ecard_verify((token or "").strip())
    except EcardExpired:
        # A screenshot, or a page left open offline: the volunteer's page shows a fresh code.
        raise Refused(
            Reason.ECARD_EXPIRED,
            _("This e-card has expired: ask the volunteer to refresh it and show it again."),
        ) from None
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
