"""Reads of the history imports: the city admin's list and one import (404 for anyone else)."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from huiguang.core.selectors import get_or_404

from ..models import HistoryImport, ServiceRecord
from ..permissions import may_import_history


def history_import_list_for(user) -> QuerySet[HistoryImport]:
    if not may_import_history(user):
        return HistoryImport.objects.none()
    return HistoryImport.objects.select_related("source", "created_by").order_by("-created_at")


def history_import_get_for(user, pk) -> HistoryImport:
    return get_or_404(history_import_list_for(user), pk)


def imported_hours(certificate) -> list[tuple[str, int]]:
    """(source, minutes) of the imported hours a certificate counts (its volunteer, scope and
    period), reversals of imported records netted: the certificate says where they came from."""
    R = ServiceRecord
    qs = R.objects.filter(volunteer_id=certificate.volunteer_id, status=R.Status.CONFIRMED).filter(
        Q(kind=R.Kind.IMPORT) | Q(kind=R.Kind.REVERSAL, reverses__kind=R.Kind.IMPORT)
    )
    if not certificate.all_organizations:
        qs = qs.filter(organization_id=certificate.issuer_id)
    if certificate.period_start:
        qs = qs.filter(service_date__gte=certificate.period_start)
    if certificate.period_end:
        qs = qs.filter(service_date__lte=certificate.period_end)
    rows = (
        qs.annotate(
            source_name=Coalesce("imported_row__source__name", "reverses__imported_row__source__name")
        )
        .values("source_name")
        .annotate(minutes=Sum("minutes"))
        .filter(minutes__gt=0)
        .order_by("source_name")
    )
    return [(row["source_name"] or "", row["minutes"]) for row in rows]
