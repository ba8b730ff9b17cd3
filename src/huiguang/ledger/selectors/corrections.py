"""Reads of corrections: make-up requests (补录) and disputes in the console (scoped), what a
volunteer may rate, the activities a make-up request may name."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from huiguang.activities.models import Activity
from huiguang.activities.permissions import editor_q
from huiguang.core.selectors import get_or_404
from huiguang.network.models import Membership
from huiguang.network.scope import scope_for

from ..models import Dispute, MakeupRequest, ServiceRecord


def makeup_list_for(user) -> QuerySet[MakeupRequest]:
    """Make-up requests of the organizations in the user's console scope."""
    scope = scope_for(user)
    if not scope.is_console_user:
        return MakeupRequest.objects.none()
    return (
        MakeupRequest.objects.filter(scope.organizations_q("organization__"))
        .select_related(
            "volunteer", "organization__region", "activity", "requested_by", "decided_by", "record"
        )
        .order_by("-created_at", "-id")
    )


def makeup_get_for(user, pk: int) -> MakeupRequest:
    return get_or_404(makeup_list_for(user), pk)


def dispute_list_for(user) -> QuerySet[Dispute]:
    """Disputes about records of the organizations in the user's console scope."""
    scope = scope_for(user)
    if not scope.is_console_user:
        return Dispute.objects.none()
    return (
        Dispute.objects.filter(scope.organizations_q("record__organization__"))
        .select_related("volunteer", "record__organization__region", "answered_by")
        .order_by("-created_at", "-id")
    )


def dispute_get_for(user, pk: int) -> Dispute:
    return get_or_404(dispute_list_for(user), pk)


def own_disputes(volunteer) -> QuerySet[Dispute]:
    return Dispute.objects.filter(volunteer=volunteer).select_related("record")[:20]


def makeup_activities_for(user) -> QuerySet[Activity]:
    """Activities a make-up request may name: those the user edits, begun and with a day of service
    still within the time limit (the service's rule, makeup_deadline: local days, not 24-hour
    periods back from now)."""
    q = editor_q(user, "organization__")
    if q is None:
        return Activity.objects.none()
    first_day = timezone.localdate() - dt.timedelta(days=settings.HUIGUANG_MAKEUP_LIMIT_DAYS)
    since = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
    return (
        Activity.objects.filter(q, ends_at__gte=since, starts_at__lte=timezone.now())
        .exclude(status__in=[Activity.Status.DRAFT, Activity.Status.CANCELLED])
        .select_related("organization")
        .order_by("-starts_at")
    )


def served_records(volunteer, activity) -> QuerySet[ServiceRecord]:
    """The volunteer's confirmed records that add hours in the activity (who may rate it)."""
    return ServiceRecord.objects.filter(
        volunteer=volunteer, activity=activity, status=ServiceRecord.Status.CONFIRMED, minutes__gt=0
    )


def rated_activity_get(volunteer, pk: int) -> Activity:
    """An activity the volunteer has confirmed hours in; any other: 404."""
    served = served_records(volunteer, pk).values("activity_id")
    return get_or_404(Activity.objects.filter(pk__in=served), pk)


def is_active_member(volunteer, organization) -> bool:
    """An active member of the organization or of one below it."""
    return Membership.objects.filter(
        volunteer=volunteer,
        organization__path__startswith=organization.path,
        status=Membership.Status.ACTIVE,
    ).exists()
