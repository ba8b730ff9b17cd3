"""The ledger's answers to lower apps' events (connected in LedgerConfig.ready). A receiver only
calls a service: the rules live in the service."""

from __future__ import annotations

from .models import ServiceRecord
from .services.records import record_from_attendance


def record_checkout(
    sender, *, enrollment, started_at, ended_at, source, actor, pending_note, volunteer_locked=False, **kwargs
) -> ServiceRecord | None:
    """attendance.signals.checked_out: a pending record of the pair, in the check-out's transaction."""
    return record_from_attendance(
        enrollment=enrollment,
        started_at=started_at,
        ended_at=ended_at,
        source=source,
        actor=actor,
        pending_note=pending_note,
        volunteer_locked=volunteer_locked,
    )
