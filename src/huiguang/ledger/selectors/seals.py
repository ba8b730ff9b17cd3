"""Reads of the chain of seals: public (docs/ledger.md), so nothing here is scoped to a user."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Seal, public_key_fingerprint
from ..seal import trusted_keys


def seal_list() -> QuerySet[Seal]:
    """Every seal, the newest first (one query a page: a seal has no relation to follow)."""
    return Seal.objects.order_by("-sequence")


def trusted_key_list() -> list[dict[str, str | bool]]:
    """The keys seals are checked with: the configured one first, then the retired ones."""
    return [
        {"key": key, "fingerprint": public_key_fingerprint(key), "current": i == 0}
        for i, key in enumerate(trusted_keys())
    ]
