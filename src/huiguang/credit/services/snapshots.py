"""Computing snapshots: for one volunteer on demand, for every volunteer nightly.

A new snapshot is written only when the volunteer's inputs or the policy version changed since
their newest snapshot (the inputs digest): recomputing twice writes nothing the second time, and
the newest snapshot stays identical. A volunteer without any snapshot always gets one.

The nightly recompute (`snapshots_recompute_all`) runs a constant number of statements: the
policy, the volunteer ids, the seven GROUP BY reads of selectors/inputs.py, the newest digests,
then one INSERT per BATCH new snapshots (bulk_create) — only the inserts grow, one statement per
BATCH rows written, so 85,000 changed volunteers take 43 insert statements.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from huiguang.core.audit import audit_log
from huiguang.volunteers.models import Volunteer

from ..models import CreditPolicy, CreditSnapshot
from ..scoring import Inputs, digest, score
from ..selectors.inputs import inputs_all, inputs_for
from ..selectors.scores import current_policy, latest_digests, latest_snapshot

BATCH = 2000


def build_snapshot(
    *, volunteer_id: int, inputs: Inputs, policy: CreditPolicy, source: str, at
) -> CreditSnapshot:
    result = score(inputs, base=policy.base, components=policy.components, bands=policy.bands)
    return CreditSnapshot(
        volunteer_id=volunteer_id,
        policy=policy,
        policy_version=policy.version,
        score=result.score,
        band=result.band,
        components=result.components,
        inputs_digest=digest(inputs, policy.version),
        source=source,
        computed_at=at,
    )


def snapshot_compute(*, volunteer, source: str = CreditSnapshot.Source.ON_DEMAND) -> CreditSnapshot:
    """The volunteer's score now: a new snapshot when the inputs or the policy changed, else the
    newest one (identical by construction)."""
    policy = current_policy()
    inputs = inputs_for(volunteer)
    newest = latest_snapshot(volunteer)
    if newest is not None and newest.inputs_digest == digest(inputs, policy.version):
        return newest
    with transaction.atomic():
        snapshot = build_snapshot(
            volunteer_id=volunteer.pk, inputs=inputs, policy=policy, source=source, at=timezone.now()
        )
        snapshot.save()
    return snapshot


@dataclass
class RecomputeResult:
    volunteers: int
    written: int
    policy_version: int


def snapshots_recompute_all() -> RecomputeResult:
    """Every volunteer's score, set-based (see the module docstring for the statement count)."""
    policy = current_policy()
    ids = list(Volunteer.objects.order_by("pk").values_list("pk", flat=True))
    inputs = inputs_all(ids)
    have = latest_digests()
    now = timezone.now()
    new = []
    for vid in ids:
        item = inputs[vid]
        if have.get(vid) != digest(item, policy.version):
            new.append(
                build_snapshot(
                    volunteer_id=vid, inputs=item, policy=policy, source=CreditSnapshot.Source.NIGHTLY, at=now
                )
            )
    with transaction.atomic():
        CreditSnapshot.objects.bulk_create(new, batch_size=BATCH)
        audit_log(action="credit.recompute", volunteers=len(ids), written=len(new), policy=policy.version)
    return RecomputeResult(volunteers=len(ids), written=len(new), policy_version=policy.version)
