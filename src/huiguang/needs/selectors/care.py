"""Reads of the care register, each scoped to the user (permissions.care_q; outside it: 404), and
the missed visits of the plans (a plan's expected occurrences without a visit).

Missed visits: a weekly plan expects a visit in every week (Monday to Sunday) it covers, a monthly
plan one in every month, a festival plan one within FESTIVAL_DAYS of each festival day. Only periods
that are over count, and only those of the last LOOKBACK_DAYS. The visits are read in one query
(recipient, day) for all plans at once; the periods are then walked in Python: they are a handful
per plan and a year, not rows of a big table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from huiguang.core.selectors import get_or_404
from huiguang.network.models import Organization, Region
from huiguang.volunteers.models import Volunteer

from .. import permissions as perms
from ..models import CareRecipient, Visit, VisitPlan

R = CareRecipient
FESTIVAL_DAYS = 3
LOOKBACK_DAYS = 366


def recipient_list_for(user, *, status: str = "", category: str = "", q: str = "") -> QuerySet[CareRecipient]:
    scoped = perms.care_q(user)
    if scoped is None:
        return R.objects.none()
    qs = (
        R.objects.filter(scoped)
        .select_related("region", "organization")
        .annotate(visit_count=Count("visits", distinct=True), last_visit=Max("visits__visited_at"))
    )
    if status in R.Status.values:
        qs = qs.filter(status=status)
    if category in R.Category.values:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return qs.order_by("region__path", "name", "pk")


def recipient_get_for(user, pk) -> CareRecipient:
    scoped = perms.care_q(user)
    if scoped is None:
        return get_or_404(R.objects.none(), pk)
    qs = R.objects.filter(scoped).select_related("region", "organization", "created_by")
    return get_or_404(qs.prefetch_related("volunteers", "plans__volunteers", "plans__organization"), pk)


def recipient_visits(recipient: CareRecipient, limit: int = 50) -> QuerySet[Visit]:
    return recipient.visits.select_related("volunteer", "organization", "request")[:limit]


def is_register_reader(user) -> bool:
    """The register's pages exist for community workers, the city admin and the teams' admins and
    leaders (their lists hold only what they may read)."""
    scope = perms.scope_for(user)
    return scope.city_admin or bool(scope.region_paths or scope.admin_org_paths or scope.leader_org_ids)


# --- volunteers: whom I visit --------------------------------------------------------------------------


def my_recipients(user) -> QuerySet[CareRecipient]:
    """Active recipients the user may log a visit for: named on them or on one of their plans."""
    volunteer = perms.volunteer_of(user)
    if volunteer is None:
        return R.objects.none()
    return (
        R.objects.filter(status=R.Status.ACTIVE)
        .filter(
            Q(pk__in=R.objects.filter(volunteers=volunteer).values("pk"))
            | Q(pk__in=VisitPlan.objects.filter(volunteers=volunteer).values("recipient_id"))
        )
        .select_related("region", "organization")
        .annotate(last_visit=Max("visits__visited_at"))
        .order_by("last_visit", "name", "pk")
    )


def my_recipient_get(user, pk) -> CareRecipient:
    return get_or_404(my_recipients(user), pk)


def my_visits(user) -> QuerySet[Visit]:
    volunteer = perms.volunteer_of(user)
    if volunteer is None:
        return Visit.objects.none()
    return Visit.objects.filter(volunteer=volunteer).select_related(
        "recipient", "recipient__region", "request"
    )


def my_visit_get(user, pk) -> Visit:
    return get_or_404(my_visits(user).select_related("volunteer"), pk)


# --- missed visits -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missed:
    plan: VisitPlan
    start: dt.date
    end: dt.date


def _periods(plan: VisitPlan, since: dt.date, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The plan's periods that are over (ended before today) and end on or after `since`."""
    first = max(plan.starts_on, since - dt.timedelta(days=31))
    last = min(plan.ends_on or today, today - dt.timedelta(days=1))
    periods: list[tuple[dt.date, dt.date]] = []
    if plan.frequency == VisitPlan.Frequency.WEEKLY:
        start = first - dt.timedelta(days=first.weekday())
        while start <= last:
            end = start + dt.timedelta(days=6)
            if end <= last:
                periods.append((max(start, plan.starts_on), end))
            start = end + dt.timedelta(days=1)
    elif plan.frequency == VisitPlan.Frequency.MONTHLY:
        start = first.replace(day=1)
        while start <= last:
            nxt = (start + dt.timedelta(days=32)).replace(day=1)
            end = nxt - dt.timedelta(days=1)
            if end <= last:
                periods.append((max(start, plan.starts_on), end))
            start = nxt
    else:
        for raw in plan.festival_dates:
            day = dt.date.fromisoformat(raw)
            start, end = day - dt.timedelta(days=FESTIVAL_DAYS), day + dt.timedelta(days=FESTIVAL_DAYS)
            if plan.starts_on <= day <= (plan.ends_on or day) and end <= last:
                periods.append((start, end))
    return [(s, e) for s, e in periods if e >= since]


