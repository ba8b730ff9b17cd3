"""Writes about the network: organizations, sites, regions and memberships. Each one is audited.

Who may do what:
- an organization is decided on (approved, rejected, suspended, reactivated) by the city admin,
  an admin of a region whose subtree holds it, or an admin of its parent organization (or above);
- an organization is edited by those who manage it (selectors.organization_managed_by), which
  includes its own admins;
- a membership is decided on by admins of the organization or above it, region admins of its
  region subtree and the city admin — never by a team leader or an auditor.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import ImagePolicy, image_check

from .models import Grant, Membership, Organization, Region, Site
from .scope import forget_scope, scope_for
from .selectors import (
    OPEN_MEMBERSHIP,
    membership_managed_by,
    organization_is_managed_by,
    organization_may_approve,
    region_managed_by,
    site_managed_by,
    volunteer_of,
)

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")
# Seals are printed on certificates: a clean PNG or JPEG scan, small enough to embed in a PDF.
SEAL_IMAGE = ImagePolicy(
    formats=("PNG", "JPEG"),
    max_bytes=1024 * 1024,
    max_side=2000,
    min_side=100,
    format_message=gettext_lazy("The seal must be a PNG or JPEG image."),
)
ROLE_GRANTS: dict[str, str] = {
    Membership.Role.LEADER: Grant.Role.LEADER,
    Membership.Role.ADMIN: Grant.Role.ORG_ADMIN,
}

# Volunteer.Status values (network sits below volunteers and does not import its models).
VOLUNTEER_ACTIVE = "active"
VOLUNTEER_AWAITING_GUARDIAN = "awaiting_guardian"

ORG_EDITABLE = (
    "name",
    "kind",
    "tier",
    "specialty",
    "description",
    "staff_count",
    "contact_name",
    "contact_phone",
    "address",
)


# --- Validation helpers --------------------------------------------------------------------


def seal_validate(upload) -> str:
    """A seal image must be a real PNG or JPEG (checked by content, not by name, in core/images.py),
    at most 1 MB and 2000 × 2000 px. Returns the file extension to store it under."""
    return image_check(upload, field="seal", policy=SEAL_IMAGE).extension


def _clean_text(value, max_length: int) -> str:
    return (value or "").strip()[:max_length]


def _organization_errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "name" in data and not data["name"]:
        errors["name"] = [_("Enter the organization's name.")]
    if "kind" in data and data["kind"] not in Organization.Kind.values:
        errors["kind"] = [_("Choose a kind from the list.")]
    if "tier" in data and data["tier"] not in Organization.Tier.values:
        errors["tier"] = [_("Choose a station tier from the list.")]
    if "staff_count" in data and (data["staff_count"] is None or data["staff_count"] < 0):
        errors["staff_count"] = [_("The staff count cannot be negative.")]
    if data.get("contact_phone") and not PHONE_RE.match(data["contact_phone"]):
        errors["contact_phone"] = [_("Enter a telephone number: digits, spaces, + and - only.")]
    return errors


def _organization_data(**values) -> dict:
    limits = {"name": 120, "specialty": 64, "contact_name": 64, "contact_phone": 20, "address": 200}
    data = {}
    for key, value in values.items():
        if key in limits:
            data[key] = _clean_text(value, limits[key])
        elif key == "description":
            data[key] = (value or "").strip()
        elif key in ("kind", "tier"):
            data[key] = value or ""
        else:
            data[key] = value
    return data


def _next_code(region: Region) -> str:
    prefix = f"{region.code}-"
    n = Organization.objects.filter(code__startswith=prefix).count() + 1
    while Organization.objects.filter(code=f"{prefix}{n:03d}").exists():
        n += 1
    return f"{prefix}{n:03d}"


def _save_with_code(org: Organization, *, generate: bool) -> None:
    """Save a new organization; a generated code that another registration took meanwhile is
    generated again (a code the user typed is not: the caller reports it)."""
    if not generate:
        org.save()
        return
    for attempt in range(5):
        org.code = _next_code(org.region)
        try:
            with transaction.atomic():
                org.save()
            return
        except IntegrityError:
            if attempt == 4:
                raise


def _grant_org_role(*, user, organization: Organization, role: str | None, actor) -> None:
    """Make the user's organization grants match the membership role (leader / admin / none)."""
    Grant.objects.filter(
        user=user, organization=organization, role__in=[Grant.Role.LEADER, Grant.Role.ORG_ADMIN]
    ).exclude(role=role or "").delete()
    if role:
        Grant.objects.get_or_create(
            user=user, organization=organization, role=role, defaults={"granted_by": actor}
        )
    forget_scope(user)


