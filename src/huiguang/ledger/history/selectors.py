"""Reads of the history imports: the city admin's list and one import (404 for anyone else)."""

from __future__ import annotations

from django.db.models import QuerySet

from huiguang.core.selectors import get_or_404

from ..models import HistoryImport
from ..permissions import may_import_history


def history_import_list_for(user) -> QuerySet[HistoryImport]:
    if not may_import_history(user):
        return HistoryImport.objects.none()
    return HistoryImport.objects.select_related("source", "created_by").order_by("-created_at")


def history_import_get_for(user, pk) -> HistoryImport:
    return get_or_404(history_import_list_for(user), pk)
