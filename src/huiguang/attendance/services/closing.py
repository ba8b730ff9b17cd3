"""After the shift: forgotten check-outs closed at the shift end, no-shows marked (the task
close_attendance runs both every 10 minutes)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.models import Enrollment
from huiguang.core.audit import audit_log
from huiguang.core.errors import Refused

from ..models import CheckIn
from .checkins import IN, OUT, M, checkin_existing, checkin_record, lock_volunteer, payload_digest


def close_forgotten_checkouts(*, now: dt.datetime | None = None) -> int:
    """Close every check-in still open once its shift ended (plus the grace): a check-out at the
    shift end, method auto, and a pending record with a note for the admins to review. Safe to run
    twice at once: the check-out's key is derived from the check-in."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=settings.HUIGUANG_CHECKIN_GRACE_MINUTES)
    later_out = CheckIn.objects.filter(enrollment=OuterRef("enrollment"), kind=OUT, at__gte=OuterRef("at"))
    open_ins = (
        CheckIn.objects.filter(kind=IN, enrollment__shift__ends_at__lte=now - grace)
        .exclude(Exists(later_out))
        .select_related("enrollment", "enrollment__shift")
        .order_by("pk")
    )
    note = _("Check-out forgotten: closed automatically at the shift end; please review.")
    closed = 0
    for checkin in open_ins.iterator(chunk_size=200):
        enrollment = checkin.enrollment
        key = f"auto-out:{checkin.pk}"
        payload = {"auto_close": checkin.pk}
        at = max(enrollment.shift.ends_at, checkin.at)
        try:
            _row, created = checkin_record(
                enrollment=enrollment,
                kind=OUT,
                method=M.AUTO,
                at=at,
                idempotency_key=key,
                payload=payload,
                actor=None,
                pending_note=note,
            )
        except Refused as exc:
            # The ledger refused the pair (it overlaps another record, or the day is full): close
            # the check-in anyway so it is not retried for ever, and leave the reason in the audit log.
            with transaction.atomic():
                lock_volunteer(enrollment.volunteer_id)
                if checkin_existing(key, payload) is not None:
                    continue
                row = CheckIn.objects.create(
                    enrollment=enrollment,
                    kind=OUT,
                    method=M.AUTO,
                    at=at,
                    idempotency_key=key,
                    payload_sha256=payload_digest(payload),
                )
                audit_log(
                    action="attendance.auto_close",
                    obj=row,
                    outcome="failed",
                    reason=exc.reason,
                    actor_label="system",
                )
            created = True
        closed += int(created)
    return closed


def mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Confirmed enrollments of shifts that ended (plus the grace) with no check-in at all become
    no-shows. One guarded UPDATE: a late check-in changes nothing (it needs `confirmed`)."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=settings.HUIGUANG_CHECKIN_GRACE_MINUTES)
    return (
        Enrollment.objects.filter(
            status=Enrollment.Status.CONFIRMED,
            shift__ends_at__lte=now - grace,
        )
        .exclude(Exists(CheckIn.objects.filter(enrollment=OuterRef("pk"))))
        .update(status=Enrollment.Status.NO_SHOW, updated_at=now)
    )
