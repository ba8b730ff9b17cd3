"""Reads of certificates (scoped: outside the user's scope a certificate does not exist) and the
hours a certificate states: CONFIRMED records only, reversals included (they are negative), so a
corrected record counts once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from huiguang.core.selectors import get_or_404
from huiguang.network.models import Organization, Region
from huiguang.volunteers.models import Volunteer

from ..models import Certificate, ServiceRecord
from ..permissions import managed_q

CITY_ISSUER_KINDS = (Organization.Kind.ASSOCIATION, Organization.Kind.FEDERATION)


def issuer_choices(volunteer: Volunteer) -> QuerySet[Organization]:
    """Organizations a volunteer may ask for a certificate: those they served, city-level ones."""
    served = ServiceRecord.objects.filter(volunteer=volunteer, status=ServiceRecord.Status.CONFIRMED).values(
        "organization_id"
    )
    return (
        Organization.objects.filter(status=Organization.Status.ACTIVE)
        .filter(Q(pk__in=served) | Q(region__level=Region.Level.CITY, kind__in=CITY_ISSUER_KINDS))
        .select_related("region")
        .order_by("path")
    )


def has_served(volunteer: Volunteer, organization: Organization) -> bool:
    return ServiceRecord.objects.filter(
        volunteer=volunteer, organization=organization, status=ServiceRecord.Status.CONFIRMED
    ).exists()


def certificates_for_volunteer(volunteer: Volunteer) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(volunteer=volunteer)
        .select_related("issuer")
        .order_by("-requested_at", "-id")
    )


def certificate_queue_for(user) -> QuerySet[Certificate]:
    """Certificates of the organizations the user may issue for (none for leaders/auditors)."""
    q = managed_q(user, "issuer__")
    if q is None:
        return Certificate.objects.none()
    return (
        Certificate.objects.filter(q)
        .select_related("issuer", "issuer__region", "volunteer")
        .order_by("-requested_at", "-id")
    )


def certificate_get_for_issuer(user, pk: int) -> Certificate:
    return get_or_404(certificate_queue_for(user), pk)


def certificate_get_for_download(user, pk: int) -> Certificate:
    """The owner or an admin of the issuer; anyone else gets a 404."""
    qs = Certificate.objects.none()
    if user.is_authenticated:
        qs = Certificate.objects.select_related("issuer", "volunteer", "volunteer__user").filter(
            Q(volunteer__user=user) | Q(pk__in=certificate_queue_for(user).values("pk"))
        )
    return get_or_404(qs, pk)


def certificate_by_number(number: str) -> Certificate | None:
    """An issued or revoked certificate of the register (the public verification)."""
    if not number:
        return None
    return (
        Certificate.objects.select_related("volunteer", "issuer")
        .filter(number=number, status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED])
        .first()
    )


@dataclass(frozen=True)
class Hours:
    total_minutes: int
    credit_minutes: int
    first_date: dt.date | None
    last_date: dt.date | None
    activities: list[dict]  # [{"name", "count", "minutes"}] most hours first


def _scope_records(*, volunteer, issuer, all_organizations, period_start, period_end):
    qs = ServiceRecord.objects.filter(volunteer=volunteer, status=ServiceRecord.Status.CONFIRMED)
    if not all_organizations:
        qs = qs.filter(organization=issuer)
    if period_start:
        qs = qs.filter(service_date__gte=period_start)
    if period_end:
        qs = qs.filter(service_date__lte=period_end)
    return qs


def certificate_hours(*, volunteer, issuer, all_organizations, period_start=None, period_end=None) -> Hours:
    """Confirmed minutes in the scope, the credit minutes apart, and the service content."""
    qs = _scope_records(
        volunteer=volunteer,
        issuer=issuer,
        all_organizations=all_organizations,
        period_start=period_start,
        period_end=period_end,
    )
    totals = qs.aggregate(
        total=Sum("minutes"),
        credit=Sum("minutes", filter=Q(is_credit=True)),
        first=Min("service_date"),
        last=Max("service_date"),
    )
    rows = (
        qs.values("activity_name")
        .annotate(
            count=Count("id", filter=~Q(kind=ServiceRecord.Kind.REVERSAL)),
            minutes=Sum("minutes"),
        )
        .filter(minutes__gt=0)
        .order_by("-minutes", "activity_name")
    )
    return Hours(
        total_minutes=max(totals["total"] or 0, 0),
        credit_minutes=max(totals["credit"] or 0, 0),
        first_date=totals["first"],
        last_date=totals["last"],
        activities=[{"name": r["activity_name"], "count": r["count"], "minutes": r["minutes"]} for r in rows],
    )
