"""API schemas of the network: regions, organizations, sites, memberships and role grants."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from huiguang.core.api import QueryFlag, QueryId, RegionCode, ShortText, choice, enum_schema
from huiguang.network.scope import scope_for

from .models import Grant, Membership, Organization, Region, Site

# --- references (a related object in a few fields) -------------------------------------------------


class RegionRef(Schema):
    code: str
    name: str


class OrganizationRef(Schema):
    id: int
    code: str
    name: str


class VolunteerRef(Schema):
    id: int
    volunteer_number: str
    real_name: str


# --- regions ----------------------------------------------------------------------------------------


class RegionOut(Schema):
    code: str = Field(..., description="GB/T 2260-style code, e.g. 330482001.")
    name: str
    level: str
    level_display: str
    parent_code: str | None
    population: int

    @staticmethod
    def resolve_level_display(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class RegionFilter(Schema):
    level: Annotated[str | None, choice(Region.Level), enum_schema(Region.Level)] = None
    parent: RegionCode = Field("", description="Only the direct children of the region with this code.")
    q: ShortText = Field("", description="Part of the name, or the start of the code.")
    mine: QueryFlag = Field(
        False, description="Only the regions you administer (region or city administrators)."
    )


# --- organizations ----------------------------------------------------------------------------------


class OrganizationContact(Schema):
    contact_name: str
    contact_phone: str
    address: str


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_display: str
    parent: OrganizationRef | None
    region: RegionRef
    tier: str
    specialty: str
    description: str
    status: str
    status_display: str
    staff_count: int | None = Field(..., description="Null in the public directory.")
    contact: OrganizationContact | None = Field(
        ..., description="Null in the public directory: only console users in whose scope it is see it."
    )

    @staticmethod
    def resolve_kind_display(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_staff_count(obj, context) -> int | None:
        return obj.staff_count if _console_view(context) else None

    @staticmethod
    def resolve_contact(obj, context):
        return obj if _console_view(context) else None


def _console_view(context) -> bool:
    """Console users read their scoped list (so every row they get is theirs to see in full);
    everybody else reads the public directory."""
    request = (context or {}).get("request")
    return request is not None and scope_for(request.user).is_console_user


class OrganizationFilter(Schema):
    kind: Annotated[str | None, choice(Organization.Kind), enum_schema(Organization.Kind)] = None
    region: RegionCode = Field(
        "", description="Region code: organizations of this region and every region below it."
    )
    status: Annotated[str | None, choice(Organization.Status), enum_schema(Organization.Status)] = None
    q: ShortText = Field("", description="Part of the name, or the code.")


# --- sites ------------------------------------------------------------------------------------------


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    kind_display: str
    region: RegionRef
    organization: OrganizationRef | None
    address: str
    lat: Decimal | None
    lng: Decimal | None
    is_active: bool

    @staticmethod
    def resolve_kind_display(obj) -> str:
        return obj.get_kind_display()


class SiteFilter(Schema):
    kind: Annotated[str | None, choice(Site.Kind), enum_schema(Site.Kind)] = None
    region: RegionCode = Field("", description="Region code: sites of this region and every region below it.")
    organization: QueryId = Field(None, description="Managing organization id.")
    q: ShortText = Field("", description="Part of the name or the address.")


# --- memberships ------------------------------------------------------------------------------------


class MembershipOut(Schema):
    id: int
    volunteer: VolunteerRef
    organization: OrganizationRef
    role: str
    role_display: str
    status: str
    status_display: str
    applied_at: datetime
    decided_at: datetime | None
    left_at: datetime | None

    @staticmethod
    def resolve_role_display(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()


class OwnMembershipOut(Schema):
    """A membership as its volunteer sees it (in /me)."""

    id: int
    organization: OrganizationRef
    role: str
    status: str
    status_display: str
    applied_at: datetime

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()


class MembershipFilter(Schema):
    organization: QueryId = Field(None, description="Organization id.")
    status: Annotated[str | None, choice(Membership.Status), enum_schema(Membership.Status)] = None
    role: Annotated[str | None, choice(Membership.Role), enum_schema(Membership.Role)] = None


# --- grants (roles) ---------------------------------------------------------------------------------


class GrantOut(Schema):
    role: str = Field(..., description=", ".join(Grant.Role.values))
    role_display: str
    region: RegionRef | None
    organization: OrganizationRef | None

    @staticmethod
    def resolve_role_display(obj) -> str:
        return obj.get_role_display()
