"""API v1, projects and brands: the projects in your scope, one project, the brands with their sites."""

import datetime as dt
from typing import Annotated

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination, QueryId, ShortText, choice, enum_schema

from ..models import Project
from ..selectors.projects import brand_get_for, brand_list_for, project_get_for, project_list_for

router = Router(tags=["projects"])


class ProjectOut(Schema):
    id: int
    name: str
    status: str = Field(..., description="proposed, active or closed.")
    category: str
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    brand_id: int | None
    beneficiaries: str
    goals: str
    starts_on: dt.date
    ends_on: dt.date | None
    budget_fen: int = Field(..., description="Budget in fen (1 yuan = 100 fen).")


class ProjectFilter(Schema):
    status: Annotated[str | None, choice(Project.Status), enum_schema(Project.Status)] = Field(
        None, description="proposed, active or closed."
    )
    brand: QueryId = Field(None, description="Projects of one brand.")
    q: ShortText | None = Field(None, description="Part of the name.")


class BrandSiteOut(Schema):
    id: int
    name: str
    region_name: str = Field(..., alias="region.name")
    address: str


class BrandOut(Schema):
    id: int
    name: str
    organization_id: int
    description: str
    n_sites: int
    n_projects: int


class BrandDetailOut(BrandOut):
    sites: list[BrandSiteOut]

    @staticmethod
    def resolve_sites(obj):
        return list(obj.sites.all())


@router.get(
    "/projects",
    response={200: list[ProjectOut], **ERRORS},
    summary="Service projects in my scope",
    description="Projects whose owning organization or a co-organization is in your console scope, and "
    "the projects you mentor. Others get an empty list.",
)
@paginate(Pagination)
def projects(request, filters: Query[ProjectFilter]):
    return project_list_for(
        request.user, status=filters.status or "", brand_id=filters.brand, search=filters.q or ""
    )


@router.get(
    "/projects/{int:project_id}",
    response={200: ProjectOut, **ERRORS},
    summary="One service project",
    description="Outside your scope: 404.",
)
def project(request, project_id: int):
    return project_get_for(request.user, project_id)


@router.get(
    "/brands",
    response={200: list[BrandOut], **ERRORS},
    summary="Brands",
    description="Brands that group projects and sites (console users; others get an empty list).",
)
@paginate(Pagination)
def brands(request):
    return brand_list_for(request.user)


@router.get(
    "/brands/{int:brand_id}",
    response={200: BrandDetailOut, **ERRORS},
    summary="One brand with its sites",
    description="Not a console user: 404.",
)
def brand(request, brand_id: int):
    return brand_get_for(request.user, brand_id)
