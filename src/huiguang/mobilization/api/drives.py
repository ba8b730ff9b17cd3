"""API of recruitment drives: console (drives, units, progress, school rates) and a unit's public
sign-up information, with one-tap sign-up for a volunteer. Outside the caller's scope: 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from huiguang.accounts.auth import PUBLIC_AUTH, PUBLIC_SECURITY
from huiguang.core.api import ERRORS, Pagination, RefusedOut
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Organization, Region
from huiguang.network.scope import scope_for

from .. import permissions as perms
from ..selectors import drives as sel
from ..services import drives as services
from .drive_schemas import (
    DriveDetailOut,
    DriveIn,
    DriveOut,
    DriveSchoolRatesOut,
    DriveSignupOut,
    DriveUnitChange,
    DriveUnitIn,
    DriveUnitOut,
    DriveUnitPublicOut,
)

router = Router(tags=["mobilization"])
WRITE_ERRORS = {**ERRORS, 409: RefusedOut}


def _console(request) -> None:
    if not scope_for(request.user).is_console_user or perms.drive_visible_q(request.user) is None:
        raise Http404


def _detail(user, drive_id: int):
    drive = sel.drive_get_for(user, drive_id)
    drive.totals = sel.drive_totals(drive)  # type: ignore[attr-defined]  # DriveDetailOut reads it
    return drive


def _org(pk: int | None, field: str) -> Organization | None:
    if pk is None:
        return None
    org = Organization.objects.filter(pk=pk).select_related("region").first()
    if org is None:
        raise FieldErrors({field: [_("No organization has this id.")]})
    return org


def _unit_out(unit):
    """The unit again with its progress annotations."""
    return sel.unit_progress_list(unit.drive).get(pk=unit.pk)


@router.get("/console/drives", response={200: list[DriveOut], **ERRORS}, summary="Recruitment drives you see")
@paginate(Pagination)
def drive_list(request):
    _console(request)
    return sel.drive_list_for(request.user)


@router.post(
    "/console/drives", response={201: DriveDetailOut, **WRITE_ERRORS}, summary="Create a draft drive"
)
def drive_create(request, payload: DriveIn):
    _console(request)
    if not perms.may_create_drives(request.user):
        raise Http404
    data = payload.dict()
    region = Region.objects.filter(code=data.pop("region_code")).first()
    if region is None:
        raise FieldErrors({"region_code": [_("No region has this code.")]})
    try:
        drive = services.drive_create(actor=request.user, region=region, request=request, **data)
    except PermissionDenied:
        raise Http404 from None
    return Status(201, _detail(request.user, drive.pk))


@router.get(
    "/console/drives/{int:drive_id}",
    response={200: DriveDetailOut, **ERRORS},
    summary="One drive with its totals",
)
def drive_detail(request, drive_id: int):
    _console(request)
    return _detail(request.user, drive_id)


@router.post(
    "/console/drives/{int:drive_id}/open",
    response={200: DriveDetailOut, **WRITE_ERRORS},
    summary="Open a draft drive (409 wrong_status otherwise)",
)
def drive_open(request, drive_id: int):
    _console(request)
    drive = sel.drive_managed_get(request.user, drive_id)
    services.drive_open(actor=request.user, drive=drive, request=request)
    return _detail(request.user, drive_id)


@router.post(
    "/console/drives/{int:drive_id}/close",
    response={200: DriveDetailOut, **WRITE_ERRORS},
    summary="Close a drive; everything stays as history",
)
def drive_close(request, drive_id: int):
    _console(request)
    drive = sel.drive_managed_get(request.user, drive_id)
    services.drive_close(actor=request.user, drive=drive, request=request)
    return _detail(request.user, drive_id)


@router.get(
    "/console/drives/{int:drive_id}/units",
    response={200: list[DriveUnitOut], **ERRORS},
    summary="The units of a drive with targets, enrolled counts and progress",
)
@paginate(Pagination)
def unit_list(request, drive_id: int):
    _console(request)
    return sel.unit_progress_list(sel.drive_get_for(request.user, drive_id))


@router.post(
    "/console/drives/{int:drive_id}/units",
    response={201: DriveUnitOut, **WRITE_ERRORS},
    summary="Add a unit: an organization, or a village/community with an optional default team",
)
def unit_create(request, drive_id: int, payload: DriveUnitIn):
    _console(request)
    drive = sel.drive_managed_get(request.user, drive_id)
    data = payload.dict()
    region = None
    if code := data.pop("region_code"):
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise FieldErrors({"region_code": [_("No region has this code.")]})
    organization = _org(data.pop("organization"), "organization")
    team = _org(data.pop("team"), "team")
    unit = services.drive_unit_add(
        actor=request.user,
        drive=drive,
        organization=organization,
        region=region,
        team=team,
        request=request,
        **data,
    )
    return Status(201, _unit_out(unit))


@router.put(
    "/console/drive-units/{int:unit_id}",
    response={200: DriveUnitOut, **WRITE_ERRORS},
    summary="Change a unit's target, enrolled league members, school name, default team",
)
def unit_update(request, unit_id: int, payload: DriveUnitChange):
    _console(request)
    unit = sel.unit_managed_get(request.user, unit_id)
    data = payload.dict()
    team = _org(data.pop("team"), "team")
    services.drive_unit_update(actor=request.user, unit=unit, team=team, request=request, **data)
    return _unit_out(unit)


@router.get(
    "/console/drives/{int:drive_id}/schools",
    response={200: DriveSchoolRatesOut, **ERRORS},
    summary="Registration rate of student league members by school, with the total",
    description="Registered: student volunteers, Youth League members, whose school is the unit's "
    "`school_name`. The total counts the schools with an enrolled count.",
)
def school_rates(request, drive_id: int, sort: str = "rate"):
    _console(request)
    drive = sel.drive_get_for(request.user, drive_id)
    sort = sort if sort.lstrip("-") in sel.SCHOOL_SORTS else "rate"
    return {"schools": list(sel.school_rate_list(drive, sort=sort)), "total": sel.school_rate_total(drive)}


@router.get(
    "/drive-units/{slug}",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: DriveUnitPublicOut, **ERRORS},
    summary="A unit's public sign-up information (its QR code's page)",
)
def unit_public(request, slug: str):
    unit = sel.unit_public_get(slug)
    org = unit.join_organization
    return {
        "drive": unit.drive.name,
        "year": unit.drive.year,
        "unit": unit.name,
        "organization": org.name if org else None,
        "open": unit.drive.status == unit.drive.Status.OPEN,
        "signed_up": sel.signed_up(unit, request.user),
    }


@router.post(
    "/drive-units/{slug}/signup",
    response={200: DriveSignupOut, **WRITE_ERRORS},
    summary="Sign up at a unit with one tap (volunteers); twice is once",
)
def unit_signup(request, slug: str):
    unit = sel.unit_public_get(slug)
    _signup, created = services.drive_signup(actor=request.user, unit=unit, request=request)
    return {"unit": unit.name, "created": created}