def missed_visits(plans: QuerySet[VisitPlan], *, today: dt.date | None = None) -> list[Missed]:
    """Every period of the plans, over and without a visit to the recipient: newest first."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=LOOKBACK_DAYS)
    plans = plans.filter(recipient__status=R.Status.ACTIVE).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=since)
    )
    chosen = list(plans.select_related("recipient", "recipient__region", "organization"))
    days: dict[int, set[dt.date]] = defaultdict(set)
    rows = (
        Visit.objects.filter(
            recipient_id__in={p.recipient_id for p in chosen},
            visited_at__gte=timezone.make_aware(
                dt.datetime.combine(since - dt.timedelta(days=40), dt.time.min)
            ),
        )
        .annotate(day=TruncDate("visited_at"))
        .values_list("recipient_id", "day")
        .distinct()
    )
    for recipient_id, day in rows:
        days[recipient_id].add(day)
    missed = []
    for plan in chosen:
        seen = days[plan.recipient_id]
        for start, end in _periods(plan, since, today):
            if not any(start <= d <= end for d in seen):
                missed.append(Missed(plan, start, end))
    return sorted(missed, key=lambda m: (m.end, m.plan.pk), reverse=True)


def missed_visits_for(user, *, today: dt.date | None = None) -> list[Missed]:
    scoped = perms.care_q(user)
    if scoped is None:
        return []
    return missed_visits(
        VisitPlan.objects.filter(recipient__in=R.objects.filter(scoped).values("pk")), today=today
    )


def plan_of_visits(recipient: CareRecipient) -> list[VisitPlan]:
    return list(recipient.plans.all())


# --- the register's forms: communities, teams and volunteers to choose from ------------------------------


def register_regions_for(user, recipient: CareRecipient | None = None):
    regions = perms.regions_for_worker(user)
    if recipient is not None:
        regions = regions | Region.objects.filter(pk=recipient.region_id)
    return regions.distinct().order_by("path")


def care_teams_for(user, recipient: CareRecipient | None = None):
    """Teams of the regions the user looks after, of the regions above them, and those they manage."""
    scope = perms.scope_for(user)
    q = perms.care_teams_q(user, recipient.region if recipient is not None else None)
    for path in scope.region_paths:
        q |= Q(status=Organization.Status.ACTIVE, region__path__in=perms.region_prefixes(path))
    return Organization.objects.filter(q).select_related("region").distinct().order_by("path")


def care_volunteers_for(user, recipient: CareRecipient | None = None):
    """Named volunteers to choose from: the team's active members (on a new recipient: the members
    of the teams the user may assign)."""
    if recipient is not None:
        return perms.team_members(recipient.organization).order_by("real_name")
    paths = list(care_teams_for(user).values_list("path", flat=True)[:50])
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(memberships__organization__path__startswith=path)
    return (
        Volunteer.objects.filter(q, status=Volunteer.Status.ACTIVE, memberships__status="active")
        .distinct()
        .order_by("real_name")
    )
