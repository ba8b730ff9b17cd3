"""Writes about organizations: registration (by the console or a volunteer's application),
edits, decisions, suspension.

- an organization is decided on (approved, rejected, suspended, reactivated) by the city admin,
  an admin of a region whose subtree holds it, or an admin of its parent organization (or above);
- an organization is edited by those who manage it (permissions.organization_is_managed_by),
  which includes its own admins.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import ImagePolicy, image_check

from ..models import Grant, Membership, Organization, Region
from ..permissions import may_write, organization_is_managed_by, organization_may_approve
from ..selectors import OPEN_MEMBERSHIP, volunteer_of
from ..signals import memberships_changed
from .common import VOLUNTEER_ACTIVE, clean_text
from .grants import grant_org_role_set

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


def seal_validate(upload) -> str:
    """A seal image must be a real PNG or JPEG (checked by content, not by name, in core/images.py),
    at most 1 MB and 2000 × 2000 px. Returns the file extension to store it under."""
    return image_check(upload, field="seal", policy=SEAL_IMAGE).extension


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
            data[key] = clean_text(value, limits[key])
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


def _make_admin(*, organization: Organization, user, actor) -> None:
    """The applicant becomes the new organization's admin: a grant, plus a membership for a volunteer."""
    grant_org_role_set(user=user, organization=organization, role=Grant.Role.ORG_ADMIN, actor=actor)
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
    # An active membership counted from its old join time now counts from this decision.
    was_active = list(
        open_rows.select_for_update()
        .filter(status=Membership.Status.ACTIVE)
        .values_list("organization_id", Coalesce("decided_at", "applied_at"))
    )
    if not open_rows.update(**fields):
        Membership.objects.create(volunteer=volunteer, organization=organization, **fields)
    memberships_changed.send(
        sender=Membership, joined=[(organization.pk, fields["decided_at"])], left=was_active
    )


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
    elif not may_write(actor):
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
    reason = clean_text(reason, 200)
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
    reason = clean_text(reason, 200)
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
