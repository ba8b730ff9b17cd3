"""Writes about recruitment drives: create, open, close, units and their targets, the enrolled
league-member counts (typed in or imported from .xlsx), and the sign-ups of a unit's page.

Sign-ups and membership (decided for drives, see docs/mobilization.md): a sign-up goes through the
network's own `membership_apply` (so its rules hold: an active volunteer, an active organization,
one open membership); a unit with `auto_approve` (the default) then approves that application at
once, because the organization agreed to the drive. A volunteer who is already a member only gets
the sign-up recorded. A minor awaiting the guardian's consent is signed up but joins nothing yet.
A second sign-up at the same unit changes nothing (unique row, `get_or_create`).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.network.models import Membership, Organization, Region
from huiguang.network.services.memberships import membership_apply
from huiguang.volunteers.importing.columns import cell_text, header_key
from huiguang.volunteers.importing.files import check_size, detect_kind
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.services import Registration, volunteer_register

from ..models.drives import Drive, DriveSignup, DriveUnit
from ..permissions import may_create_drives, may_manage_drive, unit_in_drive
from ..selectors.drives import drive_region_choices

MAX_TARGET = 1_000_000
MAX_IMPORT_ROWS = 2000


def _clean(value: str, n: int) -> str:
    return (value or "").strip()[:n]


def _drive_fields_check(
    *, name: str, year: int, starts_on: dt.date, ends_on: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the drive a name.")]
    if not 2000 <= year <= 2099:
        errors["year"] = [_("Enter a year from 2000 to 2099.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The end date cannot be before the start date.")]
    return errors


def drive_create(
    *,
    actor,
    name: str,
    year: int,
    region: Region,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    request=None,
) -> Drive:
    """A draft drive of `region` (the city admin: any region; a region admin: one of their subtree)."""
    if not may_create_drives(actor):
        raise PermissionDenied
    name = _clean(name, 120)
    errors = _drive_fields_check(name=name, year=year, starts_on=starts_on, ends_on=ends_on)
    if not drive_region_choices(actor).filter(pk=region.pk).exists():
        errors["region"] = [_("Choose a region you manage.")]
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        drive = Drive.objects.create(
            name=name,
            year=year,
            region=region,
            starts_on=starts_on,
            ends_on=ends_on,
            description=_clean(description, 5000),
            created_by=actor,
        )
        audit_log(action="drive_created", actor=actor, obj=drive, request=request)
    return drive


def _move(*, actor, drive: Drive, to: str, allowed: tuple[str, ...], stamp: str, request) -> Drive:
    if not may_manage_drive(actor, drive):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        # Guarded: two admins pressing the button at once move the drive once.
        moved = Drive.objects.filter(pk=drive.pk, status__in=allowed).update(status=to, **{stamp: now})
        if not moved:
            raise Refused(
                "wrong_status", _("This drive is %(status)s.") % {"status": drive.get_status_display()}
            )
        drive.refresh_from_db()
        if to == Drive.Status.OPEN:
            audit_log(action="drive_opened", actor=actor, obj=drive, request=request)
        else:
            audit_log(action="drive_closed", actor=actor, obj=drive, request=request)
    return drive


def drive_open(*, actor, drive: Drive, request=None) -> Drive:
    """Draft → open: the units' pages accept sign-ups."""
    return _move(
        actor=actor,
        drive=drive,
        to=Drive.Status.OPEN,
        allowed=(Drive.Status.DRAFT,),
        stamp="opened_at",
        request=request,
    )


def drive_close(*, actor, drive: Drive, request=None) -> Drive:
    """Open (or draft) → closed: sign-ups stop; everything stays as history."""
    return _move(
        actor=actor,
        drive=drive,
        to=Drive.Status.CLOSED,
        allowed=(Drive.Status.DRAFT, Drive.Status.OPEN),
        stamp="closed_at",
        request=request,
    )


# --- units --------------------------------------------------------------------------------------


