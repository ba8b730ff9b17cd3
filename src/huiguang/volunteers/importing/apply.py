"""The import's writes: a preview kept as a batch, then all rows in one transaction or none.

A volunteer already registered (same ID number, found through the blind index) is joined to the
organization instead of being registered twice; one who is already an open member is left alone,
so importing the same file twice changes nothing the second time. Locking: docs/locking.md
("confirming an import"). The uploaded file is kept only until its batch is decided (storage.py).
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.models import User
from huiguang.core import crypto
from huiguang.core.audit import audit_log
from huiguang.core.bulk import insert_rows, reserve_ids
from huiguang.core.masking import mask_id_number
from huiguang.network.models import Membership, Organization
from huiguang.network.signals import memberships_changed

from ..models import ID_CONTEXT, ImportBatch, Volunteer
from ..services import volunteer_numbers_allocate
from ..signals import Registered, volunteers_registered
from .errors import ImportRefused, ImportRowsInvalid, RowError
from .files import ParsedFile, read_upload
from .plan import ImportPlan, clean_rows, import_plan, plan_against_db
from .storage import discard, load, store


@dataclass
class ImportResult:
    row_count: int
    created: int
    joined: int
    already: int
    errors: list[RowError]
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """An import makes a dozen objects a row and keeps most of them to its end: each time enough
    of them survive, Python's cycle collector scans every object of the process, twice or three
    times an import of 10,000 rows (a fifth of its time, more in a web process holding more).
    They form no cycles worth collecting meanwhile; the collector resumes after the import.
    Process-wide: another thread's objects wait too, for the second that an import takes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_organization(organization: Organization) -> None:
    if organization.status != Organization.Status.ACTIVE:
        raise ImportRefused("ORG_INACTIVE", _("Volunteers can only be imported into an active organization."))


def _write(*, organization: Organization, actor, plan: ImportPlan) -> None:
    """The inserts of a valid plan; the caller holds the transaction. Users, volunteers and
    memberships as plain multi-row INSERTs (bulk.py); the numbers in one guarded UPDATE; the ID
    numbers encrypted with one cipher object; the blind indexes were computed by the plan."""
    now = timezone.now()
    new = plan.new
    numbers = volunteer_numbers_allocate(count=len(new)) if new else []
    # No password: imported volunteers set one through a reset (argon2 × 10,000 would take
    # minutes). The unusable marker of set_unusable_password, without its slow random string: 40
    # random characters each, cut from one draw (base64 turns every 30 bytes into 40 characters).
    suffixes = secrets.token_urlsafe(30 * len(new))
    # The new rows' ids are reserved first and inserted with them: nothing is read back.
    user_ids = reserve_ids(User, len(new)) if new else []
    insert_rows(
        User,
        ["id", "phone", "display_name", "password"],
        [
            (pk, row.phone, row.real_name, UNUSABLE_PASSWORD_PREFIX + suffixes[start : start + 40])
            for row, pk, start in zip(new, user_ids, range(0, len(suffixes), 40), strict=True)
        ],
        same={"date_joined": now},
    )
    encrypted = crypto.encrypt_many([row.card.number for row in new], context=ID_CONTEXT)
    date = connection.ops.adapt_datefield_value
    volunteer_ids = list(reserve_ids(Volunteer, len(new))) if new else []
    insert_rows(
        Volunteer,
        [
            "id",
            "user_id",
            "real_name",
            "id_number_encrypted",
            "id_blind_index",
            "id_masked",
            "gender",
            "birth_date",
            "residence_region_id",
            "political_status",
            "is_student",
            "school",
            "occupation",
            "is_new_resident",
            "volunteer_number",
        ],
        [
            (
                pk,
                user_id,
                row.real_name,
                ciphertext,
                row.blind_index,
                mask_id_number(row.card.number),
                row.card.gender,
                date(row.card.birth_date),
                row.region.pk,
                row.political_status,
                row.is_student,
                row.school,
                row.occupation,
                row.is_new_resident,
                number,
            )
            for row, pk, user_id, ciphertext, number in zip(
                new, volunteer_ids, user_ids, encrypted, numbers, strict=True
            )
        ],
        same={
            "registered_at": now,
            "privacy_policy_version": settings.HUIGUANG_PRIVACY_POLICY_VERSION,
            "consented_at": now,
        },
    )
    if new:
        # The registration rollups (reports) count each new volunteer by residence region and month.
        volunteers_registered.send(
            sender=Volunteer,
            volunteers=[Registered(row.region.pk, now) for row in new],
        )
    decided_by = actor.pk if actor is not None and actor.is_authenticated else None
    insert_rows(
        Membership,
        ["volunteer_id"],
        [(pk,) for pk in volunteer_ids + plan.join_volunteer_ids],
        same={
            "organization_id": organization.pk,
            "role": Membership.Role.MEMBER,
            "status": Membership.Status.ACTIVE,
            "applied_at": now,
            "decided_at": now,
            "decided_by_id": decided_by,
        },
    )
    joining = len(volunteer_ids) + len(plan.join_volunteer_ids)
    if joining:
        memberships_changed.send(sender=Membership, joined=[(organization.pk, now)] * joining, left=[])


CONFLICT = _(
    "Another registration changed some of these volunteers while the import ran; nothing was "
    "written. Upload the file again to see the current state."
)


