"""Field encryption, blind index and signatures (DESIGN §6).

Keys are not derived from SECRET_KEY, so rotating the secret key loses nothing:
- data keys (AES-256-GCM): HUIGUANG_DATA_KEYS="id1:base64key,id0:oldkey" (first encrypts, all
  decrypt), else var/keys/data.keys generated on first run; every variable can also be given
  as NAME_FILE (the file holding the value);
- blind-index key (HMAC-SHA256): HUIGUANG_BLIND_INDEX_KEY, else var/keys/blind_index.key;
- signing key (Ed25519): HUIGUANG_SIGNING_KEY (base64 raw private key), else
  var/keys/signing.key; the public key is published for offline verification.
A ciphertext that no key opens raises DecryptionError: never returns ciphertext as text.
A key file is generated only while the database records no key for its purpose (core/keys.py):
a database restored without its keys raises keys.KeyRefused instead of getting new ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import keys

PREFIX = "g1"


class DecryptionError(Exception):
    pass


class SignatureError(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def configured(source: keys.KeySource) -> str | None:
    """The configured text of a key: NAME, else the file NAME_FILE names, else its file in the key
    directory; None when there is none. Never generates (the start-up check looks first)."""
    raw = os.environ.get(source.env)
    if raw:
        return raw.strip()
    named = os.environ.get(f"{source.env}_FILE")
    if named:
        try:
            return Path(named).read_text().strip()
        except FileNotFoundError:
            raise keys.KeyRefused(
                f"{source.env}_FILE names {named}, which does not exist; refusing to start."
            )
    try:
        return source.path.read_text().strip()
    except FileNotFoundError:
        return None


def _load(source: keys.KeySource, make: Callable[[], str]) -> str:
    """The configured key, else a new one written to its file (0600) — never when the database
    records a key for that purpose (keys.KeyRefused names the missing file and variable)."""
    raw = configured(source)
    if raw is not None:
        return raw
    can_record = keys.guard_new_key(source)
    path = source.path
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: a second process that
    # loses the race reads the winner's complete key, never a half-written file.
    raw = make()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(raw)
        os.link(tmp, path)
    except FileExistsError:  # another process generated it meanwhile
        return path.read_text().strip()
    finally:
        os.unlink(tmp)
    if can_record:
        for purpose, (key_id, value) in fingerprints(source, raw).items():
            keys.record(purpose, value, key_id=key_id)
    return raw


def parse_data_keys(raw: str) -> list[tuple[str, bytes]]:
    parsed = []
    for item in raw.split(","):
        key_id, _, material = item.strip().partition(":")
        key = _unb64(material)
        if len(key) != 32 or not key_id:
            raise RuntimeError("HUIGUANG_DATA_KEYS: each key is 'id:base64(32 bytes)'")
        parsed.append((key_id, key))
    return parsed


def fingerprints(source: keys.KeySource, raw: str) -> dict[str, tuple[str, str]]:
    """{purpose: (key id, fingerprint)} of configured key text."""
    pairs = parse_data_keys(raw) if source is keys.DATA else [("", _unb64(raw))]
    return {
        source.purpose(key_id): (key_id, keys.fingerprint(source.purpose(key_id), material))
        for key_id, material in pairs
    }


@lru_cache
def data_keys() -> list[tuple[str, bytes]]:
    return parse_data_keys(_load(keys.DATA, lambda: f"k1:{_b64(AESGCM.generate_key(bit_length=256))}"))


@lru_cache
def blind_index_key() -> bytes:
    return _unb64(_load(keys.BLIND_INDEX_SOURCE, lambda: _b64(secrets.token_bytes(32))))


def encrypt(plaintext: str, *, context: str) -> str:
    """AES-GCM with the current key; `context` (e.g. "volunteer.id_number") is bound as AAD."""
    key_id, key = data_keys()[0]
    nonce = secrets.token_bytes(12)
    ct = AESGCM(key).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{key_id}:{_b64(nonce + ct)}"


def encrypt_many(plaintexts: list[str], *, context: str) -> list[str]:
    """`encrypt` for many values at once (an import): one cipher object for all of them, and their
    random nonces drawn from the system in one read."""
    key_id, key = data_keys()[0]
    aead, aad, head = AESGCM(key), context.encode(), f"{PREFIX}:{key_id}:"
    nonces = secrets.token_bytes(12 * len(plaintexts))
    out = []
    for start, plaintext in zip(range(0, len(nonces), 12), plaintexts, strict=True):
        nonce = nonces[start : start + 12]
        out.append(head + _b64(nonce + aead.encrypt(nonce, plaintext.encode(), aad)))
    return out


def decrypt(token: str, *, context: str) -> str:
    try:
        prefix, key_id, body = token.split(":", 2)
    except ValueError:
        raise DecryptionError("not a Huiguang ciphertext")
    if prefix != PREFIX:
        raise DecryptionError("not a Huiguang ciphertext")
    blob = _unb64(body)
    for kid, key in data_keys():
        if kid == key_id:
            try:
                return AESGCM(key).decrypt(blob[:12], blob[12:], context.encode()).decode()
            except InvalidTag:
                raise DecryptionError(f"key {key_id} does not open this value (wrong key?)")
    raise DecryptionError(f"no data key {key_id!r} is configured")


def blind_index(value: str, *, context: str) -> str:
    """Deterministic HMAC of a normalized value: equality lookups without the plaintext."""
    return hmac.new(blind_index_key(), f"{context}\x00{value}".encode(), hashlib.sha256).hexdigest()


@lru_cache
def signing_key() -> Ed25519PrivateKey:
    raw = _load(
        keys.SIGNING_SOURCE,
        lambda: _b64(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
        ),
    )
    return Ed25519PrivateKey.from_private_bytes(_unb64(raw))


def public_key_b64() -> str:
    raw = signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(raw)


def sign_token(payload: bytes) -> str:
    """`base64(payload).base64(signature)`: short enough for a QR code."""
    return f"{_b64(payload)}.{_b64(signing_key().sign(payload))}"


def verify_token(token: str, public_key: str | None = None) -> bytes:
    try:
        body, sig = token.strip().split(".", 1)
        payload = _unb64(body)
        key = (
            Ed25519PublicKey.from_public_bytes(_unb64(public_key))
            if public_key
            else signing_key().public_key()
        )
        key.verify(_unb64(sig), payload)
    except (ValueError, InvalidSignature) as exc:
        raise SignatureError("signature does not verify") from exc
    return payload
