"""Who may do what with volunteers and their imports: one rule per question, on top of the
network's Scope (DESIGN §6). Selectors filter with the `_q` functions; views and services ask
the `may_` ones and wrap views in the decorators. Nothing here writes."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404

from huiguang.network.models import Membership, Organization
from huiguang.network.scope import scope_for

from .models import Volunteer

OPEN = (Membership.Status.APPLIED, Membership.Status.ACTIVE)


def volunteer_visible_q(user) -> Q | None:
    """Volunteers `user` sees, as a filter; None: none at all. City-wide roles see everyone; a
    region admin sees residents of the region and members of its organizations; an organization
    admin the members and applicants of its subtree; a leader the active members of the team."""
    scope = scope_for(user)
    if scope.city_wide:
        return Q()
    if not scope.is_console_user:
        return None
    q = Q(pk__in=[])
    for p in scope.region_paths:
        q |= Q(residence_region__path__startswith=p)
    orgs_q = Q(pk__in=[])
    for p in scope.region_paths:
        orgs_q |= Q(region__path__startswith=p)
    for p in scope.admin_org_paths:
        orgs_q |= Q(path__startswith=p)
    member_ids = Membership.objects.filter(
        status__in=OPEN, organization__in=Organization.objects.filter(orgs_q)
    ).values("volunteer_id")
    q |= Q(pk__in=member_ids)
    if scope.leader_org_ids:
        q |= Q(
            pk__in=Membership.objects.filter(
                status=Membership.Status.ACTIVE, organization_id__in=scope.leader_org_ids
            ).values("volunteer_id")
        )
    return q


def may_reveal_id(user, volunteer: Volunteer) -> bool:
    """The full number: only the owner and city administrators (DESIGN §6)."""
    if not user.is_authenticated:
        return False
    return volunteer.user_id == user.pk or scope_for(user).city_admin


def may_import(user) -> bool:
    """Organization, region and city admins import; leaders, auditors and volunteers do not."""
    return scope_for(user).can_write


def managed_organizations_q(user, prefix: str = "") -> Q | None:
    """Organizations `user` manages (admin of it or an ancestor, region admin of its region's
    subtree, city admin), as a filter (`prefix` such as "organization__"); None: none at all."""
    scope = scope_for(user)
    if not scope.can_write:
        return None
    return scope.managed_organizations_q(prefix)


def import_organizations_q(user) -> Q | None:
    """Where `user` may import: the organizations they manage, active ones only."""
    q = managed_organizations_q(user)
    return None if q is None else q & Q(status=Organization.Status.ACTIVE)


def may_import_into(user, organization_id: str) -> bool:
    """An organization id as posted: one `user` may import into (anything else is not there for them)."""
    q = import_organizations_q(user)
    return (
        q is not None
        and organization_id.isdigit()
        and Organization.objects.filter(q, pk=organization_id).exists()
    )


def importer_view(view):
    """Login required; users who may not import get 404 (the import pages do not exist for them)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_import(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
