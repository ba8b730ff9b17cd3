"""Where an uploaded import file waits between its preview and its confirmation, and for how long.

An import file holds full ID numbers and phone numbers in plain text, so it is kept only while
it may still be needed: a previewed batch keeps its file until it is confirmed; the file is
deleted once the batch is applied (after the commit) or can no longer be applied (its rows
turned out bad), and a file with bad rows at the preview is never kept. A batch nobody confirms
loses its file after `HUIGUANG_IMPORT_FILE_TTL_HOURS` (default 24): `purge_expired` deletes
every file of VAR_DIR/imports older than that (`huiguang purge_import_files`, from cron; the task
`volunteers.tasks.purge_import_files`). Confirming after that says to upload the file again.

Each batch has its own file (`imports/<sha256>-<random>.<kind>`, mode 0600), so deleting one
batch's file never takes another's. Files named `imports/<sha256>.<kind>` are from before, when
batches with the same bytes shared one; those are deleted only when no other batch waits on them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import ImportBatch
from .errors import ImportRefused

FOLDER = "imports"


def _root() -> Path:
    return Path(settings.VAR_DIR) / FOLDER


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.HUIGUANG_IMPORT_FILE_TTL_HOURS)


def store(content: bytes, sha256: str, kind: str) -> str:
    """Keep the exact bytes for one batch; returns the path relative to VAR_DIR."""
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    relative = f"{FOLDER}/{sha256}-{secrets.token_hex(8)}.{kind}"
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")  # 0600, a unique name
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    os.replace(tmp, Path(settings.VAR_DIR) / relative)
    return relative


def load(batch: ImportBatch) -> bytes:
    """The batch's bytes, exactly as previewed; ImportRefused("FILE_MISSING") once deleted."""
    content = b""
    if batch.file_path:
        with contextlib.suppress(OSError):  # deleted: the hash check below says so
            content = (Path(settings.VAR_DIR) / batch.file_path).read_bytes()
    if hashlib.sha256(content).hexdigest() != batch.sha256:
        raise ImportRefused(
            "FILE_MISSING", _("The uploaded file is no longer on the server; upload it again.")
        )
    return content


def discard(batch: ImportBatch) -> None:
    """Delete the batch's file once the current transaction commits (at once outside one)."""
    relative = batch.file_path
    if not relative:
        return

    def delete() -> None:
        shared = (
            ImportBatch.objects.filter(file_path=relative, status=ImportBatch.Status.PREVIEWED)
            .exclude(pk=batch.pk)
            .exists()
        )
        if not shared:
            _unlink(Path(settings.VAR_DIR) / relative)

    transaction.on_commit(delete)


def _unlink(path: Path) -> bool:
    # Only files directly under VAR_DIR/imports: a file_path from the database never leads elsewhere.
    if path.parent.resolve() != _root().resolve():
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def purge_expired(*, now: float | None = None) -> int:
    """Delete every import file (and any half-written upload) older than the retention time.
    Returns how many were deleted. Safe to run at any time and twice at once."""
    root = _root()
    if not root.is_dir():
        return 0
    limit = (time.time() if now is None else now) - ttl().total_seconds()
    deleted = 0
    for entry in os.scandir(root):
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < limit:
                deleted += _unlink(Path(entry.path))
        except FileNotFoundError:
            continue  # deleted by a concurrent run or a confirmation meanwhile
    return deleted