def _make_admin(*, organization: Organization, user, actor) -> None:
    """The applicant becomes the new organization's admin: a grant, plus a membership for a volunteer."""
    _grant_org_role(user=user, organization=organization, role=Grant.Role.ORG_ADMIN, actor=actor)
    volunteer = volunteer_of(user)
    if volunteer is None:
        return
    fields = {
        "role": Membership.Role.ADMIN,
        "status": Membership.Status.ACTIVE,
        "decided_at": timezone.now(),
        "decided_by": actor,
    }
    open_rows = Membership.objects.filter(
        volunteer=volunteer, organization=organization, status__in=OPEN_MEMBERSHIP
    )
    if not open_rows.update(**fields):
        Membership.objects.create(volunteer=volunteer, organization=organization, **fields)


# --- Organizations -------------------------------------------------------------------------


def organization_create(
    *,
    actor,
    name: str,
    kind: str,
    region: Region | None,
    parent: Organization | None = None,
    code: str = "",
    tier: str = "",
    specialty: str = "",
    description: str = "",
    staff_count: int = 0,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
    seal=None,
    as_applicant: bool = False,
    request=None,
) -> Organization:
    """A new organization: active at once when the actor may approve for that parent and region,
    otherwise pending until someone who may decides.

    `as_applicant`: a volunteer applies to register it; when approved (or at once, if they may
    approve themselves) they become its admin. Without it the caller must hold a writing console
    role (the console's "new organization").
    """
    if not actor.is_authenticated:
        raise PermissionDenied
    if as_applicant:
        volunteer = volunteer_of(actor)
        if volunteer is None or volunteer.status != VOLUNTEER_ACTIVE:
            raise Refused(
                "not_volunteer",
                _("Only registered volunteers in good standing can apply to register an organization."),
            )
    elif not scope_for(actor).can_write:
        raise PermissionDenied
    data = _organization_data(
        name=name,
        kind=kind,
        tier=tier,
        specialty=specialty,
        description=description,
        staff_count=staff_count,
        contact_name=contact_name,
        contact_phone=contact_phone,
        address=address,
    )
    errors = _organization_errors(data)
    code = (code or "").strip()
    if code and not CODE_RE.match(code):
        errors["code"] = [_("A code has 2–32 letters, digits, '-' or '_', starting with a letter or digit.")]
    elif code and Organization.objects.filter(code__iexact=code).exists():
        errors["code"] = [_("This code is already used by another organization.")]
    if region is None:
        errors["region"] = [_("Choose the region where the organization works.")]
    if parent is not None and parent.status != Organization.Status.ACTIVE:
        errors["parent"] = [_("The parent organization is not active.")]
    if seal:
        try:
            seal_ext = seal_validate(seal)
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)

    approved = organization_may_approve(actor, parent=parent, region=region)
    status = Organization.Status.ACTIVE if approved else Organization.Status.PENDING
    try:
        with transaction.atomic():
            org = Organization(
                code=code,
                region=region,
                parent=parent,
                status=status,
                applicant=actor if as_applicant else None,
                **data,
            )
            _save_with_code(org, generate=not code)
            if seal:
                org.seal.save(f"{org.code}{seal_ext}", seal, save=True)
            if as_applicant and approved:
                _make_admin(organization=org, user=actor, actor=actor)
            audit_log(
                action="organization_applied" if as_applicant else "organization_created",
                actor=actor,
                obj=org,
                request=request,
                status=status,
            )
    except IntegrityError:
        # Two registrations raced for the same code.
        raise FieldErrors({"code": [_("This code is already used by another organization.")]})
    return org


