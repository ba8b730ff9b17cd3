"""Reads of the network, scoped to the user (DESIGN §6: outside the scope → not in the queryset)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from .models import Grant, Membership, Organization, Region, Site
from .scope import scope_for


def city_overview() -> dict:
    from huiguang.volunteers.models import Volunteer

    return {
        "city_name": settings.HUIGUANG_CITY_NAME,
        "volunteers": Volunteer.objects.count(),
        "organizations": Organization.objects.filter(status=Organization.Status.ACTIVE).count(),
        "sites": Site.objects.filter(is_active=True).count(),
        "towns": Region.objects.filter(level=Region.Level.TOWN).count(),
    }


def console_overview(user) -> dict:
    from huiguang.volunteers.selectors import volunteer_list_for

    orgs = organization_list_for(user)
    return {
        "grants": Grant.objects.filter(user=user).select_related("region", "organization"),
        "organizations": orgs.count(),
        "volunteers": volunteer_list_for(user).count(),
        "pending_memberships": membership_list_for(user).filter(status=Membership.Status.APPLIED).count(),
        "pending_organizations": orgs.filter(status=Organization.Status.PENDING).count(),
    }


def region_list_for(user) -> QuerySet[Region]:
    scope = scope_for(user)
    if not (scope.city_wide or scope.region_paths):
        return Region.objects.none()
    return Region.objects.filter(scope.regions_q()).select_related("parent")


def region_get_for(user, code: str) -> Region:
    region = region_list_for(user).filter(code=code).first()
    if region is None:
        raise Http404
    return region


def organization_list_for(user) -> QuerySet[Organization]:
    scope = scope_for(user)
    if not scope.is_console_user:
        return Organization.objects.none()
    return Organization.objects.filter(scope.organizations_q()).select_related("region", "parent")


def organization_get_for(user, pk: int) -> Organization:
    org = organization_list_for(user).filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def organization_managed_by(user) -> QuerySet[Organization]:
    """Organizations the user may change (admins of the organization, its region or the city)."""
    scope = scope_for(user)
    if not scope.can_write:
        return Organization.objects.none()
    return Organization.objects.filter(scope.managed_organizations_q()).select_related("region", "parent")


def public_organizations() -> QuerySet[Organization]:
    return (
        Organization.objects.filter(status=Organization.Status.ACTIVE)
        .select_related("region", "parent")
        .annotate(member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)))
    )


def site_list_for(user) -> QuerySet[Site]:
    scope = scope_for(user)
    if not scope.is_console_user:
        return Site.objects.none()
    if scope.city_wide:
        return Site.objects.select_related("region", "organization")
    q = scope.regions_q("region__") if scope.region_paths else Q(pk__in=[])
    q |= Q(organization__in=Organization.objects.filter(scope.organizations_q()))
    return Site.objects.filter(q).select_related("region", "organization")


def membership_list_for(user) -> QuerySet[Membership]:
    scope = scope_for(user)
    if not scope.is_console_user:
        return Membership.objects.none()
    qs = Membership.objects.select_related("volunteer", "volunteer__user", "organization", "organization__region")
    if scope.city_wide:
        return qs
    return qs.filter(scope.organizations_q("organization__"))