def _apply(
    *,
    organization: Organization,
    actor,
    parsed: ParsedFile,
    content: bytes,
    file_name: str,
    batch: ImportBatch | None,
    request=None,
) -> ImportResult:
    """Validate (pure rules outside the transaction, database rules inside it) and write all or nothing."""
    rows, errors = clean_rows(parsed)
    try:
        with transaction.atomic():
            # Two clicks on "confirm": the guarded UPDATE lets exactly one of them through.
            if batch is not None and not ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.PREVIEWED
            ).update(status=ImportBatch.Status.APPLIED, applied_at=timezone.now()):
                raise ImportRefused("ALREADY_APPLIED", _("This file has already been imported."))
            plan = plan_against_db(
                organization=organization,
                rows=rows,
                errors=errors,
                row_count=len(parsed.rows),
                headers=parsed.headers,
            )
            if not plan.ok:
                raise ImportRowsInvalid(plan.errors)
            _write(organization=organization, actor=actor, plan=plan)
            counts = {
                "row_count": plan.row_count,
                "error_row_count": 0,
                "created_count": len(plan.new),
                "joined_count": len(plan.join_volunteer_ids),
                "already_count": plan.already,
            }
            if batch is None:
                batch = ImportBatch.objects.create(
                    organization=organization,
                    uploaded_by=actor if actor and actor.is_authenticated else None,
                    file_name=file_name[:255],
                    file_path="",  # applied at once: the file is not kept
                    file_kind=parsed.kind,
                    sha256=parsed.sha256,
                    status=ImportBatch.Status.APPLIED,
                    applied_at=timezone.now(),
                    errors=[],
                    **counts,
                )
            else:
                ImportBatch.objects.filter(pk=batch.pk).update(errors=[], **counts)
                batch.refresh_from_db()
                discard(batch)  # after the commit: a rolled-back import keeps its file
            audit_log(
                action="volunteers_imported",
                actor=actor,
                obj=batch,
                request=request,
                actor_label="" if actor is not None else "import_volunteers",
                organization=organization.code,
                file=file_name[:120],
                sha256=parsed.sha256,
                rows=plan.row_count,
                created=len(plan.new),
                joined=len(plan.join_volunteer_ids),
                already=plan.already,
            )
    except ImportRowsInvalid as exc:
        if batch is not None:
            _mark_failed(batch, exc.errors)
            exc.batch = batch
        raise
    except IntegrityError:
        raise ImportRefused("CONFLICT", CONFLICT)
    return ImportResult(
        row_count=batch.row_count,
        created=batch.created_count,
        joined=batch.joined_count,
        already=batch.already_count,
        errors=[],
        batch=batch,
    )


def _mark_failed(batch: ImportBatch, errors: list[RowError]) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED,
        errors=[e.as_dict() for e in errors],
        error_row_count=len({e.row for e in errors}),
        applied_at=None,
    )
    batch.refresh_from_db()
    discard(batch)  # a failed batch is never applied: upload a corrected file instead


@_cycle_collector_paused()
def import_preview(*, organization: Organization, actor, content: bytes, file_name: str) -> ImportBatch:
    """Check the file and every row; keep the file and the outcome as a batch to confirm later.

    Raises ImportRefused for a file that cannot be imported at all (nothing is kept); a file with
    bad rows gives a FAILED batch listing them (the file is not kept), a good one a PREVIEWED
    batch with the counts, whose file waits for the confirmation (at most
    HUIGUANG_IMPORT_FILE_TTL_HOURS).
    """
    _check_organization(organization)
    parsed = read_upload(content, file_name)
    plan = import_plan(organization=organization, parsed=parsed)
    return ImportBatch.objects.create(
        organization=organization,
        uploaded_by=actor if actor and actor.is_authenticated else None,
        file_name=Path(file_name).name[:255],
        # Kept for the confirmation only when there is one to make (storage.py).
        file_path=store(content, parsed.sha256, parsed.kind) if plan.ok else "",
        file_kind=parsed.kind,
        sha256=parsed.sha256,
        status=ImportBatch.Status.PREVIEWED if plan.ok else ImportBatch.Status.FAILED,
        row_count=plan.row_count,
        error_row_count=plan.bad_rows,
        created_count=len(plan.new),
        joined_count=len(plan.join_volunteer_ids),
        already_count=plan.already,
        errors=[e.as_dict() for e in plan.errors],
    )


@_cycle_collector_paused()
def import_apply(*, batch: ImportBatch, actor, request=None) -> ImportResult:
    """Apply a previewed batch: the stored bytes are validated again (the database may have changed
    since the preview) and written all or nothing. Raises ImportRowsInvalid (the batch is then
    FAILED with the current errors) or ImportRefused."""
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused("NOT_PREVIEWED", _("Only a previewed file without errors can be imported."))
    _check_organization(batch.organization)
    content = load(batch)
    parsed = read_upload(content, batch.file_name)
    return _apply(
        organization=batch.organization,
        actor=actor,
        parsed=parsed,
        content=content,
        file_name=batch.file_name,
        batch=batch,
        request=request,
    )


@_cycle_collector_paused()
def volunteers_import(
    *, organization: Organization, actor, content: bytes, file_name: str, dry_run: bool = False, request=None
) -> ImportResult:
    """Read, validate and write in one go (the `import_volunteers` command). With dry_run nothing
    is written. Raises ImportRefused; bad rows raise ImportRowsInvalid unless dry_run, where they
    come back in the result."""
    _check_organization(organization)
    parsed = read_upload(content, file_name)
    if dry_run:
        plan = import_plan(organization=organization, parsed=parsed)
        return ImportResult(
            row_count=plan.row_count,
            created=len(plan.new),
            joined=len(plan.join_volunteer_ids),
            already=plan.already,
            errors=plan.errors,
        )
    return _apply(
        organization=organization,
        actor=actor,
        parsed=parsed,
        content=content,
        file_name=Path(file_name).name,
        batch=None,
        request=request,
    )
