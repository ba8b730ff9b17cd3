"""Schemas of the needs API."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from huiguang.activities.api.console_schemas import Degrees, Moment
from huiguang.core.api import (
    ObjectId,
    Password,
    Phone,
    RegionCode,
    ShortText,
    choice,
    enum_schema,
    number_schema,
    text,
    whole_number,
)

from .. import permissions
from ..models import ServiceRequest

Description = Annotated[str, text(2000), Field(max_length=2000)]
Address = Annotated[str, text(200), Field(max_length=200)]
Reason = Annotated[str, text(200), Field(max_length=200)]
Comment = Annotated[str, text(1000), Field(max_length=1000)]
Code = Annotated[str, text(6, numbers=True), Field(max_length=6)]
CategoryCode = Annotated[str, text(32), Field(max_length=32)]
Id = Annotated[int, whole_number(1), number_schema(1)]


class ResidentCodeIn(Schema):
    phone: Phone


class ResidentIn(Schema):
    phone: Phone
    code: Code = Field(..., description="The 6-digit code sent by SMS (`POST /needs/residents/code`).")
    name: ShortText
    region_code: RegionCode = Field(..., description="The code of the resident's village or community.")
    address: Address = ""
    password: Password = Field("", description="Not needed when a logged-in user signs up their own number.")


class ResidentOut(Schema):
    id: int
    name: str
    region_code: str

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code


class RequestIn(Schema):
    category: CategoryCode = Field(..., description="A service category code (`GET /activities/categories`).")
    description: Description
    address: Address
    lat: Degrees = Field(None, description="Latitude (decimal degrees) of the address.")
    lng: Degrees = Field(None, description="Longitude (decimal degrees) of the address.")
    window_start: Moment = Field(..., description="From when help is welcome.")
    window_end: Moment = Field(..., description="Until when.")
    phone: Phone = Field("", description="The contact phone (a resident's default: their own number).")
    on_behalf: bool = Field(False, description="A community worker posting for a resident.")
    region_code: RegionCode = Field("", description="On behalf: the resident's village or community.")
    resident_name: ShortText = Field("", description="On behalf: the resident's name.")
    required_skill: ObjectId = Field(None, description="On behalf: a skill the volunteer must have.")


class RequestOut(Schema):
    id: int
    number: str
    status: str = Field(
        ..., description="posted, accepted, dispatched, open, taken, done, rated, declined or merged."
    )
    status_display: str
    category: str
    description: str
    region_code: str
    region_name: str
    address: str
    lat: float | None
    lng: float | None
    window_start: dt.datetime
    window_end: dt.datetime
    decline_reason: str = Field(..., description="Why it was declined (the resident reads it).")
    merged_into: str | None = Field(..., description="The number of the request a duplicate was merged into.")
    organization: str | None = Field(..., description="The team that serves it.")
    taker: str | None = Field(..., description="The volunteer who serves it.")
    contact: str = Field(..., description="Masked, except for the taker, the resident and community admins.")
    activity_id: int | None = Field(..., description="The serving activity (check-in at the address).")
    rating: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_status_display(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_merged_into(obj) -> str | None:
        return obj.merged_into.number if obj.merged_into_id else None

    @staticmethod
    def resolve_organization(obj) -> str | None:
        return obj.organization.name if obj.organization_id else None

    @staticmethod
    def resolve_taker(obj) -> str | None:
        return obj.taker.real_name if obj.taker_id else None

    @staticmethod
    def resolve_contact(obj, context) -> str:
        user = context["request"].user
        return obj.contact_phone if permissions.sees_contact(user, obj) else obj.contact_masked

    @staticmethod
    def resolve_rating(obj) -> int | None:
        rating = getattr(obj, "rating", None) if obj.status == ServiceRequest.Status.RATED else None
        return rating.score if rating is not None else None


class NearbyOut(Schema):
    km: float | None = Field(..., description="Distance from the given position.")
    request: RequestOut


class ConsoleFilter(Schema):
    status: Annotated[str | None, choice(ServiceRequest.Status), enum_schema(ServiceRequest.Status)] = None
    q: Annotated[str, text(100), Field(max_length=100)] = ""


class NearbyFilter(Schema):
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    km: int | None = Field(None, ge=1, le=50)


class ReasonIn(Schema):
    reason: Reason


class MergeIn(Schema):
    into: Id = Field(..., description="The id of the request the duplicate is merged into.")


class TeamIn(Schema):
    organization: Id = Field(..., description="The team (organization id).")


class AssignIn(Schema):
    volunteer: Id = Field(..., description="An active member of the team (volunteer id).")


class CloseIn(Schema):
    notes: Description


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: Comment = ""


class RatingOut(Schema):
    id: int
    score: int
    comment: str
    request_number: str

    @staticmethod
    def resolve_request_number(obj) -> str:
        return obj.request.number


class RatingLinkOut(Schema):
    number: str
    category: str
    organization: str | None


class FigureFilter(Schema):
    by: Annotated[str, text(60), Field(max_length=60)] = Field(
        "organization,month", description="Comma-separated groups: organization, category, region, month."
    )


class FigureOut(Schema):
    key: dict[str, str | int | None]
    ratings: int
    average: float
