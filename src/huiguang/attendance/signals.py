"""Events of attendance that higher apps react to (DESIGN §3: attendance never imports them).

`checked_out` is sent when a check-out closes a check-in that lasted at least a minute, with
synchronous receivers inside the check-out's transaction, right after the CheckIn row is written:

    checked_out.send(sender=CheckIn, enrollment=..., started_at=..., ended_at=..., source=...,
                     actor=..., pending_note=..., volunteer_locked=True)

- `enrollment`: the Enrollment (its shift, activity and volunteer loaded);
- `started_at`, `ended_at`: the check-in's and the check-out's times;
- `source`: the check-out's method (CheckIn.Method: qr, code_gps, leader, ecard, auto);
- `actor`: the authenticated user who recorded the check-out, or None (the volunteer's own scan
  is recorded by the volunteer; the automatic close by nobody);
- `pending_note`: a note for the admins who review the record ("" unless the check-out was
  closed automatically because it was forgotten);
- `volunteer_locked`: True: the volunteer's row is already locked by this transaction (the
  receiver need not lock it again).

A receiver returns what it recorded (None: nothing). An exception raised by a receiver rolls the
whole check-out back (the signal is sent with `send`, not `send_robust`), except a Refused whose
reason is NOTHING_TO_COUNT: the pair holds no minute worth counting, the check-out stands.
"""

from django.dispatch import Signal

checked_out = Signal()

# The reason of a refusal that lets the check-out stand (no minute of the pair lies in the shift).
NOTHING_TO_COUNT = "OUTSIDE_SHIFT"
