"""Computing snapshots: for one volunteer on demand, for every volunteer nightly — both by the
one statement of sql.py (narrowed to the volunteer on demand).

A new snapshot is written only when the volunteer's inputs or the policy version changed since
their newest snapshot (the inputs key): recomputing twice writes nothing the second time, and the
newest snapshot stays identical. A volunteer without any snapshot always gets one.

The nightly recompute (`snapshots_recompute_all`) runs a constant number of statements, whatever
the number of volunteers: the policy, the INSERT … SELECT that computes and writes every changed
snapshot, the count of volunteers and the audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from huiguang.core.audit import audit_log
from huiguang.volunteers.models import Volunteer

from ..models import CreditSnapshot
from ..selectors.scores import current_policy, latest_snapshot
from ..sql import snapshots_insert_sql


def _write(*, source: str, volunteer_id: int | None = None) -> tuple[int, int]:
    """Runs the statement; returns (policy version, snapshots written)."""
    policy = current_policy()
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    sql, params = snapshots_insert_sql(policy, source=source, at=at, volunteer_id=volunteer_id)
    params = [connection.ops.adapt_datefield_value(p) if isinstance(p, dt.date) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return policy.version, max(cursor.rowcount, 0)


def snapshot_compute(*, volunteer, source: str = CreditSnapshot.Source.ON_DEMAND) -> CreditSnapshot:
    """The volunteer's score now: a new snapshot when the inputs or the policy changed, else the
    newest one (identical by construction)."""
    with transaction.atomic():
        _write(source=source, volunteer_id=volunteer.pk)
    snapshot = latest_snapshot(volunteer)
    assert snapshot is not None  # the statement writes one for a volunteer without any
    return snapshot


@dataclass
class RecomputeResult:
    volunteers: int
    written: int
    policy_version: int


def snapshots_recompute_all() -> RecomputeResult:
    """Every volunteer's score, set-based (see the module docstring for the statement count)."""
    with transaction.atomic():
        version, written = _write(source=CreditSnapshot.Source.NIGHTLY)
        volunteers = Volunteer.objects.count()
        audit_log(action="credit.recompute", volunteers=volunteers, written=written, policy=version)
    return RecomputeResult(volunteers=volunteers, written=written, policy_version=version)
