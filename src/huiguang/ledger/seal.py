"""Seals of the ledger (DESIGN §5, docs/ledger.md): what a seal signs and how it is checked.

A Seal is a link of the chain of seals. Its payload — canonical JSON, keys sorted, no whitespace —
holds its sequence number, the time, the previous seal's digest (GENESIS for the first), the
number of records under seals so far and the digest of the chain heads of the records it adds;
its digest is the SHA-256 of that payload and the next seal signs it. The signature is
`core.crypto.sign_token(payload)`: anyone with the published public key and the published list
of seals can check every link offline.

Verification trusts the configured signing key and the retired keys listed in
HUIGUANG_RETIRED_SIGNING_KEYS — never the key a row says it was signed with: a seal re-signed
with any other key fails, naming the seal.

The writes (sealing) live in services/sealing.py. The first design's daily seals (LedgerSeal)
are no longer made; `daily_seal_problems` still checks the old ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from huiguang.core.crypto import SignatureError, public_key_b64, verify_token

from .chain import GENESIS
from .models import LedgerSeal, Seal, SealEntry, SealHead, ServiceRecord, public_key_fingerprint

SEAL_KIND = "huiguang.ledger.seal/2"  # no certificate or attestation payload can pass for a seal

Head = tuple[int, int, str]  # (volunteer id, chain length, head hash)


# --- keys ---------------------------------------------------------------------------------------------


def trusted_keys() -> list[str]:
    """The keys a seal may be signed with: the configured one, then the retired ones."""
    retired = getattr(settings, "HUIGUANG_RETIRED_SIGNING_KEYS", None) or []  # a list (env_list)
    if isinstance(retired, str):
        retired = retired.split(",")
    return [public_key_b64(), *(k.strip() for k in retired if k.strip())]


def verified_payload(token: str, keys: Iterable[str]) -> bytes:
    """The payload of `token` if one of `keys` signed it; SignatureError otherwise."""
    for key in keys:
        try:
            return verify_token(token, key)
        except SignatureError:
            continue
    raise SignatureError("signed by none of the trusted keys")


# --- the chain of seals -------------------------------------------------------------------------------


def _utc(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def heads_digest(rows: Iterable[Head]) -> str:
    text = "\n".join(f"{volunteer}:{length}:{head}" for volunteer, length, head in rows)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def batch_heads(links: Iterable[tuple[int, int | None, str]]) -> list[Head]:
    """The chain heads that a set of chained records reaches: per volunteer the highest chain
    position among them and its hash, sorted by volunteer."""
    best: dict[int, tuple[int, str]] = {}
    for volunteer, index, hash_ in links:
        index = index or 0
        if volunteer not in best or index > best[volunteer][0]:
            best[volunteer] = (index, hash_)
    return [(volunteer, index, hash_) for volunteer, (index, hash_) in sorted(best.items())]


def chained_payload(
    *, sequence: int, sealed_at: dt.datetime, previous: str, records: int, heads_digest: str
) -> bytes:
    body = {
        "kind": SEAL_KIND,
        "sequence": sequence,
        "sealed_at": _utc(sealed_at),
        "previous": previous,
        "records": records,
        "heads_digest": heads_digest,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def payload_of(seal: Seal) -> bytes:
    return chained_payload(
        sequence=seal.sequence,
        sealed_at=seal.sealed_at,
        previous=seal.previous,
        records=seal.records,
        heads_digest=seal.heads_digest,
    )


def digest_of(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


Link = tuple[int, int | None, str, str]  # (volunteer, chain position, hash, status)


def _entries_by_seal() -> Iterator[tuple[int, list[Link]]]:
    """(seal sequence, [(volunteer, chain position, hash, status)]) in sequence order, streamed."""
    rows = (
        SealEntry.objects.order_by("seal__sequence", "record_id")
        .values_list(
            "seal__sequence", "record__volunteer_id", "record__chain_index", "record__hash", "record__status"
        )
        .iterator(chunk_size=5000)
    )
    current: int | None = None
    batch: list[Link] = []
    for sequence, volunteer, index, hash_, status in rows:
        if sequence != current and current is not None:
            yield current, batch
            batch = []
        current = sequence
        batch.append((volunteer, index, hash_, status))
    if current is not None:
        yield current, batch


def one_seal_problems(seal: Seal, keys: list[str], *, previous: str, records_before: int) -> list[str]:
    """What does not hold in one seal, given the seal before it (its digest and record count)."""
    problems = []
    payload = payload_of(seal)
    if seal.previous != previous:
        problems.append(f"previous digest {seal.previous} is not the digest {previous} of the seal before")
    if digest_of(payload) != seal.digest:
        problems.append("its digest does not match its values")
    try:
        signed = verified_payload(seal.signature, keys)
    except SignatureError:
        problems.append(
            "not signed by the configured key nor a retired one "
            f"(it names key {public_key_fingerprint(seal.public_key)})"
        )
    else:
        if signed != payload:
            problems.append("the signature is over other values than the seal's")
    if seal.records != records_before + seal.added:
        problems.append(f"records: {records_before} before it + {seal.added} added ≠ {seal.records}")
    return problems


def seal_chain_problems(keys: list[str]) -> Iterator[tuple[int | None, str]]:
    """Check the chain of seals from the first: (sequence or None, what is wrong), in order.

    Every link: its sequence follows the last, it names the previous digest, its digest matches
    its values, a trusted key signed them, its records add up; the records under it (SealEntry)
    are confirmed and give its heads digest. Then the head row, and confirmed records under no
    seal. Streams seals and entries: two queries plus three whatever the size."""
    entries = _entries_by_seal()
    pending = next(entries, None)
    expected, previous, records = 1, GENESIS, 0
    last: Seal | None = None
    for seal in Seal.objects.order_by("sequence").iterator(chunk_size=2000):
        if seal.sequence != expected:
            yield seal.sequence, f"comes after seal #{expected - 1} (seal #{expected} is missing)"
        for what in one_seal_problems(seal, keys, previous=previous, records_before=records):
            yield seal.sequence, what
        links: list = []
        if pending is not None and pending[0] == seal.sequence:  # both in sequence order
            links = pending[1]
            pending = next(entries, None)
        if len(links) != seal.added:
            yield seal.sequence, f"adds {seal.added} records but {len(links)} are under it"
        not_confirmed = sum(1 for *_link, status in links if status != ServiceRecord.Status.CONFIRMED)
        if not_confirmed:
            yield seal.sequence, f"{not_confirmed} record(s) under it are no longer confirmed"
        digest = heads_digest(batch_heads(link[:3] for link in links))
        if digest != seal.heads_digest:
            yield seal.sequence, f"chain heads: sealed {seal.heads_digest}, the records now give {digest}"
        expected, previous, records, last = seal.sequence + 1, seal.digest, seal.records, seal
    head = SealHead.objects.first()
    head_says = (head.sequence, head.digest, head.records) if head else (0, GENESIS, 0)
    last_is = (last.sequence, last.digest, last.records) if last else (0, GENESIS, 0)
    if head_says != last_is:
        yield (
            last.sequence if last else None,
            f"the seal head says #{head_says[0]} ({head_says[2]} records, {head_says[1]}), "
            f"the last seal is #{last_is[0]} ({last_is[2]} records, {last_is[1]}): a seal is missing",
        )
    unsealed = ServiceRecord.objects.filter(
        status=ServiceRecord.Status.CONFIRMED, seal_entry__isnull=True
    ).order_by("pk")
    first = unsealed.values_list("pk", flat=True).first()
    if first is not None:
        yield None, f"{unsealed.count()} confirmed record(s) under no seal (the first: record {first})"


# --- the first design's daily seals (checked, no longer made) --------------------------------------------


def day_end(day: dt.date) -> dt.datetime:
    """The first moment after `day`, local time."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def heads_as_of(cutoff: dt.datetime) -> tuple[int, list[Head]]:
    """(confirmed records, [(volunteer id, chain length, head hash)] sorted by volunteer) for the
    records confirmed before `cutoff` — two queries whatever the size of the ledger."""
    confirmed = ServiceRecord.objects.filter(
        status=ServiceRecord.Status.CONFIRMED, confirmed_at__lt=cutoff, chain_index__isnull=False
    )
    last = confirmed.filter(volunteer_id=OuterRef("volunteer_id")).order_by("-chain_index").values("hash")[:1]
    heads = (
        confirmed.order_by()
        .values("volunteer_id")
        .annotate(length=Max("chain_index"), head=Subquery(last))
        .order_by("volunteer_id")
    )
    rows = [(h["volunteer_id"], h["length"], h["head"]) for h in heads]
    return confirmed.count(), rows


def daily_payload(day: dt.date, records: int, chains: int, digest: str) -> bytes:
    body = {"day": day.isoformat(), "records": records, "chains": chains, "heads_digest": digest}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def daily_seal_problems(seal: LedgerSeal, keys: list[str]) -> list[str]:
    """What does not hold in a daily seal: its signature (by a trusted key), or its values
    against the records now."""
    problems = []
    try:
        signed = verified_payload(seal.signature, keys)
    except SignatureError:
        problems.append("not signed by the configured key nor a retired one")
    else:
        if signed != daily_payload(seal.day, seal.records, seal.chains, seal.heads_digest):
            problems.append("signature is over other values than the seal's")
    records, rows = heads_as_of(day_end(seal.day))
    if records != seal.records:
        problems.append(f"records: sealed {seal.records}, ledger now {records}")
    if len(rows) != seal.chains:
        problems.append(f"chains: sealed {seal.chains}, ledger now {len(rows)}")
    digest = heads_digest(rows)
    if digest != seal.heads_digest:
        problems.append(f"heads digest: sealed {seal.heads_digest}, ledger now {digest}")
    return problems
