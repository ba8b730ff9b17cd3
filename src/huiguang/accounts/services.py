"""Writes about accounts: API tokens, the audit log's export. Each change is audited."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors

from .models import ApiToken, User
from .permissions import may_manage_all_tokens

TOKEN_PREFIX = "hg_"


def token_create(
    *, user: User, name: str, created_by: User, expires_at: dt.datetime | None = None, request=None
) -> tuple[ApiToken, str]:
    """A new bearer token for `user`; returns the row and the key, shown once and never stored.

    Every user creates their own, and only their own: a partner's systems act through their staff
    accounts, whose reads pass the volunteers' consent. After `expires_at` (None: never) the token
    answers 401 like a revoked one.
    """
    if created_by.pk != user.pk:
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise FieldErrors({"name": [str(_("Give the token a name, e.g. the system that will use it."))]})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:80],
            prefix=key[:10],
            key_hash=ApiToken.hash_key(key),
            created_by=created_by,
            expires_at=expires_at,
        )
        audit_log(action="token_created", actor=created_by, obj=token, request=request, for_user=user.phone)
    return token, key


def token_obtain(*, user: User, name: str, request=None) -> tuple[ApiToken, str]:
    """A token obtained with the password (a client's login, `/auth/token`): it expires after
    HUIGUANG_API_TOKEN_DAYS (0: never), so a token left on a lost phone stops working by itself.
    Tokens made on purpose on the tokens page do not expire."""
    days = settings.HUIGUANG_API_TOKEN_DAYS
    now = timezone.now().replace(microsecond=0)
    expires_at = now + dt.timedelta(days=days) if days > 0 else None
    return token_create(user=user, name=name, created_by=user, expires_at=expires_at, request=request)


def token_revoke(*, token: ApiToken, actor: User, request=None) -> ApiToken:
    if token.user_id != actor.pk and not may_manage_all_tokens(actor):
        raise PermissionDenied
    with transaction.atomic():
        # Revoking twice is harmless and leaves one audit entry: only the first update counts.
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            audit_log(
                action="token_revoked", actor=actor, obj=token, request=request, for_user=token.user.phone
            )
    token.refresh_from_db()
    return token


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
