"""The e-card: the volunteer number in a QR code, as a signed token a leader's scanner verifies.

The token carries its issue time and is accepted for HUIGUANG_ECARD_MAX_AGE_MINUTES: the e-card
page fetches a fresh one every minute (`ecard_refresh_seconds`), so a screenshot sent to a friend
stops checking anyone in after a few minutes.
"""

from __future__ import annotations

import json
import time

import segno
from django.conf import settings

from huiguang.core import crypto

ECARD_KIND = "ecard"
# Tokens issued this far in the future are accepted (the clocks of two servers differ a little);
# further only the key's holder can have made them: treated as expired.
CLOCK_SKEW_SECONDS = 60


class EcardExpired(Exception):
    """A genuine e-card token older than the allowed age."""


def ecard_max_age_seconds() -> int:
    return max(int(settings.HUIGUANG_ECARD_MAX_AGE_MINUTES), 1) * 60


def ecard_refresh_seconds() -> int:
    """How often the e-card page fetches a fresh token: every minute, well inside the allowed age."""
    return min(60, ecard_max_age_seconds() // 2)


def ecard_token(volunteer, *, at: float | None = None) -> str:
    issued = int(time.time() if at is None else at)
    payload = {"k": ECARD_KIND, "n": volunteer.volunteer_number, "t": issued}
    return crypto.sign_token(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())


def ecard_verify(token: str, *, now: float | None = None) -> str:
    """The volunteer number in a valid e-card token; raises crypto.SignatureError (or ValueError,
    KeyError, TypeError) for a forged or foreign token, EcardExpired for an old one."""
    payload = json.loads(crypto.verify_token(token))
    if payload.get("k") != ECARD_KIND:
        raise crypto.SignatureError("not an e-card")
    number, issued = str(payload["n"]), int(payload["t"])
    age = (time.time() if now is None else now) - issued
    if age > ecard_max_age_seconds() or age < -CLOCK_SKEW_SECONDS:
        raise EcardExpired(number)
    return number


def ecard_qr_svg(volunteer) -> str:
    qr = segno.make(ecard_token(volunteer), error="m")
    return qr.svg_inline(border=2, dark="#111", omitsize=True)
