"""The audit log: one call, `audit_log(...)`, used by every service that must leave a trace."""

from __future__ import annotations

from typing import Any

from .compiled import CompiledInsert
from .models import AuditEntry

# Every service writes here, check-ins and sign-ups on every request: the INSERT is built once.
_INSERT = CompiledInsert(AuditEntry, save_only_guards=True)  # its save() refuses changes only


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_log(
    *,
    action: str,
    actor=None,
    obj: Any = None,
    outcome: str = AuditEntry.Outcome.OK,
    request=None,
    actor_label: str = "",
    **detail: Any,
) -> AuditEntry:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return _INSERT.create(
        actor=actor,
        actor_label=actor_label or (str(getattr(actor, "phone", "")) if actor else ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        outcome=outcome,
        ip=client_ip(request),
        detail=detail,
    )