def organization_update(*, actor, organization: Organization, request=None, **changes) -> Organization:
    """Change the editable fields (and the region, for those who administer the new region).

    The code never changes (it is in public addresses) and neither does the parent (it is in
    every descendant's path).
    """
    if not organization_is_managed_by(actor, organization):
        raise PermissionDenied
    unknown = set(changes) - set(ORG_EDITABLE) - {"region", "seal"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    seal = changes.pop("seal", None)
    region = changes.pop("region", organization.region)
    data = _organization_data(**changes)
    errors = _organization_errors(data)
    if region is None:
        errors["region"] = [_("Choose the region where the organization works.")]
    elif region.pk != organization.region_id and not organization_may_approve(
        actor, parent=None, region=region
    ):
        errors["region"] = [_("You can only move an organization into a region you administer.")]
    if seal:
        try:
            seal_ext = seal_validate(seal)
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)

    changed = [k for k, v in data.items() if getattr(organization, k) != v]
    with transaction.atomic():
        for key in changed:
            setattr(organization, key, data[key])
        if region.pk != organization.region_id:
            organization.region = region
            changed.append("region")
        if seal:
            organization.seal.save(f"{organization.code}{seal_ext}", seal, save=False)
            changed.append("seal")
        organization.save()
        audit_log(
            action="organization_updated", actor=actor, obj=organization, request=request, fields=changed
        )
    return organization


def organization_decide(
    *, actor, organization: Organization, approve: bool, reason: str = "", request=None
) -> Organization:
    """Approve or reject a pending organization. A rejection needs a reason (the applicant sees it)."""
    if not organization_may_approve(actor, parent=organization.parent, region=organization.region):
        raise PermissionDenied
    reason = _clean_text(reason, 200)
    if not approve and not reason:
        raise FieldErrors({"reason": [_("Give a reason for the rejection.")]})
    status = Organization.Status.ACTIVE if approve else Organization.Status.REJECTED
    with transaction.atomic():
        updated = Organization.objects.filter(pk=organization.pk, status=Organization.Status.PENDING).update(
            status=status, status_reason=reason
        )
        if not updated:
            raise Refused("not_pending", _("This organization is not waiting for a decision."))
        organization.refresh_from_db()
        if approve and organization.applicant_id:
            _make_admin(organization=organization, user=organization.applicant, actor=actor)
        audit_log(
            action="organization_approved" if approve else "organization_rejected",
            actor=actor,
            obj=organization,
            request=request,
            reason=reason,
        )
    return organization


def organization_set_status(
    *, actor, organization: Organization, status: str, reason: str = "", request=None
) -> Organization:
    """Suspend an active organization (with a reason) or reactivate a suspended one."""
    if not organization_may_approve(actor, parent=organization.parent, region=organization.region):
        raise PermissionDenied
    transitions: dict[str, str] = {
        Organization.Status.SUSPENDED: Organization.Status.ACTIVE,
        Organization.Status.ACTIVE: Organization.Status.SUSPENDED,
    }
    if status not in transitions:
        raise FieldErrors({"status": [_("An organization can only be suspended or reactivated here.")]})
    reason = _clean_text(reason, 200)
    if status == Organization.Status.SUSPENDED and not reason:
        raise FieldErrors({"reason": [_("Give a reason for the suspension.")]})
    with transaction.atomic():
        updated = Organization.objects.filter(pk=organization.pk, status=transitions[status]).update(
            status=status, status_reason=reason
        )
        if not updated:
            if status == Organization.Status.SUSPENDED:
                raise Refused("not_active", _("Only an active organization can be suspended."))
            raise Refused("not_suspended", _("Only a suspended organization can be reactivated."))
        organization.refresh_from_db()
        audit_log(
            action="organization_suspended"
            if status == Organization.Status.SUSPENDED
            else "organization_reactivated",
            actor=actor,
            obj=organization,
            request=request,
            reason=reason,
        )
    return organization


# --- Regions -------------------------------------------------------------------------------


def region_update(*, actor, region: Region, name: str, population: int | None, request=None) -> Region:
    if not region_managed_by(actor).filter(pk=region.pk).exists():
        raise PermissionDenied
    name = _clean_text(name, 64)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the region's name.")]
    if population is None or population < 0:
        errors["population"] = [_("The population cannot be negative.")]
    if errors:
        raise FieldErrors(errors)
    before = {"name": region.name, "population": region.population}
    with transaction.atomic():
        region.name, region.population = name, int(population or 0)
        region.save(update_fields=["name", "population"])
        audit_log(action="region_updated", actor=actor, obj=region, request=request, before=before)
    return region


