"""Who may do what in accounts, asked through Django's permission mechanism.

accounts sits below network, which holds the roles (Grant, Scope): it cannot look at a user's
roles itself. It names the permissions it asks for here, and network answers them with an
authentication backend (network/backends.py, in settings.AUTHENTICATION_BACKENDS). No Permission
rows exist for them; an active superuser holds them (Django answers has_perm True for one).
"""

from __future__ import annotations

# Lists (and revokes) every account's API tokens.
MANAGE_ALL_TOKENS = "accounts.manage_all_tokens"
# Reads and exports the audit log.
READ_AUDIT_LOG = "accounts.read_audit_log"


def may_manage_all_tokens(user) -> bool:
    return user is not None and user.has_perm(MANAGE_ALL_TOKENS)


def may_read_audit_log(user) -> bool:
    return user is not None and user.has_perm(READ_AUDIT_LOG)
