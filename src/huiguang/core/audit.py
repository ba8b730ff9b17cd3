"""The audit log: one call, `audit_log(...)`, used by every service that must leave a trace."""

from __future__ import annotations

from typing import Any

from .models import AuditEntry


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
    return AuditEntry.objects.create(
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
