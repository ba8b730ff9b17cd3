"""Reads of funding: grants with their money, milestones (overdue computed from today's date),
mentors' queues, the programme view. Sums are computed by the database, never in a Python loop."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, Count, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from huiguang.core.selectors import get_or_404

from ..models import (
    Funder,
    Grant,
    Milestone,
    MilestoneReport,
    Programme,
    Project,
    ProjectMentor,
    SpendingLine,
)
from ..permissions import may_manage_funding, may_read_funding, project_read_q

M = Milestone.Status


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """A milestone is overdue from the day it falls due until its report is accepted."""
    return Q(**{f"{prefix}due_on__lte": today}) & ~Q(**{f"{prefix}status": M.ACCEPTED})


def _accounted_subquery(outer: str):
    """Fen accounted for: the spending lines of accepted reports, per grant (or project) row."""
    lines = (
        SpendingLine.objects.filter(**{f"report__milestone__grant__{outer}": OuterRef("pk")})
        .filter(report__status=MilestoneReport.Status.ACCEPTED)
        .order_by()
        .values(f"report__milestone__grant__{outer}")
        .annotate(total=Sum("amount_fen"))
        .values("total")
    )
    return Coalesce(Subquery(lines), Value(0))


def grants_with_money(qs: QuerySet[Grant]) -> QuerySet[Grant]:
    return qs.annotate(accounted_fen=_accounted_subquery("pk"))


def _readable_grants(user) -> QuerySet[Grant]:
    if may_read_funding(user):
        return Grant.objects.all()
    q = project_read_q(user, "project__")
    if q is None:
        return Grant.objects.none()
    return Grant.objects.filter(pk__in=Grant.objects.filter(q).values("pk"))


def grant_list_for(user) -> QuerySet[Grant]:
    return grants_with_money(_readable_grants(user)).select_related("project", "funder", "programme")


def grant_get_for(user, pk) -> Grant:
    return get_or_404(grant_list_for(user), pk)


def grants_of_project(project: Project) -> QuerySet[Grant]:
    return grants_with_money(project.grants.select_related("funder", "programme")).prefetch_related(
        "milestones", "disbursements"
    )


def milestones_of_grant(grant: Grant) -> QuerySet[Milestone]:
    return grant.milestones.order_by("due_on", "id")


def milestone_get_for(user, pk) -> Milestone:
    return get_or_404(
        Milestone.objects.filter(grant__in=_readable_grants(user)).select_related(
            "grant__project__organization"
        ),
        pk,
    )


def funder_list() -> QuerySet[Funder]:
    return Funder.objects.annotate(
        n_grants=Count("grants"), granted_fen=Coalesce(Sum("grants__amount_fen"), Value(0))
    ).order_by("name")


def programme_list_for(user) -> QuerySet[Programme]:
    if not may_read_funding(user):
        return Programme.objects.none()
    return Programme.objects.select_related("funder").annotate(
        n_projects=Count("grants__project", distinct=True),
        granted_fen=Coalesce(Sum("grants__amount_fen"), Value(0)),
        paid_fen=Coalesce(Sum("grants__paid_fen"), Value(0)),
    )


def programme_get_for(user, pk) -> Programme:
    return get_or_404(programme_list_for(user), pk)


def programme_rows(programme: Programme, *, today: dt.date | None = None) -> QuerySet[Grant]:
    """One row per grant of the programme: the project, money granted, paid and accounted for,
    milestones done / all and overdue — one query."""
    today = today or timezone.localdate()
    return (
        grants_with_money(programme.grants.select_related("project__organization", "funder"))
        .annotate(
            n_milestones=Count("milestones", distinct=True),
            n_done=Count("milestones", filter=Q(milestones__status=M.ACCEPTED), distinct=True),
            n_overdue=Count("milestones", filter=overdue_q(today, "milestones__"), distinct=True),
        )
        .order_by("project__name", "pk")
    )


def programme_totals(programme: Programme) -> dict:
    rows = programme.grants.aggregate(
        granted=Coalesce(Sum("amount_fen"), Value(0)),
        paid=Coalesce(Sum("paid_fen"), Value(0)),
        projects=Count("project", distinct=True),
    )
    rows["accounted"] = SpendingLine.objects.filter(
        report__milestone__grant__programme=programme, report__status=MilestoneReport.Status.ACCEPTED
    ).aggregate(total=Coalesce(Sum("amount_fen"), Value(0)))["total"]
    return rows


# --- the mentor ----------------------------------------------------------------------------------


def mentored_projects(user) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(
        pk__in=ProjectMentor.objects.filter(user=user, active=True).values("project_id")
    ).select_related("organization")


def mentor_milestones(user, *, today: dt.date | None = None) -> QuerySet[Milestone]:
    """The milestones of the mentor's projects, overdue ones first, each marked `is_overdue`."""
    today = today or timezone.localdate()
    return (
        Milestone.objects.filter(grant__project__in=mentored_projects(user))
        .exclude(status=M.ACCEPTED)
        .select_related("grant__project")
        .annotate(
            is_overdue=Case(
                When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-is_overdue", "due_on", "id")
    )


def mentor_report_list(user) -> QuerySet[MilestoneReport]:
    return (
        MilestoneReport.objects.filter(milestone__grant__project__in=mentored_projects(user))
        .select_related("milestone__grant__project", "submitted_by")
        .order_by("status", "-submitted_at", "-id")
    )


def mentor_report_get_for(user, pk) -> MilestoneReport:
    """A report the mentor reviews, or one the city reads (city-wide roles)."""
    if may_read_funding(user):
        qs = MilestoneReport.objects.all()
    else:
        qs = MilestoneReport.objects.filter(milestone__grant__project__in=mentored_projects(user))
    return get_or_404(
        qs.select_related("milestone__grant__project", "submitted_by", "reviewed_by").prefetch_related(
            "photos", "spending"
        ),
        pk,
    )


def overdue_milestones(*, today: dt.date | None = None) -> QuerySet[Milestone]:
    """Every overdue milestone of the city (the city's funding page)."""
    today = today or timezone.localdate()
    return (
        Milestone.objects.filter(overdue_q(today))
        .select_related("grant__project", "grant__funder")
        .order_by("due_on", "id")
    )


def may_see_funding_console(user) -> bool:
    return may_read_funding(user) or may_manage_funding(user)
