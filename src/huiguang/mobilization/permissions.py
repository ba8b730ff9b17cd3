"""Who may do what in the mobilization app: one rule per question, on top of the network's Scope
(DESIGN §6). Nothing here writes. Objects outside these rules answer 404."""

from __future__ import annotations

from django.db.models import Q

from huiguang.network.models import Organization, Region
from huiguang.network.scope import scope_for

# campaigns
# A campaign belongs to a region (the city's region for a city-wide one): the city admins and the
# auditors see every campaign, a region admin those of the regions in the subtree. The city admins
# and those region admins manage them; auditors only read. Organization admins and leaders have
# no say in a campaign (they organize the shifts recruits are deployed to).


def campaigns_visible_q(user, prefix: str = "") -> Q | None:
    """Campaigns `user` may read; None: none."""
    scope = scope_for(user)
    if scope.city_wide:
        return Q()
    if not scope.region_paths:
        return None
    return scope.regions_q(f"{prefix}region__")


def campaigns_managed_q(user, prefix: str = "") -> Q | None:
    """Campaigns `user` may change; None: none."""
    scope = scope_for(user)
    if scope.city_admin:
        return Q()
    if not scope.region_paths:
        return None
    return scope.regions_q(f"{prefix}region__")


def may_create_campaigns(user) -> bool:
    scope = scope_for(user)
    return scope.city_admin or bool(scope.region_paths)


def may_own_campaign_in(user, region: Region) -> bool:
    """May create or run a campaign of `region`: city admins anywhere, region admins in their subtree."""
    scope = scope_for(user)
    return scope.city_admin or any(region.path.startswith(p) for p in scope.region_paths)


def campaign_regions_q(user) -> Q | None:
    """Regions a campaign created by `user` may belong to; None: none."""
    scope = scope_for(user)
    if scope.city_admin:
        return Q()
    return scope.regions_q() if scope.region_paths else None


# drives
# A drive belongs to a region: the city admin runs drives anywhere (usually the whole city); a
# region admin runs drives for a region of their subtree. City-wide readers (the auditor) read
# every drive; a region admin reads the drives of their subtree. Nobody else sees the console
# pages (404). A unit's public sign-up page is open to everyone while the drive is open or closed.


def drive_visible_q(user) -> Q | None:
    """Drives `user` reads in the console, as a filter; None: none."""
    scope = scope_for(user)
    if scope.city_wide:
        return Q()
    if not scope.region_paths:
        return None
    q = Q(pk__in=[])
    for p in scope.region_paths:
        q |= Q(region__path__startswith=p)
    return q


def may_create_drives(user) -> bool:
    scope = scope_for(user)
    return scope.city_admin or bool(scope.region_paths)


def drive_regions_q(user) -> Q | None:
    """Regions a drive of `user` may belong to; None: none."""
    scope = scope_for(user)
    if scope.city_admin:
        return Q()
    if not scope.region_paths:
        return None
    return scope.regions_q()


def may_manage_drive(user, drive) -> bool:
    scope = scope_for(user)
    return scope.city_admin or any(drive.region.path.startswith(p) for p in scope.region_paths)


def unit_in_drive(drive, *, organization: Organization | None = None, region: Region | None = None) -> bool:
    """A unit lies inside the drive's region (the drive's manager manages it then)."""
    if organization is not None:
        return organization.region.path.startswith(drive.region.path)
    return region is not None and region.path.startswith(drive.region.path)
