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


def _entry(*, action: str, actor, obj: Any, outcome: str, request, actor_label: str, detail: dict) -> dict:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return {
        "actor": actor,
        "actor_label": actor_label or (str(getattr(actor, "phone", "")) if actor else ""),
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_label": str(obj)[:200] if obj is not None else "",
        "outcome": outcome,
        "ip": client_ip(request),
        "detail": detail,
    }


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
    return _INSERT.create(
        **_entry(
            action=action,
            actor=actor,
            obj=obj,
            outcome=outcome,
            request=request,
            actor_label=actor_label,
            detail=detail,
        )
    )


def audited_create(insert: CompiledInsert, values: dict[str, Any], *, action: str, actor=None, **detail: Any):
    """`insert.create(**values)` and its audit entry (`audit_log(obj=<the new row>, ...)`), on
    PostgreSQL in one statement (CompiledInsert.create_with). The entry's label is the new row's
    str(), taken before the insert: it must not need the row's key."""
    obj, _entry_row = insert.create_with(
        _INSERT,
        "object_id",
        lambda row: _entry(
            action=action,
            actor=actor,
            obj=row,
            outcome=AuditEntry.Outcome.OK,
            request=None,
            actor_label="",
            detail=detail,
        ),
        **values,
    )
    return obj
