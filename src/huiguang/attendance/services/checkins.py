"""Check-in and check-out (DESIGN §4, §5): one write behind the four ways.

Every way ends in `checkin_record` (or `checkin_toggle`, which decides in or out itself): a
CheckIn row with a unique idempotency key and the SHA-256 of the request's payload. A retry with
the same key and payload gets the first row back; the same key with another payload is refused
(FieldErrors → 422). A check-out closes the volunteer's last open check-in and announces the pair
(signals.checked_out; the ledger records it) in the same transaction: a receiver's refusal rolls
the check-out back, except NOTHING_TO_COUNT.

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
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.models import Enrollment, Shift
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.volunteers.models import Volunteer

from ..models import CheckIn
from ..selectors import CHECKIN_STATUSES, OPENS_BEFORE, open_checkin
from ..signals import NOTHING_TO_COUNT, checked_out

IN, OUT = CheckIn.Kind.IN, CheckIn.Kind.OUT
M = CheckIn.Method
KEY_MAX = 80


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
    ECARD_EXPIRED = "ECARD_EXPIRED"
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


def lock_volunteer(volunteer_id: int) -> None:
    list(Volunteer.objects.select_for_update(no_key=True).filter(pk=volunteer_id).values_list("pk"))


def _day_bounds(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    day = timezone.localdate(at)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


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
            lock_volunteer(enrollment.volunteer_id)
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
            recorded = False
            if kind == OUT:
                assert opened is not None  # a check-out without a check-in was refused above
                recorded = _announce_checkout(enrollment, opened, checkin, actor, pending_note)
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


def _announce_checkout(
    enrollment: Enrollment, opened: CheckIn, checkin: CheckIn, actor, pending_note: str
) -> bool:
    """Announce the pair to the receivers of `checked_out` (the ledger records it); False when
    nobody recorded it: it holds no minute of the shift (checked in and out before the start, or
    within the same minute). The check-out stands then, there is nothing to count."""
    if checkin.at <= opened.at:
        return False
    try:
        answers = checked_out.send(
            sender=CheckIn,
            enrollment=enrollment,
            started_at=opened.at,
            ended_at=checkin.at,
            source=checkin.method,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            pending_note=pending_note,
        )
    except Refused as exc:
        if exc.reason != NOTHING_TO_COUNT:
            raise
        return False
    return any(answer is not None for _receiver, answer in answers)


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
