"""The daily seal (DESIGN §5): the ledger as it stood at the end of a day, Ed25519-signed.

A seal holds the number of confirmed records, the number of chains and a digest of every chain
head (volunteer id, chain length, head hash; sorted by volunteer), all as of the end of that
local day. The signature is `huiguang.core.crypto.sign_token` over the canonical JSON of those
four values, so anyone with the published public key can check a seal; `verify_ledger`
recomputes the values from the records and checks them and the signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from huiguang.core.crypto import SignatureError, public_key_b64, sign_token, verify_token

from .models import LedgerSeal, ServiceRecord


class SealError(Exception):
    pass


def day_end(day: dt.date) -> dt.datetime:
    """The first moment after `day`, local time."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def heads_as_of(cutoff: dt.datetime) -> tuple[int, list[tuple[int, int, str]]]:
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


def heads_digest(rows: list[tuple[int, int, str]]) -> str:
    text = "\n".join(f"{volunteer}:{length}:{head}" for volunteer, length, head in rows)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def seal_payload(day: dt.date, records: int, chains: int, digest: str) -> bytes:
    body = {"day": day.isoformat(), "records": records, "chains": chains, "heads_digest": digest}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def seal_day(day: dt.date) -> LedgerSeal:
    """Seal a day that has ended; a day is sealed once (SealError otherwise)."""
    if day_end(day) > timezone.now():
        raise SealError(f"{day} has not ended yet")
    if LedgerSeal.objects.filter(day=day).exists():
        raise SealError(f"{day} is already sealed")
    records, rows = heads_as_of(day_end(day))
    digest = heads_digest(rows)
    try:
        with transaction.atomic():
            return LedgerSeal.objects.create(
                day=day,
                records=records,
                chains=len(rows),
                heads_digest=digest,
                signature=sign_token(seal_payload(day, records, len(rows), digest)),
                public_key=public_key_b64(),
            )
    except IntegrityError:  # sealed by another run meanwhile
        raise SealError(f"{day} is already sealed") from None


def seal_problems(seal: LedgerSeal, public_key: str | None = None) -> list[str]:
    """What does not hold in a seal: its signature, or its values against the records now."""
    problems = []
    payload = seal_payload(seal.day, seal.records, seal.chains, seal.heads_digest)
    try:
        signed = verify_token(seal.signature, public_key or seal.public_key)
    except SignatureError:
        problems.append("signature does not verify")
    else:
        if signed != payload:
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
