"""API v1, check-in: `POST /api/v1/checkins` with an `Idempotency-Key` header.

The first request with a key answers 201; a retry with the same key and body answers 200 with
the same check-in; the same key with another body answers 422. Refusals answer 409 with
`{"detail": "...", "reason": "<code>"}` (codes: attendance.services.Reason and the ledger's
OVERLAPS / DAILY_CAP). Too many wrong activity codes answer 429 (reason TOO_MANY_TRIES) with a
`Retry-After` header. Keys are per account: two accounts may use the same key.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from huiguang.core.api import ErrorOut, FieldErrorsOut, RefusedOut
from huiguang.core.errors import FieldErrors

from . import selectors, services
from .models import CheckIn

router = Router(tags=["attendance"])

KEY_HEADER = "Idempotency-Key"


class CheckinIn(Schema):
    method: Literal["qr", "code_gps", "leader", "ecard"] = Field(
        ...,
        description="qr: `token` from the leader's QR code (volunteer); code_gps: the 6-digit `code` with "
        "`lat`/`lng` (volunteer); leader: `enrollment` marked by the leader; ecard: `shift` and the "
        "volunteer's e-card `token` scanned by the leader.",
    )
    kind: Literal["in", "out"] | None = Field(
        None, description="in or out; left out: in, or out when the volunteer is checked in."
    )
    shift: int | None = Field(None, description="The shift (method ecard).")
    enrollment: int | None = Field(None, description="The sign-up (method leader).")
    token: str | None = Field(None, max_length=2000, description="QR token (qr) or e-card token (ecard).")
    code: str | None = Field(
        None, max_length=12, description="The activity's 6-digit code of the day (code_gps)."
    )
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)


class CheckinOut(Schema):
    id: int
    enrollment_id: int
    shift_id: int
    volunteer: str
    kind: str
    method: str
    at: datetime
    detail: str = Field(..., description="What the volunteer reads, in their language.")


def _key(request) -> str:
    raw = (request.headers.get(KEY_HEADER) or "").strip()
    if not raw or len(raw) > 64:
        raise FieldErrors({KEY_HEADER: [_("Send an Idempotency-Key header of 1 to 64 characters.")]})
    return f"u{request.user.pk}:{raw}"


def _require(value, field: str, message: str):
    if value in (None, ""):
        raise FieldErrors({field: [message]})
    return value


@router.post(
    "/checkins",
    response={
        200: CheckinOut,
        201: CheckinOut,
        404: ErrorOut,
        409: RefusedOut,
        422: FieldErrorsOut,
        429: RefusedOut,
    },
    summary="Check in or out",
    description="Four ways (see `method`). Send an `Idempotency-Key` header: a retry returns the first "
    "answer (200), the same key with another body is refused (422). code_gps: the location is checked "
    "first (409 TOO_FAR whatever the code), then the code; too many wrong codes for an activity answer "
    "429 (reason TOO_MANY_TRIES) with a `Retry-After` header in seconds.",
)
def checkin_create(request, payload: CheckinIn, response: HttpResponse):
    key = _key(request)
    body = payload.model_dump()
    user = request.user
    if payload.method == "qr":
        token = _require(payload.token, "token", _("Send the token of the leader's QR code."))
        outcome = services.checkin_by_qr(
            user=user,
            token=token,
            idempotency_key=key,
            payload=body,
            kind=payload.kind,
            device=request.headers.get("User-Agent", ""),
        )
    elif payload.method == "code_gps":
        try:
            outcome = services.checkin_by_code(
                user=user,
                code=payload.code or "",
                lat=payload.lat,
                lng=payload.lng,
                idempotency_key=key,
                payload=body,
                kind=payload.kind,
                device=request.headers.get("User-Agent", ""),
            )
        except services.TooManyTries as exc:
            response["Retry-After"] = str(exc.retry_after)
            return Status(429, {"detail": str(exc.message), "reason": exc.reason})
    elif payload.method == "ecard":
        shift = selectors.shift_run_by(user, _require(payload.shift, "shift", _("Choose the shift.")))
        token = _require(payload.token, "token", _("Send the token of the volunteer's e-card."))
        outcome = services.checkin_by_ecard(
            actor=user, shift=shift, token=token, idempotency_key=key, payload=body, kind=payload.kind
        )
    else:
        pk = _require(payload.enrollment, "enrollment", _("Choose the sign-up."))
        kind = _require(payload.kind, "kind", _("Choose check-in or check-out."))
        found = services.checkin_existing(key, body)
        enrollment = found.enrollment if found else selectors.roster_enrollment_get_for(user, pk)
        outcome = services.checkin_by_leader(
            actor=user, enrollment=enrollment, kind=kind, idempotency_key=key, payload=body
        )
    return Status(201 if outcome.created else 200, _out(outcome))


def _out(outcome: services.Outcome) -> dict:
    c: CheckIn = outcome.checkin
    return {
        "id": c.pk,
        "enrollment_id": c.enrollment_id,
        "shift_id": c.enrollment.shift_id,
        "volunteer": c.enrollment.volunteer.real_name,
        "kind": c.kind,
        "method": c.method,
        "at": c.at,
        "detail": outcome.message,
    }
