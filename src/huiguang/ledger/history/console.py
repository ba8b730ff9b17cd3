"""The console's two steps (the page uploads, the task applies): each a service over run.py
that keeps the uploaded files encrypted in between and deletes them at the end."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from huiguang.core.errors import Refused

from ..models import HistoryImport
from ..permissions import may_import_history
from . import storage
from .files import HistoryRefused
from .plan import history_plan
from .run import history_import_apply, history_import_check

H = HistoryImport
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the console's limit; bigger histories go through the command


def history_upload(
    *, actor, files: list[tuple[str, bytes]], source_name: str, verified: bool
) -> HistoryImport:
    """Check uploaded files (the dry-run); keep them encrypted only if every row is good."""
    if not may_import_history(actor):
        raise PermissionDenied
    if not files:
        raise Refused("NO_FILES", _("Choose the files to import."))
    if sum(len(c) for _n, c in files) > MAX_UPLOAD_BYTES:
        raise Refused("TOO_LARGE", _("Upload at most 50 MB here; import bigger histories with the command."))
    relative = storage.store(files)
    try:
        with storage.opened(relative) as paths:
            history_import, plan = history_import_check(
                paths=paths, source_name=source_name, actor=actor, verified=verified, stored_path=relative
            )
    except HistoryRefused as exc:
        storage.delete(relative)
        raise Refused(exc.code, exc.message)
    if not plan.ok:
        storage.delete(relative)
        H.objects.filter(pk=history_import.pk).update(stored_path="")
        history_import.stored_path = ""
    return history_import


def history_confirm(*, actor, history_import: HistoryImport) -> bool:
    """Mark a checked import to be applied (the task does it); False if it is not waiting."""
    if not may_import_history(actor):
        raise PermissionDenied
    with transaction.atomic():
        return bool(
            H.objects.filter(pk=history_import.pk, status=H.Status.VALIDATED)
            .exclude(stored_path="")
            .update(status=H.Status.APPLYING)
        )


def history_run(*, history_import_id: int, actor=None) -> str:
    """Apply a confirmed (or interrupted) upload from its encrypted files, then delete them."""
    history_import = H.objects.select_related("source").get(pk=history_import_id)
    if history_import.status != H.Status.APPLYING or not history_import.stored_path:
        return "nothing to do"
    relative = history_import.stored_path  # applying clears it on the row (and this instance)
    with storage.opened(relative) as paths:
        plan = history_plan(paths=paths, source=history_import.source, resume=history_import)
        if not plan.ok:
            H.objects.filter(pk=history_import.pk).update(
                status=H.Status.FAILED,
                errors=[e.as_dict() for e in plan.errors],
                error_count=plan.error_count,
            )
            storage.delete(relative)
            return f"{plan.error_count} bad rows"
        history_import.status = H.Status.VALIDATED  # history_import_apply marks it applying again
        done = history_import_apply(history_import=history_import, plan=plan, actor=actor)
    storage.delete(relative)
    return f"{done.done} records"
