"""The permissions that lower apps ask for (accounts/permissions.py), answered from the Scope.

An authentication backend that authenticates nobody (`authenticate` returns None, no get_user):
it only answers `has_perm` for the permission names it knows. For those names it is the authority:
a "no" raises PermissionDenied, so that Django does not go on to ModelBackend (which would load
the user's Permission rows — there are none for these names — at two queries per request).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied

from huiguang.accounts.permissions import MANAGE_ALL_TOKENS, READ_AUDIT_LOG

from .scope import Scope, scope_for

RULES: dict[str, Callable[[Scope], bool]] = {
    MANAGE_ALL_TOKENS: lambda scope: scope.city_admin,
    READ_AUDIT_LOG: lambda scope: scope.city_wide,
}


class ScopePermissionBackend:
    # Not a BaseBackend: a backend with get_user() would be picked by Client.force_login and
    # login() as the session's backend, and this one knows no users.

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        rule = RULES.get(perm)
        if rule is None:
            return False
        if rule(scope_for(user_obj)):
            return True
        raise PermissionDenied
