"""Signed statements the platform hands to partners: the 志愿贷 attestation and the school-points
certificate. Both are `crypto.sign_token` over canonical JSON (the ledger certificates' shape), so
one published Ed25519 key verifies them online and offline (docs/attestations.md).

A statement names its `kind`; an attestation carries `until` (UTC, ISO 8601): after it, it is
expired however well it verifies. A flipped byte anywhere makes it "invalid".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.utils import timezone

from huiguang.core import crypto
from huiguang.ledger.services.certificates import canonical_payload

LOAN_KIND = "huiguang.loan_attestation"
POINTS_KIND = "huiguang.points_certificate"
MAX_TOKEN = 4000  # longer text is not one of ours


@dataclass(frozen=True)
class Checked:
    state: str  # "valid", "expired", "invalid"
    fields: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.state == "valid"


def sign(kind: str, fields: dict) -> str:
    return crypto.sign_token(canonical_payload({"kind": kind, **fields}))


def extract(text: str) -> str:
    """The token from a pasted text or a scanned link (…?token=<token>)."""
    text = (text or "").strip()
    for marker in ("token=", "payload="):
        if marker in text:
            text = text.split(marker, 1)[1].split("&", 1)[0]
    return text


def check(text: str, kind: str, *, now: dt.datetime | None = None) -> Checked:
    """Verify the signature and the kind, then the period."""
    token = extract(text)
    if not token or len(token) > MAX_TOKEN:
        return Checked("invalid")
    try:
        fields = json.loads(crypto.verify_token(token).decode())
    except (crypto.SignatureError, UnicodeDecodeError, ValueError):
        return Checked("invalid")
    if not isinstance(fields, dict) or fields.get("kind") != kind:
        return Checked("invalid")
    until = fields.get("until")
    if until:
        try:
            expires = dt.datetime.fromisoformat(str(until))
        except ValueError:
            return Checked("invalid")
        if expires.tzinfo is None:
            return Checked("invalid")
        if (now or timezone.now()) >= expires:
            return Checked("expired", fields)
    return Checked("valid", fields)


def utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()