# --- Sites ---------------------------------------------------------------------------------


def _coordinate(value, limit: int, field: str, errors: dict) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = [_("Enter a number.")]
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        if field == "lat":
            errors[field] = [_("The latitude must be between -90 and 90.")]
        else:
            errors[field] = [_("The longitude must be between -180 and 180.")]
        return None
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _site_data(*, actor, name, kind, region, organization, address, lat, lng, is_active) -> dict:
    errors: dict[str, list[str]] = {}
    name = _clean_text(name, 120)
    if not name:
        errors["name"] = [_("Enter the site's name.")]
    if kind not in Site.Kind.values:
        errors["kind"] = [_("Choose a kind from the list.")]
    if region is None:
        errors["region"] = [_("Choose the region where the site is.")]
    lat_value = _coordinate(lat, 90, "lat", errors)
    lng_value = _coordinate(lng, 180, "lng", errors)
    if "lat" not in errors and "lng" not in errors and (lat_value is None) != (lng_value is None):
        errors["lng" if lat_value is not None else "lat"] = [
            _("Enter both the latitude and the longitude, or neither.")
        ]
    scope = scope_for(actor)
    if region is not None and not scope.city_admin:
        in_region = any(region.path.startswith(p) for p in scope.region_paths)
        runs_it = organization is not None and organization_is_managed_by(actor, organization)
        if not (in_region or runs_it):
            if organization is not None:
                errors["organization"] = [_("Choose an organization you manage, or a region you administer.")]
            else:
                errors["region"] = [
                    _("Choose a region you administer, or the organization you manage that runs the site.")
                ]
    if errors:
        raise FieldErrors(errors)
    return {
        "name": name,
        "kind": kind,
        "region": region,
        "organization": organization,
        "address": _clean_text(address, 200),
        "lat": lat_value,
        "lng": lng_value,
        "is_active": bool(is_active),
    }


def site_create(
    *,
    actor,
    name: str,
    kind: str,
    region: Region | None,
    organization: Organization | None = None,
    address: str = "",
    lat=None,
    lng=None,
    is_active: bool = True,
    request=None,
) -> Site:
    if not scope_for(actor).can_write:
        raise PermissionDenied
    data = _site_data(
        actor=actor,
        name=name,
        kind=kind,
        region=region,
        organization=organization,
        address=address,
        lat=lat,
        lng=lng,
        is_active=is_active,
    )
    with transaction.atomic():
        site = Site.objects.create(**data)
        audit_log(action="site_created", actor=actor, obj=site, request=request)
    return site


def site_update(
    *,
    actor,
    site: Site,
    name: str,
    kind: str,
    region: Region | None,
    organization: Organization | None = None,
    address: str = "",
    lat=None,
    lng=None,
    is_active: bool = True,
    request=None,
) -> Site:
    if not site_managed_by(actor).filter(pk=site.pk).exists():
        raise PermissionDenied
    data = _site_data(
        actor=actor,
        name=name,
        kind=kind,
        region=region,
        organization=organization,
        address=address,
        lat=lat,
        lng=lng,
        is_active=is_active,
    )
    with transaction.atomic():
        changed = [k for k, v in data.items() if getattr(site, k) != v]
        for key, value in data.items():
            setattr(site, key, value)
        site.save()
        audit_log(action="site_updated", actor=actor, obj=site, request=request, fields=changed)
    return site


# --- Memberships ---------------------------------------------------------------------------


