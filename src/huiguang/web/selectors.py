"""The figures of the home pages, read through each app's own selectors."""

from __future__ import annotations

from django.conf import settings

from huiguang.network.models import Grant, Membership, Organization, Region, Site
from huiguang.network.selectors import membership_list_for, organization_list_for
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.selectors import volunteer_list_for


def city_overview() -> dict:
    return {
        "city_name": settings.HUIGUANG_CITY_NAME,
        "volunteers": Volunteer.objects.count(),
        "organizations": Organization.objects.filter(status=Organization.Status.ACTIVE).count(),
        "sites": Site.objects.filter(is_active=True).count(),
        "towns": Region.objects.filter(level=Region.Level.TOWN).count(),
    }


def console_overview(user) -> dict:
    orgs = organization_list_for(user)
    return {
        "grants": Grant.objects.filter(user=user).select_related("region", "organization"),
        "organizations": orgs.count(),
        "volunteers": volunteer_list_for(user).count(),
        "pending_memberships": membership_list_for(user).filter(status=Membership.Status.APPLIED).count(),
        "pending_organizations": orgs.filter(status=Organization.Status.PENDING).count(),
    }
