"""Who may do what with projects, brands and their funding: one rule per question, on top of the
network's Scope (DESIGN §6). Selectors filter with the `_q` functions; views and services ask the
`may_` ones. Nothing here writes.

- Reading a project: console users whose scope holds its owning organization or one of its
  co-organizations (city-wide roles: every project), and its mentor.
- Changing a project (details, photos, milestone reports): the managers of its owning
  organization (Scope.manages: its admins or above, its region's admins, the city admin).
- Brands: read by the console users whose scope holds the brand's organization (city-wide roles:
  every brand), changed by the managers of that organization; any other brand answers 404.
- Funding (funders, programmes, grants, disbursements, mentors): the city admin (团市委) changes
  it; the city-wide roles read the programme views and exports.
- Reviewing a milestone report: the project's active mentor.
"""

from __future__ import annotations

from django.db.models import Q

from huiguang.network import models as network
from huiguang.network.scope import scope_for

from .models import Project, ProjectMentor


def project_read_q(user, prefix: str = "") -> Q | None:
    """Projects `user` reads, as a filter; None: none at all."""
    scope = scope_for(user)
    mentored = (
        Q(**{f"{prefix}mentors__user": user, f"{prefix}mentors__active": True})
        if user.is_authenticated
        else None
    )
    if scope.city_wide:
        return Q()
    if not scope.is_console_user:
        return mentored
    q = scope.organizations_q(f"{prefix}organization__") | scope.organizations_q(
        f"{prefix}co_organizations__"
    )
    return q | mentored if mentored is not None else q


def project_manage_q(user, prefix: str = "") -> Q | None:
    """Projects whose owning organization `user` manages; None: none."""
    scope = scope_for(user)
    if scope.city_admin:
        return Q()
    if not scope.can_write:
        return None
    return scope.managed_organizations_q(f"{prefix}organization__")


def may_create_projects(user) -> bool:
    return scope_for(user).can_write


def may_manage_project(user, project: Project) -> bool:
    return scope_for(user).manages(project.organization)


def may_manage_brand(user, brand) -> bool:
    return scope_for(user).manages(brand.organization)


def may_use_brand(user, brand, *, current=None) -> bool:
    """A project may be put under a brand the user reads (or keep the brand it has)."""
    if brand is None or (current is not None and brand.pk == current.pk):
        return True
    q = brand_read_q(user)
    return q is not None and type(brand).objects.filter(q, pk=brand.pk).exists()


def brand_read_q(user, prefix: str = "") -> Q | None:
    """Brands `user` reads, as a filter (those of the organizations in the scope); None: none."""
    scope = scope_for(user)
    if not scope.is_console_user:
        return None
    return scope.organizations_q(f"{prefix}organization__")


def may_manage_funding(user) -> bool:
    """Funders, programmes, grants, disbursements and mentors: the city admin."""
    return scope_for(user).city_admin


def may_read_funding(user) -> bool:
    """The programme views and the funders' exports: the city-wide roles."""
    return scope_for(user).city_wide


def is_mentor(user) -> bool:
    return user.is_authenticated and ProjectMentor.objects.filter(user=user, active=True).exists()


def may_review(user, project: Project) -> bool:
    """The project's active mentor reviews its milestone reports."""
    return (
        user.is_authenticated
        and ProjectMentor.objects.filter(project=project, user=user, active=True).exists()
    )


# --- competitions ---------------------------------------------------------------------------
# Organizers of a competition: the city admin and the admins of its co-hosts (Scope.manages of a
# co-host); the auditor reads what they read. An entry is submitted by the managers of the
# project's owning organization. A judge never sees an entry of an organization he belongs to:
# judge_conflict_q.


def may_create_competitions(user) -> bool:
    return scope_for(user).city_admin


def may_organize(user, competition) -> bool:
    scope = scope_for(user)
    if scope.city_admin:
        return True
    if not scope.can_write:
        return False
    return any(scope.manages(o) for o in competition.co_hosts.select_related("region"))


def may_read_as_organizer(user, competition) -> bool:
    return scope_for(user).auditor or may_organize(user, competition)


def organized_competitions_q(user) -> Q | None:
    """Competitions whose organizer pages the user reads; None: none."""
    scope = scope_for(user)
    if scope.city_wide:
        return Q()
    if not scope.can_write:
        return None
    return scope.managed_organizations_q("co_hosts__")


def may_enter(user, project: Project) -> bool:
    return scope_for(user).manages(project.organization)


def judge_conflict_q(judge, prefix: str = "") -> Q:
    """Entries the judge must never see: of an organization he belongs to (an active membership or
    a grant there, with that organization's subtree; a region grant: the region's organizations)
    or one he declared a conflict with."""
    user = judge.user
    org_ids = set(
        network.Membership.objects.filter(
            volunteer__user=user, status=network.Membership.Status.ACTIVE
        ).values_list("organization_id", flat=True)
    )
    grants = network.Grant.objects.filter(user=user)
    org_ids |= {g for g in grants.values_list("organization_id", flat=True) if g}
    region_paths = [p for p in grants.values_list("region__path", flat=True) if p]
    q = Q(**{f"{prefix}organization__in": judge.conflicts.all()})
    for path in network.Organization.objects.filter(pk__in=org_ids).values_list("path", flat=True):
        q |= Q(**{f"{prefix}organization__path__startswith": path})
    for path in region_paths:
        q |= Q(**{f"{prefix}organization__region__path__startswith": path})
    return q
