"""Writes about accounts: API tokens and role grants. Each change is audited."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Grant
from huiguang.network.scope import forget_scope, scope_for

from .models import ApiToken, User

TOKEN_PREFIX = "hg_"


def token_create(*, user: User, name: str, created_by: User, request=None) -> tuple[ApiToken, str]:
    """A new bearer token for `user`; returns the row and the key, shown once and never stored.

    A user creates their own; a city admin creates them for partner systems' accounts.
    """
    if created_by.pk != user.pk and not scope_for(created_by).city_admin:
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise FieldErrors({"name": [str(_("Give the token a name, e.g. the system that will use it."))]})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:80], prefix=key[:10], key_hash=ApiToken.hash_key(key), created_by=created_by
        )
        audit_log(action="token_created", actor=created_by, obj=token, request=request, for_user=user.phone)
    return token, key


def token_revoke(*, token: ApiToken, actor: User, request=None) -> ApiToken:
    if token.user_id != actor.pk and not scope_for(actor).city_admin:
        raise PermissionDenied
    with transaction.atomic():
        # Revoking twice is harmless and leaves one audit entry: only the first update counts.
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            audit_log(
                action="token_revoked", actor=actor, obj=token, request=request, for_user=token.user.phone
            )
    token.refresh_from_db()
    return token


def grant_create(
    *, actor: User, user: User, role: str, region=None, organization=None, request=None
) -> Grant:
    """Only a city admin grants roles. The scope must match the role (DB constraint too)."""
    if not scope_for(actor).city_admin:
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


def grant_revoke(*, actor: User, grant: Grant, request=None) -> None:
    if not scope_for(actor).city_admin:
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


def audit_log_exported(*, actor: User, fmt: str, rows: int, filters: dict, request=None) -> None:
    """An export of the audit log is itself audited: who took which part of the log, and how much."""
    audit_log(
        action="export",
        actor=actor,
        request=request,
        what="audit_log",
        format=fmt,
        rows=rows,
        filters={k: str(v) for k, v in filters.items()},
    )
