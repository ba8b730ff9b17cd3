"""API schemas of recruitment drives (names prefixed with Drive: unique across the project)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.urls import reverse
from ninja import Field, Schema

from huiguang.core.api import Flag, number_schema, text, whole_number
from huiguang.core.links import absolute_url

Year = Annotated[int, whole_number(2000, 2099), number_schema(2000, 2099)]
Count = Annotated[int, whole_number(0, 1_000_000), number_schema(0, 1_000_000)]
Target = Annotated[int, whole_number(1, 1_000_000), number_schema(1, 1_000_000)]
Id = Annotated[int, whole_number(1), number_schema(1)]
OptionalId = Annotated[int | None, whole_number(1, optional=True), number_schema(1, nullable=True)]


class DriveOut(Schema):
    id: int
    name: str
    year: int
    description: str
    status: str
    region_code: str
    region_name: str
    starts_on: dt.date
    ends_on: dt.date
    unit_count: int
    target_total: int
    signup_total: int

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name


class DriveIn(Schema):
    name: Annotated[str, text(120)] = Field(..., min_length=1, max_length=120)
    year: Year
    region_code: Annotated[str, text(15)] = Field(
        ..., max_length=15, description="The city's or a town's code."
    )
    starts_on: dt.date
    ends_on: dt.date
    description: Annotated[str, text(5000)] = ""


class DriveTotalsOut(Schema):
    target: int
    units: int
    signups: int
    newcomers: int
    progress: float | None = Field(None, description="Sign-ups × 100 ÷ target; null without a target.")


class DriveDetailOut(DriveOut):
    totals: DriveTotalsOut


class DriveUnitOut(Schema):
    id: int
    name: str
    kind: str
    organization_id: int | None
    region_code: str | None
    team_id: int | None
    target: int
    enrolled_league_members: int
    school_name: str
    auto_approve: bool
    signups: int = Field(..., alias="signup_count")
    newcomers: int = Field(..., alias="newcomer_count")
    members: int = Field(
        ..., alias="member_count", description="Active members of the unit's organization (context)."
    )
    progress: float | None
    url: str = Field(..., description="The unit's public sign-up page (its QR code's address).")

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind_label

    @staticmethod
    def resolve_region_code(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_url(obj) -> str:
        return absolute_url(reverse("mobilization:drive_unit_page", args=[obj.slug]))


class DriveUnitChange(Schema):
    target: Target
    enrolled_league_members: Count = 0
    school_name: Annotated[str, text(120)] = Field("", max_length=120)
    team: OptionalId = Field(None, description="A region unit's default team (an organization id).")
    auto_approve: Flag = True


class DriveUnitIn(DriveUnitChange):
    organization: OptionalId = Field(None, description="An organization id; or give `region_code`.")
    region_code: Annotated[str, text(15)] = Field(
        "", max_length=15, description="A village, community or town."
    )


class DriveSchoolRateOut(Schema):
    unit_id: int
    school: str
    school_name: str
    enrolled_league_members: int
    registered: int
    rate: float | None = Field(None, description="Registered × 100 ÷ enrolled; null when none is enrolled.")

    @staticmethod
    def resolve_unit_id(obj) -> int:
        return obj.pk

    @staticmethod
    def resolve_school(obj) -> str:
        return obj.organization.name


class DriveSchoolTotalOut(Schema):
    registered: int
    enrolled: int
    rate: float | None


class DriveSchoolRatesOut(Schema):
    schools: list[DriveSchoolRateOut]
    total: DriveSchoolTotalOut


class DriveUnitPublicOut(Schema):
    drive: str
    year: int
    unit: str
    organization: str | None
    open: bool
    signed_up: bool


class DriveSignupOut(Schema):
    unit: str
    created: bool = Field(..., description="false: you had already signed up here (nothing changed).")
