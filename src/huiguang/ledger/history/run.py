"""The two operations of a history import: check (the dry-run) and apply (after confirmation)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import Refused

from ..models import HistoryImport, ImportSource
from .apply import Progress, write_network, write_records
from .files import fingerprint
from .plan import Plan, history_plan

H = HistoryImport


def history_import_check(
    *,
    paths: list[Path],
    source_name: str,
    actor,
    verified: bool | None = None,
    stored_path: str = "",
    actor_label: str = "",
) -> tuple[HistoryImport, Plan]:
    """Check every row (nothing of the city's data is written) and keep the result as a
    HistoryImport: `validated` (may be applied) or `failed` (its bad rows listed). The same files
    of the same source as an interrupted import resume that import (its done rows skipped)."""
    name = (source_name or "").strip()[:64]
    if not name:
        raise Refused("NO_SOURCE", _("Name the platform the history comes from."))
    with transaction.atomic():
        source, _created = ImportSource.objects.get_or_create(name=name)
        if verified is not None and source.verified_attendance != verified:
            ImportSource.objects.filter(pk=source.pk).update(verified_attendance=verified)
            source.verified_attendance = verified
    fp = fingerprint(paths)
    resume = H.objects.filter(source=source, fingerprint=fp, status=H.Status.APPLYING).first()
    plan = history_plan(paths=paths, source=source, resume=resume)
    fields = {
        "summary": plan.summary(),
        "errors": [e.as_dict() for e in plan.errors],
        "error_count": plan.error_count,
        "total": plan.done + len(plan.records),
        "done": plan.done,
    }
    with transaction.atomic():
        if resume is not None and plan.ok:
            H.objects.filter(pk=resume.pk).update(**fields, stored_path=stored_path or resume.stored_path)
            history_import = H.objects.get(pk=resume.pk)
        else:
            history_import = H.objects.create(
                source=source,
                fingerprint=fp,
                file_names=[p.name for p in paths],
                stored_path=stored_path,
                status=H.Status.VALIDATED if plan.ok else H.Status.FAILED,
                created_by=actor if actor is not None and actor.is_authenticated else None,
                finished_at=None if plan.ok else timezone.now(),
                **fields,
            )
        audit_log(
            action="history.check",
            actor=actor,
            actor_label=actor_label,
            obj=history_import,
            source=source.name,
            records=len(plan.records),
            bad_rows=plan.error_count,
        )
    return history_import, plan


def history_import_apply(
    *,
    history_import: HistoryImport,
    plan: Plan,
    actor,
    progress: Progress | None = None,
    actor_label: str = "",
) -> HistoryImport:
    """Write a checked import: the network rows, then the records in batches (apply.py). Refused
    when the plan has bad rows (all or nothing) or the import was applied already."""
    if not plan.ok or history_import.status in (H.Status.FAILED, H.Status.APPLIED):
        raise Refused(
            "NOT_APPLICABLE", _("This import has bad rows or was already applied: nothing was written.")
        )
    H.objects.filter(pk=history_import.pk).update(status=H.Status.APPLYING)
    org_ids, activity_ids = write_network(plan=plan, history_import=history_import, actor=actor)
    written = write_records(
        plan=plan,
        history_import=history_import,
        actor=actor,
        org_ids=org_ids,
        activity_ids=activity_ids,
        progress=progress,
    )
    with transaction.atomic():
        H.objects.filter(pk=history_import.pk).update(
            status=H.Status.APPLIED, finished_at=timezone.now(), stored_path=""
        )
        audit_log(
            action="history.apply",
            actor=actor,
            actor_label=actor_label,
            obj=history_import,
            source=history_import.source.name,
            records=written,
            resumed_after=plan.done,
            organizations=len(plan.organizations),
            activities=len(plan.activities),
            memberships=len(plan.memberships),
        )
    history_import.refresh_from_db()
    return history_import
