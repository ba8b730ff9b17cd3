"""Reads about accounts: API tokens and the audit log, scoped to the reader.

Outside the reader's scope an object is simply not in the queryset, so views answer 404.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.core.masking import safe_cell
from huiguang.core.models import AuditEntry
from huiguang.core.phone import normalize_phone
from huiguang.core.selectors import get_or_404

from .audit_labels import ACTION_LABELS, action_label, detail_text
from .models import ApiToken, User
from .permissions import may_manage_all_tokens, may_read_audit_log


@lru_cache(maxsize=256)
def _model_for(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """ "accounts.apitoken" → the model's (translated) verbose name."""
    if not object_type:
        return ""
    model = _model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


# --- API tokens ------------------------------------------------------------------------------


def token_list_for(user, *, all_accounts: bool = False) -> QuerySet[ApiToken]:
    """The user's own tokens; with `all_accounts`, a city admin sees every account's tokens."""
    qs = ApiToken.objects.select_related("user", "created_by").order_by("-created_at", "-id")
    if not (user and user.is_authenticated):
        return qs.none()
    if all_accounts and may_manage_all_tokens(user):
        return qs
    return qs.filter(user=user)


def token_get_for(user, pk: int) -> ApiToken:
    """A token its owner or a city admin may act on; anyone else gets 404."""
    return get_or_404(token_list_for(user, all_accounts=True), pk)


def user_get_by_phone(phone: str) -> User | None:
    return User.objects.filter(phone=normalize_phone(phone)).first()


# --- Audit log -------------------------------------------------------------------------------


def audit_list_for(
    user,
    *,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    outcome: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The audit log, newest first, for city admins and auditors; dates are local (Asia/Shanghai)."""
    if not may_read_audit_log(user):
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    if action:
        qs = qs.filter(action=action)
    actor = (actor or "").strip()
    if actor:
        # The label holds the actor's phone, or the number typed on a failed login.
        qs = qs.filter(actor_label__contains=normalize_phone(actor))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if date_from:
        qs = qs.filter(at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(at__lt=_local_midnight(date_to + dt.timedelta(days=1)))
    return qs


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_action_choices() -> list[tuple[str, str]]:
    """Every action that occurs in the log or that we know, labelled, sorted by label."""
    actions = set(AuditEntry.objects.order_by().values_list("action", flat=True).distinct())
    actions |= set(ACTION_LABELS)
    return sorted(((a, action_label(a)) for a in actions), key=lambda c: c[1])


def audit_object_type_choices() -> list[tuple[str, str]]:
    types = (
        AuditEntry.objects.exclude(object_type="").order_by().values_list("object_type", flat=True).distinct()
    )
    return sorted(((t, object_type_label(t)) for t in types), key=lambda c: c[1])


def audit_row(entry: AuditEntry) -> dict:
    """What the audit page shows of an entry (labels translated)."""
    actor = entry.actor
    return {
        "entry": entry,
        "actor_name": actor.display_name if actor is not None else "",
        "actor_label": entry.actor_label,
        "action": action_label(entry.action),
        "object_type": object_type_label(entry.object_type),
        "at": timezone.localtime(entry.at),  # the city's time (Asia/Shanghai), not UTC
        "detail": detail_text(entry.detail),
    }


AUDIT_EXPORT_MAX_ROWS = 100_000


def audit_entries_until_now(queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """`queryset` without entries written from now on (ids only grow)."""
    last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    return queryset.filter(id__lte=last_id or 0)


def audit_export_header() -> list[str]:
    return [
        str(_("time")),
        str(_("actor")),
        str(_("mobile number")),
        str(_("action")),
        str(_("object type")),
        str(_("object")),
        str(_("outcome")),
        str(_("address")),
        str(_("detail")),
    ]


def audit_export_rows(queryset: QuerySet[AuditEntry]):
    """Rows of the export, newest first, at most AUDIT_EXPORT_MAX_ROWS, streamed from the database.

    Every text cell is passed through safe_cell: the log holds what users typed (a failed
    login's "username"), which must not become a spreadsheet formula.
    """
    for entry in queryset[:AUDIT_EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        row = audit_row(entry)
        yield [
            safe_cell(cell)
            for cell in (
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                row["actor_name"],
                entry.actor_label,
                row["action"],
                row["object_type"],
                entry.object_label,
                entry.get_outcome_display(),
                entry.ip or "",
                row["detail"],
            )
        ]
