"""API v1, network: regions, organizations, sites and memberships, each scoped to the caller.

Outside the caller's scope an object answers 404 and a list simply leaves it out (DESIGN §6).
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from huiguang.accounts.auth import PUBLIC_AUTH, PUBLIC_SECURITY
from huiguang.core.api import ERRORS, Pagination
from huiguang.core.errors import FieldErrors

from .models import Region
from .schemas import (
    MembershipFilter,
    MembershipOut,
    OrganizationFilter,
    OrganizationOut,
    RegionFilter,
    RegionOut,
    SiteFilter,
    SiteOut,
)
from .selectors import (
    membership_get_for,
    membership_list_for,
    organization_view_get,
    organization_view_list,
    region_list_for,
    region_public_get,
    site_get_for,
    site_list_for,
)

router = Router(tags=["network"])


def region_path(code: str, field: str = "region") -> str:
    """The materialized path of a region given by code, for subtree filters; unknown → 422."""
    path = Region.objects.filter(code=code.strip()).values_list("path", flat=True).first()
    if path is None:
        raise FieldErrors({field: [_("No region has the code %(code)s.") % {"code": code}]})
    return path


# --- regions ----------------------------------------------------------------------------------------

REGIONS_ARE_PUBLIC = (
    "Regions are public reference data (GB/T 2260 codes and names, no personal data): anyone may "
    "read them, e.g. to fill `region_code` at registration. `mine=true` keeps the regions you administer."
)


@router.get(
    "/regions",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: list[RegionOut], **ERRORS},
    summary="List regions",
    description=REGIONS_ARE_PUBLIC + " Ordered as a tree (by path).",
)
@paginate(Pagination)
def region_list(request, filters: Query[RegionFilter]):
    regions = region_list_for(request.user) if filters.mine else Region.objects.select_related("parent")
    if filters.level:
        regions = regions.filter(level=filters.level)
    if filters.parent:
        regions = regions.filter(parent__code=filters.parent.strip())
    if filters.q:
        regions = regions.filter(Q(name__icontains=filters.q) | Q(code__startswith=filters.q.strip()))
    return regions


@router.get(
    "/regions/{code}",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: RegionOut, **ERRORS},
    summary="One region",
    description=REGIONS_ARE_PUBLIC,
)
def region_detail(request, code: str):
    return region_public_get(code)


# --- organizations ----------------------------------------------------------------------------------

ORGANIZATIONS_VIEW = (
    "Console users (administrators, leaders, auditors) read the organizations in their scope, in full. "
    "Everyone else — anonymous clients and plain volunteers — reads the public directory: active "
    "organizations only, without contact details or staff count (`contact` and `staff_count` are null)."
)


@router.get(
    "/organizations",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: list[OrganizationOut], **ERRORS},
    summary="List organizations",
    description=ORGANIZATIONS_VIEW,
)
@paginate(Pagination)
def organization_list(request, filters: Query[OrganizationFilter]):
    orgs = organization_view_list(request.user)
    if filters.kind:
        orgs = orgs.filter(kind=filters.kind)
    if filters.region:
        orgs = orgs.filter(region__path__startswith=region_path(filters.region))
    if filters.status:
        orgs = orgs.filter(status=filters.status)
    if filters.q:
        orgs = orgs.filter(Q(name__icontains=filters.q) | Q(code__iexact=filters.q.strip()))
    return orgs


@router.get(
    "/organizations/{int:org_id}",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: OrganizationOut, **ERRORS},
    summary="One organization",
    description=ORGANIZATIONS_VIEW + " Outside your view: 404.",
)
def organization_detail(request, org_id: int):
    return organization_view_get(request.user, org_id)


# --- sites ------------------------------------------------------------------------------------------


@router.get(
    "/sites",
    response={200: list[SiteOut], **ERRORS},
    summary="List service sites (阵地)",
    description="Sites in your scope: city-wide roles see all, a region administrator those of the region, "
    "organization administrators and leaders those their organizations manage. Others get an empty list.",
)
@paginate(Pagination)
def site_list(request, filters: Query[SiteFilter]):
    sites = site_list_for(request.user)
    if filters.kind:
        sites = sites.filter(kind=filters.kind)
    if filters.region:
        sites = sites.filter(region__path__startswith=region_path(filters.region))
    if filters.organization:
        sites = sites.filter(organization_id=filters.organization)
    if filters.q:
        sites = sites.filter(Q(name__icontains=filters.q) | Q(address__icontains=filters.q))
    return sites


@router.get(
    "/sites/{int:site_id}",
    response={200: SiteOut, **ERRORS},
    summary="One service site",
    description="Outside your scope: 404.",
)
def site_detail(request, site_id: int):
    return site_get_for(request.user, site_id)


# --- memberships ------------------------------------------------------------------------------------


@router.get(
    "/memberships",
    response={200: list[MembershipOut], **ERRORS},
    summary="List memberships",
    description="Memberships (applications included) of the organizations in your scope, newest first. "
    "Volunteers read their own memberships in `GET /me`.",
)
@paginate(Pagination)
def membership_list(request, filters: Query[MembershipFilter]):
    memberships = membership_list_for(request.user)
    if filters.organization:
        memberships = memberships.filter(organization_id=filters.organization)
    if filters.status:
        memberships = memberships.filter(status=filters.status)
    if filters.role:
        memberships = memberships.filter(role=filters.role)
    return memberships


@router.get(
    "/memberships/{int:membership_id}",
    response={200: MembershipOut, **ERRORS},
    summary="One membership",
    description="Outside your scope: 404.",
)
def membership_detail(request, membership_id: int):
    return membership_get_for(request.user, membership_id)
