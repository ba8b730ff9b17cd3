"""Writes about role grants: a city admin grants and revokes roles; memberships keep the
organization roles (leader, admin) in step. Each change is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors

from ..models import Grant, Membership, Organization
from ..permissions import may_manage_roles
from ..scope import forget_scope

ROLE_GRANTS: dict[str, str] = {
    Membership.Role.LEADER: Grant.Role.LEADER,
    Membership.Role.ADMIN: Grant.Role.ORG_ADMIN,
}


def grant_org_role_set(*, user, organization: Organization, role: str | None, actor) -> None:
    """Make the user's organization grants match the membership role (leader / admin / none)."""
    Grant.objects.filter(
        user=user, organization=organization, role__in=[Grant.Role.LEADER, Grant.Role.ORG_ADMIN]
    ).exclude(role=role or "").delete()
    if role:
        Grant.objects.get_or_create(
            user=user, organization=organization, role=role, defaults={"granted_by": actor}
        )
    forget_scope(user)


def grant_create(*, actor, user, role: str, region=None, organization=None, request=None) -> Grant:
    """Only a city admin grants roles. The scope must match the role (DB constraint too)."""
    if not may_manage_roles(actor):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if role not in Grant.Role.values:
        errors["role"] = [str(_("Choose a role from the list."))]
    elif role in Grant.CITY_ROLES and (region or organization):
        errors["role"] = [str(_("This role covers the whole city: do not choose a region or organization."))]
    elif role == Grant.Role.REGION_ADMIN:
        if region is None:
            errors["region"] = [str(_("A region administrator needs a region."))]
        if organization is not None:
            errors["organization"] = [
                str(_("A region administrator covers a region: do not choose an organization."))
            ]
    elif role in (Grant.Role.ORG_ADMIN, Grant.Role.LEADER):
        if organization is None:
            errors["organization"] = [str(_("This role needs an organization."))]
        if region is not None:
            errors["region"] = [str(_("This role covers an organization: do not choose a region."))]
    if errors:
        raise FieldErrors(errors)
    try:
        with transaction.atomic():
            grant = Grant.objects.create(
                user=user, role=role, region=region, organization=organization, granted_by=actor
            )
            audit_log(action="grant_created", actor=actor, obj=grant, request=request, for_user=user.phone)
    except IntegrityError:
        raise FieldErrors({"role": [str(_("This user already holds this role."))]})
    forget_scope(user)
    return grant


def grant_revoke(*, actor, grant: Grant, request=None) -> None:
    if not may_manage_roles(actor):
        raise PermissionDenied
    if grant.user_id == actor.pk and grant.role == Grant.Role.CITY_ADMIN:
        raise FieldErrors({"role": [str(_("You cannot revoke your own city administrator role."))]})
    with transaction.atomic():
        audit_log(
            action="grant_revoked",
            actor=actor,
            obj=grant,
            request=request,
            for_user=grant.user.phone,
            role=grant.role,
        )
        grant.delete()
    forget_scope(grant.user)
