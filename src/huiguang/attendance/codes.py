"""The two secrets a volunteer's phone presents at check-in.

- The leader's rotating QR code: a signed token (Ed25519, huiguang.core.crypto) of the shift and
  the time window `floor(unix time / HUIGUANG_QR_ROTATE_SECONDS)`. A token is accepted in its own
  window and the next one, so a code scanned just before it changes still works, and a photo of
  the screen sent to a friend stops working within two windows.
- The 6-digit activity code: an HMAC of the activity and the local date with the blind-index key
  (not SECRET_KEY: rotating that must not change the code of the day). Deterministic, so the
  leader can read it out loud all day; it is checked together with the phone's location.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from huiguang.core import crypto

QR_KIND = "checkin"


def qr_window(at: float | None = None) -> int:
    seconds = max(int(settings.HUIGUANG_QR_ROTATE_SECONDS), 1)
    return int((time.time() if at is None else at) // seconds)


def qr_token(shift_id: int, *, window: int | None = None) -> str:
    payload = {"k": QR_KIND, "s": int(shift_id), "w": qr_window() if window is None else int(window)}
    return crypto.sign_token(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())


@dataclass(frozen=True)
class QrCheck:
    shift_id: int | None
    problem: str  # "", "INVALID" (forged / not ours) or "EXPIRED"


@functools.lru_cache(maxsize=4096)
def _signed_payload(token: str) -> bytes:
    """The payload of a token whose signature verifies (else crypto.SignatureError, not kept). At
    8:00 of a service day everyone at a site scans the same code within its window: its signature
    is checked once per process, not once per phone (issue 14: Ed25519 verification was the
    check-in's largest single cost). The window is still checked on every scan, by qr_verify."""
    return crypto.verify_token(token)


def qr_verify(token: str, *, now: float | None = None) -> QrCheck:
    """Which shift a QR token names; accepted in the current and the previous window only."""
    try:
        payload = json.loads(_signed_payload(token))
        shift_id, window = int(payload["s"]), int(payload["w"])
        if payload.get("k") != QR_KIND:
            raise ValueError
    except (crypto.SignatureError, ValueError, KeyError, TypeError, AttributeError):
        return QrCheck(None, "INVALID")
    current = qr_window(now)
    if window not in (current, current - 1):
        # A window in the future can only be forged by the key's holder: treat it as expired too.
        return QrCheck(shift_id, "EXPIRED")
    return QrCheck(shift_id, "")


def activity_code(activity_id: int, day: dt.date | None = None) -> str:
    """The activity's 6-digit code of the day (local date)."""
    day = day or timezone.localdate()
    mac = hmac.new(
        crypto.blind_index_key(), f"checkin-code\x00{activity_id}\x00{day.isoformat()}".encode(), "sha256"
    )
    return f"{int.from_bytes(mac.digest()[:8], 'big') % 1_000_000:06d}"


def code_matches(activity_id: int, code: str, day: dt.date | None = None) -> bool:
    return hmac.compare_digest(activity_code(activity_id, day), (code or "").strip())
