"""Reads of service records: a volunteer's own, the console's lists (scoped), the exports' rows.

Scope: console users read the records of the organizations in their scope, like the activities
console (network.selectors.organization_list_for: city-wide roles all, region admins their
region subtree, organization admins their subtree, leaders their own team). Confirming and
rejecting is for the admins who manage the organization (permissions.managed_q); anything else
answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from huiguang.core.selectors import get_or_404
from huiguang.network.scope import scope_for
from huiguang.network.selectors import organization_list_for, volunteer_of
from huiguang.volunteers.models import Volunteer

from ..models import ActivityRating, Dispute, ServiceRecord
from ..permissions import managed_q

RELATED = ("volunteer", "organization", "organization__region", "activity", "confirmed_by")


def actor_name(user) -> str:
    """The name a record gives for the person who recorded or approved it."""
    if user is None:
        return ""
    volunteer = Volunteer.objects.filter(user_id=user.pk).only("real_name").first()
    name = (volunteer.real_name if volunteer else "") or getattr(user, "display_name", "")
    return (name or str(getattr(user, "phone", "")))[:64]


def records_for_volunteer(volunteer) -> QuerySet[ServiceRecord]:
    return (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .select_related("organization", "activity", "reverses")
        .order_by("-service_date", "-started_at", "-pk")
    )


def records_with_status(queryset: QuerySet[ServiceRecord]) -> QuerySet[ServiceRecord]:
    """Records with what the pages show: whether reversed, an open dispute, the volunteer's rating."""
    reversals = ServiceRecord.objects.filter(reverses=OuterRef("pk")).exclude(
        status=ServiceRecord.Status.REJECTED
    )
    open_disputes = Dispute.objects.filter(record=OuterRef("pk"), status=Dispute.Status.OPEN)
    my_rating = ActivityRating.objects.filter(
        activity=OuterRef("activity_id"), volunteer=OuterRef("volunteer_id")
    ).values("rating")[:1]
    return (
        queryset.select_related("organization", "activity")
        .annotate(
            is_reversed=Exists(reversals),
            has_open_dispute=Exists(open_disputes),
            my_rating=Subquery(my_rating),
        )
        .order_by("-service_date", "-started_at", "-id")
    )


def volunteer_records(volunteer) -> QuerySet[ServiceRecord]:
    """Every row of the volunteer's ledger, newest first, with its status for the pages."""
    return records_with_status(records_for_volunteer(volunteer))


def own_record_get(user, pk: int) -> ServiceRecord:
    """One of the user's own records; anyone else's (or no volunteer profile): 404."""
    volunteer = volunteer_of(user)
    qs = volunteer_records(volunteer) if volunteer is not None else ServiceRecord.objects.none()
    return get_or_404(qs, pk)


def records_list_for(user) -> QuerySet[ServiceRecord]:
    """Records of the organizations in the user's console scope."""
    scope = scope_for(user)
    if not scope.is_console_user:
        return ServiceRecord.objects.none()
    qs = ServiceRecord.objects.select_related(*RELATED)
    if scope.city_wide:
        return qs
    return qs.filter(organization__in=organization_list_for(user).values("pk"))


def pending_list_for(user) -> QuerySet[ServiceRecord]:
    """Pending records the user may confirm or reject (oldest first)."""
    q = managed_q(user)
    if q is None:
        return ServiceRecord.objects.none()
    return (
        ServiceRecord.objects.filter(q, status=ServiceRecord.Status.PENDING)
        .select_related(*RELATED)
        .order_by("service_date", "started_at", "pk")
    )


def record_get_for(user, pk: int) -> ServiceRecord:
    return get_or_404(records_list_for(user), pk)


def pending_get_for(user, pk: int) -> ServiceRecord:
    return get_or_404(pending_list_for(user), pk)


def managed_record_get_for(user, pk: int) -> ServiceRecord:
    """A record (in any status) of an organization the user manages; anyone else: 404."""
    q = managed_q(user)
    qs = ServiceRecord.objects.filter(q) if q is not None else ServiceRecord.objects.none()
    return get_or_404(qs.select_related("organization", "organization__region"), pk)


def records_for_period(
    user,
    *,
    organization: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str = "",
) -> QuerySet[ServiceRecord]:
    """An organization's (or the whole scope's) records for a period, by service date."""
    qs = records_list_for(user)
    if organization:
        qs = qs.filter(organization_id=organization)
    if date_from:
        qs = qs.filter(service_date__gte=date_from)
    if date_to:
        qs = qs.filter(service_date__lte=date_to)
    if status in ServiceRecord.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-service_date", "-started_at", "-pk")


def organization_records(organization, *, start: dt.date, end: dt.date) -> QuerySet[ServiceRecord]:
    """The records of an organization and the organizations below it, for an export."""
    return ServiceRecord.objects.filter(
        organization__path__startswith=organization.path, service_date__gte=start, service_date__lte=end
    )


def export_rows(records: QuerySet[ServiceRecord]) -> QuerySet[ServiceRecord]:
    """The rows of an export: each with its volunteer, organization and whether it was reversed."""
    reversals = ServiceRecord.objects.filter(reverses=OuterRef("pk")).exclude(
        status=ServiceRecord.Status.REJECTED
    )
    return (
        records.select_related("volunteer", "organization")
        .annotate(is_reversed=Exists(reversals))
        .order_by("service_date", "started_at", "id")
    )
