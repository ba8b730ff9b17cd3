"""Sealing (docs/ledger.md): every transaction that confirms records puts them under a new seal
before it commits; `seal_unsealed` (hourly, `huiguang seal_ledger`) seals anything left over.

Why in the confirming transaction rather than on commit: a committed confirmation is then always
under a seal (no window in which the process dies between the commit and an on_commit hook), the
seal knows exactly which records it adds (the ones just chained, in memory: no query of the
ledger), and its cost is a few small writes. The price is that sealing serializes: see below.

Locking (docs/locking.md): the seal head is the LAST lock a confirming transaction takes, after
every ChainHead. The first statement on it is `UPDATE sealhead SET sequence = sequence + 1`,
which takes its row lock on PostgreSQL (SQLite: the IMMEDIATE transaction already holds the
write lock) until commit: two confirmations at once get consecutive sequence numbers, each
linking to the other's digest, never a fork. The holder only writes the seal and its entries,
then commits; it never waits for another lock, so the order cannot deadlock. The unique
`sequence` and `digest` and the one-seal-per-record SealEntry are the backstop.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from huiguang.core.bulk import insert_rows
from huiguang.core.crypto import public_key_b64, sign_token

from ..models import Seal, SealEntry, SealHead, ServiceRecord
from ..seal import batch_heads, chained_payload, digest_of, heads_digest

SEAL_HEAD_PK = 1


class NothingToSeal(Exception):
    pass


def lock_seal_head() -> SealHead:
    """Bump the seal head's sequence (taking its row lock) and return it: `sequence` is the new
    seal's number, `digest` and `records` are still the previous seal's. Inside an atomic block."""
    if not SealHead.objects.filter(pk=SEAL_HEAD_PK).update(sequence=F("sequence") + 1):
        SealHead.objects.get_or_create(pk=SEAL_HEAD_PK)  # the first seal ever (a savepoint inside)
        SealHead.objects.filter(pk=SEAL_HEAD_PK).update(sequence=F("sequence") + 1)
    return SealHead.objects.get(pk=SEAL_HEAD_PK)


def seal_records(records: Sequence[ServiceRecord]) -> Seal | None:
    """Put just-chained records under a new seal, in the caller's (confirming) transaction.
    `records` carry their chain fields in memory, as `chaining.chain_record` leaves them."""
    return seal_links([(r.pk, r.volunteer_id, r.chain_index, r.hash) for r in records])


def seal_links(links: Sequence[tuple[int, int, int | None, str]]) -> Seal | None:
    """seal_records for records given as (id, volunteer id, chain position, hash): a history
    import builds no model instances."""
    if not links:
        return None
    return _seal(lock_seal_head(), links)


def _seal(head: SealHead, links: Sequence[tuple[int, int, int | None, str]]) -> Seal:
    sealed_at = timezone.now()
    total = head.records + len(links)
    digest_of_heads = heads_digest(batch_heads(link[1:] for link in links))
    payload = chained_payload(
        sequence=head.sequence,
        sealed_at=sealed_at,
        previous=head.digest,
        records=total,
        heads_digest=digest_of_heads,
    )
    seal = Seal.objects.create(
        sequence=head.sequence,
        sealed_at=sealed_at,
        records=total,
        added=len(links),
        heads_digest=digest_of_heads,
        previous=head.digest,
        digest=digest_of(payload),
        signature=sign_token(payload),
        public_key=public_key_b64(),
    )
    # Plain rows (core.bulk: COPY on PostgreSQL): a history import seals 5,000 records a batch.
    insert_rows(SealEntry, ("record_id",), sorted((link[0],) for link in links), same={"seal_id": seal.pk})
    SealHead.objects.filter(pk=SEAL_HEAD_PK).update(records=total, digest=seal.digest)
    return seal


def _unsealed():
    return ServiceRecord.objects.filter(
        status=ServiceRecord.Status.CONFIRMED, chain_index__isnull=False, seal_entry__isnull=True
    ).order_by("pk")


def seal_unsealed(*, batch: int = 5000) -> list[Seal]:
    """The safety net: seal confirmed records that are under no seal (records confirmed before
    chained seals existed, or by a path that forgot to seal), `batch` records a seal. [] when
    there is nothing to seal; a run racing another seals nothing twice (the head lock)."""
    seals = []
    while _unsealed().exists():
        try:
            with transaction.atomic():
                head = lock_seal_head()  # before reading: a run that waited sees the other's entries
                rows = list(_unsealed().only("pk", "volunteer_id", "chain_index", "hash")[:batch])
                if not rows:
                    raise NothingToSeal  # rolls the bump back
                seal = _seal(head, [(r.pk, r.volunteer_id, r.chain_index, r.hash) for r in rows])
        except NothingToSeal:
            break
        seals.append(seal)
    return seals
