"""Reads of 积分入学: open policies, the parent's applications, the education bureau's register
and the statistics by month."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from huiguang.core.selectors import get_or_404

from ..models import Partner, PointsApplication, PointsPolicy
from ..permissions import managed_partners, partners_of


def policies_open() -> QuerySet[PointsPolicy]:
    return PointsPolicy.objects.filter(open=True, partner__status=Partner.Status.ACTIVE).select_related(
        "partner"
    )


def policy_open_get(pk) -> PointsPolicy:
    return get_or_404(policies_open(), pk)


def policy_list_for(user) -> QuerySet[PointsPolicy]:
    """The console's list: every policy for city admins, their own for an education manager."""
    return PointsPolicy.objects.filter(
        partner__in=managed_partners(user, Partner.Kind.EDUCATION)
    ).select_related("partner")


def policy_get_for(user, pk) -> PointsPolicy:
    return get_or_404(policy_list_for(user), pk)


def applications_of(volunteer) -> QuerySet[PointsApplication]:
    return PointsApplication.objects.filter(volunteer=volunteer).select_related("policy__partner")


def application_of(volunteer, pk) -> PointsApplication:
    return get_or_404(applications_of(volunteer), pk)


def application_register_for(user, *, status: str = "") -> QuerySet[PointsApplication]:
    """The education bureau's register: applications to partners the user acts for, under a live
    consent; the list shows the number, year, date and status, opening one passes the gate."""
    now = timezone.now()
    qs = PointsApplication.objects.filter(
        policy__partner__in=partners_of(user, Partner.Kind.EDUCATION),
        consent__withdrawn_at__isnull=True,
        consent__expires_at__gt=now,
    ).select_related("policy__partner")
    return qs.filter(status=status) if status in PointsApplication.Status.values else qs


def application_get_for_bureau(user, pk) -> PointsApplication:
    qs = PointsApplication.objects.filter(policy__partner__in=partners_of(user, Partner.Kind.EDUCATION))
    return get_or_404(qs.select_related("policy__partner", "volunteer", "consent"), pk)


def points_totals_by_month(*, start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    """Per month of application: applications, approved ones and the points approved. One grouped
    query; the reports app reads this for the bulletin."""
    qs = PointsApplication.objects.all()
    if start:
        qs = qs.filter(created_at__date__gte=start)
    if end:
        qs = qs.filter(created_at__date__lte=end)
    approved = Q(status=PointsApplication.Status.APPROVED)
    rows = (
        qs.annotate(m=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .values("m")
        .annotate(
            applications=Count("pk"),
            approved=Count("pk", filter=approved),
            points=Sum("points", filter=approved),
        )
        .order_by("m")
    )
    return [
        {
            "month": r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"],
            "applications": r["applications"],
            "approved": r["approved"],
            "points": r["points"] or 0,
        }
        for r in rows
    ]


def points_totals() -> dict:
    return PointsApplication.objects.aggregate(
        applications=Count("pk"),
        approved=Count("pk", filter=Q(status=PointsApplication.Status.APPROVED)),
        refused=Count("pk", filter=Q(status=PointsApplication.Status.REFUSED)),
        submitted=Count("pk", filter=Q(status=PointsApplication.Status.SUBMITTED)),
        points=Sum("points", filter=Q(status=PointsApplication.Status.APPROVED), default=0),
    )
