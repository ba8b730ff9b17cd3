"""Confirmation extends the volunteer's hash chain (DESIGN §5) and adds the record to the
rollups and the star, in the confirming transaction.

Locking (docs/locking.md): extending a volunteer's chain locks their ChainHead row
(`get_or_create`, then `select_for_update` on PostgreSQL; SQLite's IMMEDIATE transactions
serialize writers); a bulk confirmation takes the heads in volunteer pk order, so two bulks
never deadlock. VolunteerHours and MonthlyRollup rows belong to one volunteer, so the head lock
serializes their updates too.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.utils import timezone

from ..chain import GENESIS, record_hash
from ..models import ChainHead, MonthlyRollup, ServiceRecord, StarPolicy, VolunteerHours
from ..signals import records_confirmed
from .stars import notify_star, star_for

R = ServiceRecord


def lock_head(volunteer_id: int) -> ChainHead:
    head, _created = ChainHead.objects.get_or_create(volunteer_id=volunteer_id)
    if connection.vendor == "postgresql":
        head = ChainHead.objects.select_for_update().get(pk=head.pk)
    return head


def add_to_rollups(record: ServiceRecord, policy: StarPolicy | None) -> tuple[int, int]:
    """Adds a just-confirmed record to the volunteer's totals and month row; (old star, new star)."""
    credit = record.minutes if record.is_credit else 0
    month = record.service_date.replace(day=1)
    rollup, _c = MonthlyRollup.objects.get_or_create(
        volunteer_id=record.volunteer_id,
        organization_id=record.organization_id,
        month=month,
        defaults={"region_code": record.organization.region.code},
    )
    MonthlyRollup.objects.filter(pk=rollup.pk).update(
        minutes=F("minutes") + record.minutes,
        credit_minutes=F("credit_minutes") + credit,
        records=F("records") + 1,
    )
    hours, _c = VolunteerHours.objects.get_or_create(volunteer_id=record.volunteer_id)
    old_star = hours.star
    total = hours.total_minutes + record.minutes  # the head lock serializes this volunteer's updates
    new_star = star_for(total, policy)
    VolunteerHours.objects.filter(pk=hours.pk).update(
        total_minutes=F("total_minutes") + record.minutes,
        credit_minutes=F("credit_minutes") + credit,
        star=new_star,
        policy_version=policy.version if policy else None,
        updated_at=timezone.now(),
    )
    return old_star, new_star


def chain_record(
    record: ServiceRecord, *, actor, policy, rating=None, evaluation=None, stars: dict | None = None
) -> bool:
    """Confirm one pending record and extend its volunteer's chain. Inside an atomic block.
    False when the record was no longer pending (confirmed or rejected meanwhile). When the record
    raises the volunteer's star, `stars[record.pk]` notes (old star, new star) for
    `announce_confirmed`."""
    head = lock_head(record.volunteer_id)
    record.status = R.Status.CONFIRMED
    record.confirmed_by = actor if actor is not None and actor.is_authenticated else None
    record.confirmed_at = timezone.now()
    record.chain_index = head.length + 1
    record.prev_hash = head.head_hash or GENESIS
    if rating is not None:
        record.rating = rating
    if evaluation:
        record.evaluation = evaluation[:200]
    record.hash = record_hash(record.prev_hash, record)
    # The one transition a record ever makes after it is written: pending → confirmed.
    updated = R.objects.filter(pk=record.pk, status=R.Status.PENDING).update(
        status=record.status,
        confirmed_by=record.confirmed_by,
        confirmed_at=record.confirmed_at,
        chain_index=record.chain_index,
        prev_hash=record.prev_hash,
        hash=record.hash,
        rating=record.rating,
        evaluation=record.evaluation,
    )
    if updated != 1:
        return False
    ChainHead.objects.filter(pk=head.pk).update(
        length=record.chain_index, head_hash=record.hash, updated_at=record.confirmed_at
    )
    old_star, new_star = add_to_rollups(record, policy)
    if new_star > old_star:
        notify_star(record.volunteer, new_star)
        if stars is not None:
            stars[record.pk] = (old_star, new_star)
    return True


def announce_confirmed(records: list[ServiceRecord], stars: dict | None = None) -> None:
    """Tell the apps above (signals.records_confirmed) what this transaction confirmed: after every
    chain head is taken, before the seal (the seal head stays the last lock)."""
    if records:
        records_confirmed.send(sender=ServiceRecord, records=records, stars=stars or {})


def announce_stored(record_ids: list[int], stars: dict | None = None) -> None:
    """announce_confirmed for a bulk write that built no model instances (the history import): the
    receivers read the records `record_ids` from the database, in this transaction."""
    if record_ids:
        records_confirmed.send(sender=ServiceRecord, records=[], stars=stars or {}, record_ids=record_ids)
