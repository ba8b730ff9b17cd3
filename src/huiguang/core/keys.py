"""Key fingerprints: the database remembers which keys its data depends on (DESIGN §6).

A database restored without `var/keys/` used to start with new keys: ID numbers no longer
decrypted and the blind index changed, so a registered ID number could register again. Now every
key the data depends on has a fingerprint in `KeyFingerprint` (a truncated hash of a
domain-separated hash of the key, never the key), and a missing or different key is refused at
start-up (core/checks.py) and by `core.crypto`, which never generates a key the database already
records.

Purposes: `data:<key id>` for each data-encryption key, `blind_index`, `signing`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .models import KeyFingerprint

BLIND_INDEX = "blind_index"
SIGNING = "signing"
DATA_PREFIX = "data:"


class KeyRefused(RuntimeError):
    """A key the database depends on is missing, or a configured key is not the recorded one."""


@dataclass(frozen=True)
class KeySource:
    """Where one kind of key comes from: an environment variable, else a file under the key dir."""

    name: str  # "data", "blind_index", "signing"
    env: str
    file_name: str
    holds: str  # what the database holds that needs the key
    consequence: str  # what a new key would do

    @property
    def path(self) -> Path:
        return Path(settings.HUIGUANG_KEY_DIR) / self.file_name

    def variable(self) -> str | None:
        """The variable the key comes from (NAME, else NAME_FILE), None when it is a key-dir file."""
        return next((v for v in (self.env, f"{self.env}_FILE") if os.environ.get(v)), None)

    def purpose(self, key_id: str = "") -> str:
        return f"{DATA_PREFIX}{key_id}" if self.name == "data" else self.name

    def covers(self, purpose: str) -> bool:
        return purpose.startswith(DATA_PREFIX) if self.name == "data" else purpose == self.name

    def label(self, key_id: str = "") -> str:
        return f"data key {key_id}" if self.name == "data" else f"the {self.name.replace('_', '-')} key"


_ID_NUMBERS = "new keys would make every ID number unreadable and let a registered ID number register again"
DATA = KeySource("data", "HUIGUANG_DATA_KEYS", "data.keys", "data encrypted with", _ID_NUMBERS)
BLIND_INDEX_SOURCE = KeySource(
    BLIND_INDEX,
    "HUIGUANG_BLIND_INDEX_KEY",
    "blind_index.key",
    "ID numbers indexed with",
    "a new blind-index key would let every registered ID number register again",
)
SIGNING_SOURCE = KeySource(
    SIGNING,
    "HUIGUANG_SIGNING_KEY",
    "signing.key",
    "certificates and ledger seals signed with",
    "a new signing key would make the published public key disagree with every issued certificate",
)
SOURCES = (DATA, BLIND_INDEX_SOURCE, SIGNING_SOURCE)


def source_for(purpose: str) -> KeySource:
    return next(s for s in SOURCES if s.covers(purpose))


def fingerprint(purpose: str, material: bytes) -> str:
    """16 hex digits naming a key: SHA-256 over a domain-separated SHA-256 of the key material,
    so the value says nothing about the key and never equals a hash used elsewhere."""
    inner = hashlib.sha256(b"huiguang/key-fingerprint/v1\x00" + purpose.encode() + b"\x00" + material)
    return hashlib.sha256(inner.digest()).hexdigest()[:16]


def table_exists(using: str = DEFAULT_DB_ALIAS) -> bool:
    """False on a fresh database before `migrate`: nothing is recorded, nothing to check."""
    return KeyFingerprint._meta.db_table in connections[using].introspection.table_names()


def recorded(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """{purpose: fingerprint} as the database records them ({} before `migrate`)."""
    if not table_exists(using):
        return {}
    return dict(KeyFingerprint.objects.using(using).values_list("purpose", "fingerprint"))


def record(purpose: str, value: str, *, key_id: str = "", using: str = DEFAULT_DB_ALIAS) -> bool:
    """Record a fingerprint once (a recorded one is never replaced); True when it was new."""
    with transaction.atomic(using=using):  # a savepoint: a lost race must not spoil the caller's
        _, created = KeyFingerprint.objects.using(using).get_or_create(
            purpose=purpose, defaults={"fingerprint": value, "key_id": key_id}
        )
    return created


def refusal(problem: str, remedy: str, source: KeySource) -> str:
    return f"{problem} {remedy}; refusing to start: {source.consequence}."


def missing_message(source: KeySource, key_id: str = "") -> str:
    return refusal(
        f"The database holds {source.holds} {source.label(key_id)}, but {source.path} is missing "
        f"and {source.env} is not set (nor {source.env}_FILE).",
        "Restore the keys from the backup (`huiguang restore`) or set the variable",
        source,
    )


def guard_new_key(source: KeySource) -> bool:
    """Before generating a key: refuse (KeyRefused) when the database records one for its
    purpose. True when the database can record the new key's fingerprint."""
    try:
        held = sorted(p for p in recorded() if source.covers(p))
    except RuntimeError:
        # pytest-django blocks the database in tests that do not ask for it (RuntimeError; Django
        # itself raises DatabaseError, which propagates: no key is generated while the database
        # is unreachable). Such a test may create a fresh checkout's key files; the start-up
        # check records them later.
        return False
    if held:
        raise KeyRefused(missing_message(source, held[0].removeprefix(DATA_PREFIX)))
    return True
