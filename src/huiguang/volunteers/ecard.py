"""The e-card: the volunteer number in a QR code, as a signed token a leader's scanner verifies."""

from __future__ import annotations

import json

import segno
from django.utils import timezone

from huiguang.core import crypto

ECARD_KIND = "ecard"


def ecard_token(volunteer) -> str:
    payload = {"k": ECARD_KIND, "n": volunteer.volunteer_number, "t": int(timezone.now().timestamp())}
    return crypto.sign_token(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())


def ecard_verify(token: str) -> str:
    """The volunteer number in a valid e-card token; raises crypto.SignatureError otherwise."""
    payload = json.loads(crypto.verify_token(token))
    if payload.get("k") != ECARD_KIND:
        raise crypto.SignatureError("not an e-card")
    return payload["n"]


def ecard_qr_svg(volunteer) -> str:
    qr = segno.make(ecard_token(volunteer), error="m")
    return qr.svg_inline(border=2, dark="#111", omitsize=True)