def _unit_numbers_check(target: int, enrolled: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 1 <= target <= MAX_TARGET:
        errors["target"] = [_("Enter a target from 1 to %(n)d.") % {"n": MAX_TARGET}]
    if not 0 <= enrolled <= MAX_TARGET:
        errors["enrolled_league_members"] = [_("Enter a number from 0 to %(n)d.") % {"n": MAX_TARGET}]
    return errors


def _writable(actor, drive: Drive) -> None:
    if not may_manage_drive(actor, drive):
        raise PermissionDenied
    if drive.status == Drive.Status.CLOSED:
        raise Refused("closed", _("This drive is closed; it is kept as history."))


def drive_unit_add(
    *,
    actor,
    drive: Drive,
    target: int,
    organization: Organization | None = None,
    region: Region | None = None,
    team: Organization | None = None,
    enrolled_league_members: int = 0,
    school_name: str = "",
    auto_approve: bool = True,
    request=None,
) -> DriveUnit:
    """A unit: an organization, or a village/community with an optional default team."""
    _writable(actor, drive)
    errors = _unit_numbers_check(target, enrolled_league_members)
    if (organization is None) == (region is None):
        errors["organization"] = [_("Choose either an organization or a village or community.")]
    elif organization is not None and not unit_in_drive(drive, organization=organization):
        errors["organization"] = [_("This organization is outside the drive's region.")]
    elif region is not None and not unit_in_drive(drive, region=region):
        errors["region"] = [_("This village or community is outside the drive's region.")]
    elif region is not None and region.level not in (Region.Level.VILLAGE, Region.Level.TOWN):
        errors["region"] = [_("Choose a village, a community or a town.")]
    if team is not None and (region is None or not team.region.path.startswith(region.path)):
        errors["team"] = [_("The default team must be an organization of this village or community.")]
    if organization is not None and organization.kind == Organization.Kind.SCHOOL and not school_name:
        school_name = organization.name
    if errors:
        raise FieldErrors(errors)
    try:
        with transaction.atomic():
            unit = DriveUnit.objects.create(
                drive=drive,
                organization=organization,
                region=region,
                team=team if region is not None else None,
                target=target,
                enrolled_league_members=enrolled_league_members,
                school_name=_clean(school_name, 120),
                auto_approve=auto_approve,
            )
            audit_log(
                action="drive_unit_added",
                actor=actor,
                obj=unit,
                request=request,
                drive=drive.pk,
                target=target,
                enrolled=enrolled_league_members,
            )
    except IntegrityError:
        raise FieldErrors(
            {"organization" if organization else "region": [_("This unit is already in the drive.")]}
        )
    return unit


def drive_unit_update(
    *,
    actor,
    unit: DriveUnit,
    target: int,
    enrolled_league_members: int,
    school_name: str = "",
    team: Organization | None = None,
    auto_approve: bool = True,
    request=None,
) -> DriveUnit:
    _writable(actor, unit.drive)
    errors = _unit_numbers_check(target, enrolled_league_members)
    if team is not None and (unit.region is None or not team.region.path.startswith(unit.region.path)):
        errors["team"] = [_("The default team must be an organization of this village or community.")]
    if errors:
        raise FieldErrors(errors)
    before = {"target": unit.target, "enrolled": unit.enrolled_league_members}
    with transaction.atomic():
        unit.target = target
        unit.enrolled_league_members = enrolled_league_members
        unit.school_name = _clean(school_name, 120) or unit.school_name
        unit.team = team if unit.region_id else None
        unit.auto_approve = auto_approve
        unit.save(update_fields=["target", "enrolled_league_members", "school_name", "team", "auto_approve"])
        audit_log(
            action="drive_unit_changed",
            actor=actor,
            obj=unit,
            request=request,
            before=before,
            target=target,
            enrolled=enrolled_league_members,
        )
    return unit


# --- enrolled league members from .xlsx ------------------------------------------------------------


@dataclass
class EnrolledRowError:
    row: int
    message: str


class EnrolledRowsInvalid(Exception):
    """Every bad row of an import (nothing was written)."""

    def __init__(self, errors: list[EnrolledRowError]):
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors


SCHOOL_HEADERS = {
    header_key(h) for h in ("school", "学校", "学校名称", "school code", "学校代码", "组织编码")
}
COUNT_HEADERS = {
    header_key(h) for h in ("enrolled league members", "在校团员", "在校团员数", "团员数", "count")
}


def _sheet(content: bytes) -> list[tuple[int, list]]:
    check_size(len(content))
    if detect_kind(content) != "xlsx":  # ImportRefused (a Refused) for a file that is no workbook
        raise Refused("WRONG_TYPE", _("Upload an Excel workbook (.xlsx)."))
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        raw = [list(r) for r in sheet.iter_rows()]
    except Exception:  # noqa: BLE001 - any parser failure on untrusted bytes means "unreadable"
        raise Refused("DAMAGED", _("This Excel workbook cannot be read.")) from None
    return [(i + 1, r) for i, r in enumerate(raw) if any(cell_text(c) for c in r)]


def drive_enrolled_import(*, actor, drive: Drive, content: bytes, request=None) -> int:
    """Enrolled league-member counts per school unit from an .xlsx (school name or organization code,
    count). Every bad row is reported with its row number (EnrolledRowsInvalid) and nothing is
    written; otherwise every row is. Returns the number of units changed."""
    _writable(actor, drive)
    rows = _sheet(content)
    if not rows:
        raise Refused("EMPTY", _("The file is empty."))
    header = [header_key(cell_text(c)) for c in rows[0][1]]
    school_col = next((i for i, h in enumerate(header) if h in SCHOOL_HEADERS), None)
    count_col = next((i for i, h in enumerate(header) if h in COUNT_HEADERS), None)
    if school_col is None or count_col is None:
        raise Refused(
            "MISSING_COLUMNS",
            _('The first row must name the columns "学校" (school name or code) and "在校团员" (count).'),
        )
    body = rows[1:]
    if not body:
        raise Refused("EMPTY", _("The file holds no school below the header row."))
    if len(body) > MAX_IMPORT_ROWS:
        raise Refused("TOO_MANY_ROWS", _("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS})
    units = list(drive.units.filter(organization__isnull=False).select_related("organization"))
    by_key: dict[str, DriveUnit] = {}
    for each in units:
        org = each.organization
        for key in (org.code, org.name, each.school_name) if org is not None else ():
            if key:
                by_key.setdefault(key, each)
    errors: list[EnrolledRowError] = []
    changes: dict[int, tuple[DriveUnit, int]] = {}
    for number, cells in body:
        school = cell_text(cells[school_col] if school_col < len(cells) else None)
        raw = cell_text(cells[count_col] if count_col < len(cells) else None)
        unit = by_key.get(school)
        if unit is None:
            errors.append(
                EnrolledRowError(
                    number, _("No unit of this drive is the school “%(s)s”.") % {"s": school[:60]}
                )
            )
            continue
        if not (raw.isdigit() and raw.isascii() and int(raw) <= MAX_TARGET):
            errors.append(
                EnrolledRowError(
                    number, _("Enter the count as a whole number from 0 to %(n)d.") % {"n": MAX_TARGET}
                )
            )
            continue
        if unit.pk in changes:
            errors.append(EnrolledRowError(number, _("This school is already on an earlier row.")))
            continue
        changes[unit.pk] = (unit, int(raw))
    if errors:
        raise EnrolledRowsInvalid(errors)
    with transaction.atomic():
        for unit, count in changes.values():
            DriveUnit.objects.filter(pk=unit.pk).update(enrolled_league_members=count)
        audit_log(
            action="drive_enrolled_imported",
            actor=actor,
            obj=drive,
            request=request,
            counts={unit.name: count for unit, count in changes.values()},
        )
    return len(changes)


# --- sign-ups -------------------------------------------------------------------------------------


def _must_be_open(unit: DriveUnit) -> None:
    if unit.drive.status != Drive.Status.OPEN:
        raise Refused("drive_not_open", _("This recruitment drive is not taking sign-ups."))


def _join(*, user, volunteer: Volunteer, unit: DriveUnit, request) -> None:
    organization = unit.join_organization
    if organization is None or volunteer.status == Volunteer.Status.AWAITING_GUARDIAN:
        return
    try:
        membership_apply(actor=user, organization=organization, note=unit.drive.name[:200], request=request)
    except Refused as exc:
        if exc.reason == "already_member":
            return
        if exc.reason != "already_applied":
            raise
    if unit.auto_approve:
        approved = Membership.objects.filter(
            volunteer=volunteer, organization=organization, status=Membership.Status.APPLIED
        ).update(status=Membership.Status.ACTIVE, decided_at=timezone.now())
        if approved:
            audit_log(
                action="drive_membership_approved",
                actor=user,
                obj=unit,
                request=request,
                organization=organization.pk,
                volunteer=volunteer.pk,
            )


def _record(
    *, user, volunteer: Volunteer, unit: DriveUnit, newcomer: bool, request
) -> tuple[DriveSignup, bool]:
    if volunteer.status == Volunteer.Status.SUSPENDED:
        raise Refused("not_active", _("Your volunteer account is suspended."))
    _join(user=user, volunteer=volunteer, unit=unit, request=request)
    signup, created = DriveSignup.objects.get_or_create(
        unit=unit, volunteer=volunteer, defaults={"newcomer": newcomer}
    )
    if created:
        audit_log(action="drive_signed_up", actor=user, obj=signup, request=request, newcomer=newcomer)
    return signup, created


def drive_signup(*, actor, unit: DriveUnit, request=None) -> tuple[DriveSignup, bool]:
    """An existing volunteer signs up with one tap (and joins the unit's organization). Twice = once:
    returns (sign-up, created)."""
    volunteer = getattr(actor, "volunteer", None) if actor is not None and actor.is_authenticated else None
    if volunteer is None:
        raise Refused("not_volunteer", _("Register as a volunteer first."))
    _must_be_open(unit)
    try:
        with transaction.atomic():
            return _record(user=actor, volunteer=volunteer, unit=unit, newcomer=False, request=request)
    except IntegrityError:
        # Two taps raced: the unique sign-up (or open membership) held; the first one counts.
        return DriveSignup.objects.get(unit=unit, volunteer=volunteer), False


def drive_register(*, unit: DriveUnit, data: Registration, request=None) -> Volunteer:
    """A newcomer registers real-name (volunteers' own rules) and signs up in one transaction:
    everything or nothing. A region unit's newcomer lives in that region; a school unit's is a
    student of that school."""
    _must_be_open(unit)
    if unit.region is not None:
        data = replace(data, region_code=unit.region.code)
    if unit.is_school and unit.organization is not None:
        data = replace(data, is_student=True, school=unit.school_name or unit.organization.name)
    with transaction.atomic():
        volunteer = volunteer_register(data=data, request=request)
        _record(user=volunteer.user, volunteer=volunteer, unit=unit, newcomer=True, request=request)
    return volunteer
