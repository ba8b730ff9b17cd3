"""Who may do what with projects, brands and their funding: one rule per question, on top of the
network's Scope (DESIGN §6). Selectors filter with the `_q` functions; views and services ask the
`may_` ones. Nothing here writes.

- Reading a project: console users whose scope holds its owning organization or one of its
  co-organizations (city-wide roles: every project), and its mentor.
- Changing a project (details, photos, milestone reports): the managers of its owning
  organization (Scope.manages: its admins or above, its region's admins, the city admin).
- Brands: read by every console user, changed by the managers of the brand's organization.
- Funding (funders, programmes, grants, disbursements, mentors): the city admin (团市委) changes
  it; the city-wide roles read the programme views and exports.
- Reviewing a milestone report: the project's active mentor.
"""

from __future__ import annotations

from django.db.models import Q

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


def may_read_brands(user) -> bool:
    return scope_for(user).is_console_user


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
