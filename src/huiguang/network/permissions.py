"""Who may do what in the network: one function per question, each answered from the Scope
(scope.py). Selectors, services and views ask here; none of them filters on the Scope inline."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Organization, Region
from .scope import scope_for


def console_view(view):
    """Login required; users without any console role get 404 (the console does not exist for them)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scope_for(request.user).is_console_user:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def console_page(view):
    """A console page whose services refuse with PermissionDenied: that answers 404 too (not yours
    to change), like an object outside the scope."""

    @console_view
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    return wrapped


def may_write(user) -> bool:
    """Holds a writing console role (city, region or organization admin): may create organizations
    and sites and decide on memberships in their scope. Leaders and auditors only read."""
    return scope_for(user).can_write


def may_manage_roles(user) -> bool:
    """Grants and revokes roles (the roles console): city admins only."""
    return scope_for(user).city_admin


def may_list_regions(user) -> bool:
    """Sees the region pages: city-wide roles and region admins."""
    scope = scope_for(user)
    return scope.city_wide or bool(scope.region_paths)


def region_is_visible_to(user, region: Region) -> bool:
    scope = scope_for(user)
    return scope.city_wide or any(region.path.startswith(p) for p in scope.region_paths)


def region_is_managed_by(user, region: Region) -> bool:
    """May change the region (its name and population) and what is placed in it."""
    scope = scope_for(user)
    return scope.city_admin or any(region.path.startswith(p) for p in scope.region_paths)


def organization_is_managed_by(user, organization: Organization) -> bool:
    """May change the organization: the rule of Scope.manages (its admins or above it, its region's
    admins, the city admin)."""
    return scope_for(user).manages(organization)


def organization_may_approve(user, *, parent: Organization | None, region: Region | None) -> bool:
    """Who decides on an organization under `parent` in `region`: the city admin, an admin of a
    region whose subtree holds the region, or an admin of the parent organization (or above it)."""
    scope = scope_for(user)
    if scope.city_admin:
        return True
    if region is not None and any(region.path.startswith(p) for p in scope.region_paths):
        return True
    return parent is not None and any(parent.path.startswith(p) for p in scope.admin_org_paths)
