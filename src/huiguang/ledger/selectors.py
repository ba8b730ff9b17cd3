"""Reads of the ledger: a volunteer's hours and records, the console's record lists (scoped).

Scope: console users read the records of the organizations in their scope, like the activities
console (network.selectors.organization_list_for: city-wide roles all, region admins their
region subtree, organization admins their subtree, leaders their own team). Confirming and
rejecting is for the admins who manage the organization (services.records.managed_q); anything
else answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, FloatField, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from huiguang.network.scope import scope_for
from huiguang.network.selectors import organization_list_for

from .models import ServiceRecord, VolunteerHours
from .services.records import current_policy, managed_q

RELATED = ("volunteer", "organization", "organization__region", "activity", "confirmed_by")


def with_hours(qs: QuerySet[ServiceRecord]) -> QuerySet[ServiceRecord]:
    """`hours` per row (minutes / 60) for display to one decimal."""
    return qs.annotate(hours=Cast(F("minutes"), FloatField()) / 60.0)


def hours_summary(volunteer) -> dict:
    """Credit hours (信用时数), honour hours (荣誉时数), total, star and what the next star needs."""
    hours = VolunteerHours.objects.filter(volunteer=volunteer).first()
    total = hours.total_minutes if hours else 0
    credit = hours.credit_minutes if hours else 0
    star = hours.star if hours else 0
    policy = current_policy()
    thresholds = [int(h) * 60 for h in (policy.thresholds_hours if policy else [])]
    upcoming = [t for t in thresholds if t > total]
    next_minutes = upcoming[0] if upcoming else None
    previous = max([t for t in thresholds if t <= total], default=0)
    progress = 100
    if next_minutes is not None:
        progress = int(100 * (total - previous) / (next_minutes - previous)) if next_minutes > previous else 0
    return {
        "credit_minutes": credit,
        "honor_minutes": total - credit,
        "total_minutes": total,
        "star": star,
        "next_star": star + 1 if next_minutes is not None else None,
        "next_star_minutes": next_minutes,
        "minutes_to_next_star": (next_minutes - total) if next_minutes is not None else 0,
        "progress_percent": max(0, min(100, progress)),
        "policy_version": policy.version if policy else None,
    }


def records_for_volunteer(volunteer) -> QuerySet[ServiceRecord]:
    return with_hours(
        ServiceRecord.objects.filter(volunteer=volunteer)
        .select_related("organization", "activity", "reverses")
        .order_by("-service_date", "-started_at", "-pk")
    )


def records_list_for(user) -> QuerySet[ServiceRecord]:
    """Records of the organizations in the user's console scope."""
    if not scope_for(user).is_console_user:
        return ServiceRecord.objects.none()
    scope = scope_for(user)
    qs = with_hours(ServiceRecord.objects.select_related(*RELATED))
    if scope.city_wide:
        return qs
    return qs.filter(organization__in=organization_list_for(user).values("pk"))


def pending_list_for(user) -> QuerySet[ServiceRecord]:
    """Pending records the user may confirm or reject (oldest first)."""
    q = managed_q(user)
    if q is None:
        return ServiceRecord.objects.none()
    return with_hours(
        ServiceRecord.objects.filter(q, status=ServiceRecord.Status.PENDING)
        .select_related(*RELATED)
        .order_by("service_date", "started_at", "pk")
    )


def record_get_for(user, pk: int) -> ServiceRecord:
    record = records_list_for(user).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def pending_get_for(user, pk: int) -> ServiceRecord:
    record = pending_list_for(user).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def may_confirm_any(user) -> bool:
    return managed_q(user) is not None


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
