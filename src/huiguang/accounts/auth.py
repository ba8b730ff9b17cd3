"""API authentication: the web session (with CSRF) or `Authorization: Bearer <token>`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from .models import ApiToken

LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


def user_for_token(key: str):
    try:
        # key_hash is unique: a plain get, without the ORDER BY that .first() would add.
        token = ApiToken.objects.select_related("user").get(
            key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.is_active:
        return None
    # At most one write a minute per token (issue 14): last_used_at is informative, not a counter.
    # A fresh one costs nothing; a stale one one conditional UPDATE, which the other workers' requests
    # of the same moment skip once the first has written it.
    now = timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is None or token.last_used_at < stale:
        ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk).update(
            last_used_at=now
        )
    return token.user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
            request.api_token_auth = True
        return user


class SessionAuth(NinjaSessionAuth):
    """The web session. CSRF is checked for a logged-in session only: a request without a login has
    nothing to forge and gets 401 like any unauthenticated API call (not 403 "CSRF failed")."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


# Tried in order: a bearer token, then the session cookie (checked for CSRF).
API_AUTH = [BearerToken(), SessionAuth()]


def _anonymous(request):
    """Public endpoints let a request without credentials through as anonymous. A request that did
    send an Authorization header it could not prove stays 401: a client holding a revoked token
    must learn it, not silently read the public view."""
    if request.META.get("HTTP_AUTHORIZATION"):
        return None
    return request.user  # AnonymousUser (truthy)


# Bearer token, then session, then anonymous. OpenAPI lists the first two; `PUBLIC_SECURITY`
# adds the empty requirement that marks authentication as optional.
PUBLIC_AUTH = [*API_AUTH, _anonymous]
PUBLIC_SECURITY: dict[str, list[dict]] = {"security": [{}]}  # appended to the two above by Ninja
