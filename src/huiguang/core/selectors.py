"""The one way to fetch an object for a user: from the user's scoped queryset, or 404."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)

# Primary keys are 64-bit on both databases; a larger number is simply not an object.
MAX_PK = 2**63 - 1


def get_or_404(queryset: QuerySet[M], pk) -> M:
    """`queryset.get(pk=pk)` for an in-scope queryset; anything else (missing, outside the scope,
    not a whole number, out of range) is Http404. Every `<entity>_get_for(user, pk)` selector ends
    here, so views and API endpoints never write their own look-up."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < key <= MAX_PK:
        raise Http404
    # Not .first(): its ORDER BY (the model's ordering, compiled on every call) sorts one row; a
    # scoped queryset's joins may repeat that row, and the slice takes one of them all the same.
    for obj in queryset.filter(pk=key).order_by()[:1]:
        return obj
    raise Http404
