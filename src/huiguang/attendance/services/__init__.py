"""Writes of attendance, one module per area:

- `checkins`: the one write (a CheckIn row, idempotent) and the rules of checking in;
- `ways`: the QR code, the code + location, the e-card and the roster, each ending in `checkins`;
- `code_attempts`: the limit on tries of the activity code;
- `closing`: after the shift, forgotten check-outs and no-shows.
"""

from .checkins import Reason, checkin_existing, checkin_record, checkin_toggle, payload_digest
from .closing import close_forgotten_checkouts, mark_no_shows
from .code_attempts import TooManyTries, code_attempts_claim, code_attempts_clear
from .ways import (
    Outcome,
    checkin_by_code,
    checkin_by_ecard,
    checkin_by_leader,
    checkin_by_qr,
)

__all__ = [
    "Outcome",
    "Reason",
    "TooManyTries",
    "checkin_by_code",
    "checkin_by_ecard",
    "checkin_by_leader",
    "checkin_by_qr",
    "checkin_existing",
    "checkin_record",
    "checkin_toggle",
    "close_forgotten_checkouts",
    "code_attempts_claim",
    "code_attempts_clear",
    "mark_no_shows",
    "payload_digest",
]
