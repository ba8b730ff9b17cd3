"""Reads of projects and brands, scoped to the user (permissions.py): outside the scope, 404."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from huiguang.core.selectors import get_or_404

from ..models import Brand, Project, ProjectMentor
from ..permissions import brand_read_q, project_manage_q, project_read_q


def _scoped(q: Q | None) -> QuerySet[Project]:
    if q is None:
        return Project.objects.none()
    # Through a subquery: the co-organizations' join would repeat a project once per match.
    return Project.objects.filter(pk__in=Project.objects.filter(q).values("pk"))


def project_list_for(
    user, *, status: str = "", brand_id: int | None = None, search: str = ""
) -> QuerySet[Project]:
    qs = _scoped(project_read_q(user)).select_related("organization", "brand")
    if status in Project.Status.values:
        qs = qs.filter(status=status)
    if brand_id:
        qs = qs.filter(brand_id=brand_id)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("name", "id")


def project_get_for(user, pk) -> Project:
    qs = _scoped(project_read_q(user)).select_related("organization__region", "brand", "created_by")
    return get_or_404(qs.prefetch_related("co_organizations", "photos"), pk)


def project_managed_get_for(user, pk) -> Project:
    """A project the user may change (404 for every other, even one they read)."""
    return get_or_404(_scoped(project_manage_q(user)).select_related("organization__region"), pk)


def projects_for_organization(organization_id: int) -> QuerySet[Project]:
    """The projects an activity of the organization may belong to: its own and those it co-runs,
    not closed (the activity form's choices)."""
    inner = Project.objects.filter(
        Q(organization_id=organization_id) | Q(co_organizations__pk=organization_id)
    )
    return (
        Project.objects.filter(pk__in=inner.values("pk"))
        .exclude(status=Project.Status.CLOSED)
        .order_by("name")
    )


def projects_for_organizations(organizations) -> QuerySet[Project]:
    """Not-closed projects owned or co-run by any of `organizations` (a queryset)."""
    ids = organizations.values("pk")
    return (
        Project.objects.filter(
            pk__in=Project.objects.filter(Q(organization__in=ids) | Q(co_organizations__in=ids)).values("pk")
        )
        .exclude(status=Project.Status.CLOSED)
        .order_by("name")
    )


def project_mentor(project: Project) -> ProjectMentor | None:
    return ProjectMentor.objects.filter(project=project, active=True).select_related("user").first()


def brand_list_for(user) -> QuerySet[Brand]:
    """The brands of the organizations in the user's scope (city-wide roles: all)."""
    q = brand_read_q(user)
    if q is None:
        return Brand.objects.none()
    return (
        Brand.objects.filter(q)
        .select_related("organization")
        .annotate(n_sites=Count("sites", distinct=True), n_projects=Count("projects", distinct=True))
        .order_by("name")
    )


def brand_get_for(user, pk) -> Brand:
    return get_or_404(brand_list_for(user).prefetch_related("sites__region", "projects__organization"), pk)
