"""The import's writes: a preview kept as a batch, then all rows in one transaction or none.

A volunteer already registered (same ID number, found through the blind index) is joined to the
organization instead of being registered twice; one who is already an open member is left alone,
so importing the same file twice changes nothing the second time. Locking: docs/locking.md
("confirming an import"). The uploaded file is kept only until its batch is decided (storage.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.models import User
from huiguang.core.audit import audit_log
from huiguang.network.models import Membership, Organization
from huiguang.network.signals import memberships_changed

from ..models import ImportBatch, Volunteer
from ..services import volunteer_numbers_allocate
from ..signals import volunteers_registered
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


def _check_organization(organization: Organization) -> None:
    if organization.status != Organization.Status.ACTIVE:
        raise ImportRefused("ORG_INACTIVE", _("Volunteers can only be imported into an active organization."))


def _write(*, organization: Organization, actor, plan: ImportPlan) -> None:
    """The inserts of a valid plan; the caller holds the transaction."""
    now = timezone.now()
    numbers = volunteer_numbers_allocate(count=len(plan.new)) if plan.new else []
    users = []
    for row in plan.new:
        user = User(phone=row.phone, display_name=row.real_name)
        # No password: imported volunteers set one through a reset (argon2 × 10,000 would take minutes).
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=500)
    volunteers = []
    for row, user, number in zip(plan.new, users, numbers, strict=True):
        volunteer = Volunteer(
            user=user,
            real_name=row.real_name,
            gender=row.card.gender,
            birth_date=row.card.birth_date,
            residence_region=row.region,
            political_status=row.political_status,
            is_student=row.is_student,
            school=row.school,
            occupation=row.occupation,
            is_new_resident=row.is_new_resident,
            volunteer_number=number,
            privacy_policy_version=settings.HUIGUANG_PRIVACY_POLICY_VERSION,
            consented_at=now,
        )
        volunteer.set_id_number(row.card.number)
        volunteers.append(volunteer)
    Volunteer.objects.bulk_create(volunteers, batch_size=500)
    if volunteers:
        volunteers_registered.send(sender=Volunteer, volunteers=volunteers)
    decided_by = actor if actor is not None and actor.is_authenticated else None
    joining = [v.pk for v in volunteers] + plan.join_volunteer_ids
    Membership.objects.bulk_create(
        [
            Membership(
                volunteer_id=pk,
                organization=organization,
                role=Membership.Role.MEMBER,
                status=Membership.Status.ACTIVE,
                decided_at=now,
                decided_by=decided_by,
            )
            for pk in joining
        ],
        batch_size=500,
    )
    if joining:
        memberships_changed.send(sender=Membership, joined=[(organization.pk, now)] * len(joining), left=[])


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
