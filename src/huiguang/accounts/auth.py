"""API authentication: the web session (with CSRF) or `Authorization: Bearer <token>`."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from .models import ApiToken


def user_for_token(key: str):
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not token.is_active:
        return None
    # At most one write a minute per token: last_used_at is informative, not a counter.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
            request.api_token_auth = True
        return user


# Tried in order: a bearer token, then the session cookie (which Ninja checks for CSRF).
API_AUTH = [BearerToken(), django_auth]
