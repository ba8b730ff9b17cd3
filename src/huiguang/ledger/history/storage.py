"""Uploaded history files wait for their confirmation encrypted (AES-GCM, the data-encryption
key): they hold ID numbers and phones. They are deleted once the import is applied or failed."""

from __future__ import annotations

import base64
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from huiguang.core import crypto

FOLDER = "history-imports"
CONTEXT = "ledger.history.upload"


def store(files: list[tuple[str, bytes]]) -> str:
    """Keep the files encrypted; returns their folder relative to VAR_DIR."""
    relative = f"{FOLDER}/{secrets.token_hex(12)}"
    folder = Path(settings.VAR_DIR) / relative
    folder.mkdir(parents=True, mode=0o700)
    for index, (name, content) in enumerate(files):
        token = crypto.encrypt(base64.b64encode(content).decode("ascii"), context=CONTEXT)
        safe = Path(name).name.replace("/", "_")[:120]
        (folder / f"{index:02d}.enc").write_text(f"{safe}\n{token}", encoding="utf-8")
    return relative


@contextmanager
def opened(relative: str):
    """The stored files decrypted into a private temporary directory for the time of the block."""
    folder = Path(settings.VAR_DIR) / relative
    tmp = Path(tempfile.mkdtemp(prefix="history-"))
    try:
        paths = []
        for part in sorted(folder.glob("*.enc")):
            name, token = part.read_text(encoding="utf-8").split("\n", 1)
            path = tmp / name
            path.write_bytes(base64.b64decode(crypto.decrypt(token, context=CONTEXT)))
            paths.append(path)
        yield paths
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def delete(relative: str) -> None:
    if relative and relative.startswith(f"{FOLDER}/"):
        shutil.rmtree(Path(settings.VAR_DIR) / relative, ignore_errors=True)
