"""Reads of volunteers, scoped (DESIGN §6)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from huiguang.core.masking import ADMIN, FULL, mask_id_number
from huiguang.network.models import Membership, Organization
from huiguang.network.scope import scope_for

from .models import Volunteer

OPEN = (Membership.Status.APPLIED, Membership.Status.ACTIVE)


def volunteer_list_for(user) -> QuerySet[Volunteer]:
    """City-wide roles see everyone; a region admin sees residents of the region and members of
    its organizations; an organization admin the members and applicants of its subtree; a leader
    the active members of the team."""
    scope = scope_for(user)
    qs = Volunteer.objects.select_related("user", "residence_region")
    if scope.city_wide:
        return qs
    if not scope.is_console_user:
        return qs.none()
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
    return qs.filter(q)


def volunteer_get_for(user, pk: int) -> Volunteer:
    volunteer = volunteer_list_for(user).filter(pk=pk).first()
    if volunteer is None:
        raise Http404
    return volunteer


def id_display(volunteer: Volunteer, level: str = ADMIN) -> str:
    if level == FULL:
        raise ValueError("the full number is shown only through volunteer_reveal_id")
    return (
        volunteer.id_masked if level == ADMIN else mask_id_number("0" * 14 + volunteer.id_masked[-4:], level)
    )