def membership_apply(*, actor, organization: Organization, note: str = "", request=None) -> Membership:
    """A volunteer asks to join an active organization; an admin of it then decides."""
    volunteer = volunteer_of(actor)
    if volunteer is None:
        raise Refused("not_volunteer", _("Register as a volunteer before joining an organization."))
    if volunteer.status == VOLUNTEER_AWAITING_GUARDIAN:
        raise Refused(
            "awaiting_guardian",
            _(
                "Your guardian has not agreed yet: you can join an organization after your "
                "guardian's consent."
            ),
        )
    if volunteer.status != VOLUNTEER_ACTIVE:
        raise Refused("not_active", _("Your volunteer account is suspended."))
    if organization.status != Organization.Status.ACTIVE:
        raise Refused("organization_inactive", _("This organization is not accepting members."))
    existing = Membership.objects.filter(
        volunteer=volunteer, organization=organization, status__in=OPEN_MEMBERSHIP
    ).first()
    if existing is not None:
        raise _already(existing)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                volunteer=volunteer, organization=organization, note=_clean_text(note, 200)
            )
            audit_log(action="membership_applied", actor=actor, obj=membership, request=request)
    except IntegrityError:
        # A second click raced the first: the unique constraint on open memberships held.
        raise _already(
            Membership.objects.filter(
                volunteer=volunteer, organization=organization, status__in=OPEN_MEMBERSHIP
            ).first()
        )
    return membership


def _already(existing: Membership | None) -> Refused:
    if existing is not None and existing.status == Membership.Status.APPLIED:
        return Refused(
            "already_applied", _("You have already applied to join this organization; wait for its decision.")
        )
    return Refused("already_member", _("You are already a member of this organization."))


def membership_decide(
    *, actor, ids: list[int], approve: bool, note: str = "", request=None
) -> list[Membership]:
    """Approve or reject applications in bulk. Only applications in the actor's managed scope are
    decided; others (outside the scope, or no longer waiting) are left alone. Returns the decided ones."""
    if not scope_for(actor).can_write:
        raise PermissionDenied
    note = _clean_text(note, 200)
    status = Membership.Status.ACTIVE if approve else Membership.Status.REJECTED
    candidates = list(
        membership_managed_by(actor).filter(pk__in=ids, status=Membership.Status.APPLIED).order_by("pk")
    )
    decided = []
    now = timezone.now()
    with transaction.atomic():
        for membership in candidates:
            # Guarded: an application decided meanwhile by another admin is not decided twice.
            fields = {"status": status, "decided_at": now, "decided_by": actor}
            if note:
                fields["note"] = note
            if Membership.objects.filter(pk=membership.pk, status=Membership.Status.APPLIED).update(**fields):
                for key, value in fields.items():
                    setattr(membership, key, value)
                audit_log(
                    action="membership_approved" if approve else "membership_rejected",
                    actor=actor,
                    obj=membership,
                    request=request,
                    note=note,
                )
                decided.append(membership)
    return decided


def membership_leave(*, actor, membership: Membership, request=None) -> Membership:
    """The volunteer leaves (or withdraws an application); a leader's or admin's grant goes too."""
    if membership.volunteer.user_id != actor.pk:
        raise PermissionDenied
    was = membership.status
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, status__in=OPEN_MEMBERSHIP).update(
            status=Membership.Status.LEFT, left_at=timezone.now()
        )
        if not updated:
            raise Refused("not_open", _("You are not a member of this organization."))
        _grant_org_role(user=actor, organization=membership.organization, role=None, actor=actor)
        membership.refresh_from_db()
        audit_log(
            action="membership_withdrawn" if was == Membership.Status.APPLIED else "membership_left",
            actor=actor,
            obj=membership,
            request=request,
        )
    return membership


def membership_set_role(*, actor, membership: Membership, role: str, request=None) -> Membership:
    """Member, leader or admin. A leader or admin also holds the matching Grant; demoting removes it."""
    if not membership_managed_by(actor).filter(pk=membership.pk).exists():
        raise PermissionDenied
    if role not in Membership.Role.values:
        raise FieldErrors({"role": [_("Choose a role from the list.")]})
    if membership.status != Membership.Status.ACTIVE:
        raise Refused("not_active", _("Only an active member can be given a role."))
    user = membership.volunteer.user
    if user.pk == actor.pk:
        raise Refused("own_role", _("You cannot change your own role."))
    before = membership.role
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(role=role)
        membership.role = role
        _grant_org_role(
            user=user, organization=membership.organization, role=ROLE_GRANTS.get(role), actor=actor
        )
        audit_log(
            action="membership_role_changed",
            actor=actor,
            obj=membership,
            request=request,
            before=before,
            role=role,
        )
    return membership
