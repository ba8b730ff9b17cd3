"""API schemas of training: courses, qualification types, qualifications, the training policy."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db import models
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from huiguang.core.api import (
    Flag,
    QueryId,
    ShortText,
    choice,
    enum_schema,
    number_schema,
    text,
    whole_number,
)

from ..models import Course

Id = Annotated[int, whole_number(1), number_schema(1)]
OptionalId = Annotated[int | None, whole_number(1, optional=True), number_schema(1, nullable=True)]
Months = Annotated[int | None, whole_number(1, 240, optional=True), number_schema(1, 240, nullable=True)]


class QualificationTypeOut(Schema):
    id: int
    code: str
    name: str
    description: str


class QualificationTypeIn(Schema):
    code: Annotated[str, text(32)] = Field(..., pattern=r"^[-a-zA-Z0-9_]+$", max_length=32)
    name: Annotated[str, text(64)] = Field(..., min_length=1, max_length=64)
    description: Annotated[str, text(200)] = ""


class CourseOut(Schema):
    id: int
    title: str
    category: str
    category_display: str
    provider_id: int
    provider_name: str
    syllabus: str
    hours: Decimal
    pass_rule: str
    grants_id: int | None
    grants_name: str | None
    validity_months: int | None
    is_active: bool

    @staticmethod
    def resolve_category_display(obj) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_provider_name(obj) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_grants_name(obj) -> str | None:
        return obj.grants.name if obj.grants_id else None


class CourseFilter(Schema):
    category: Annotated[str | None, choice(Course.Category), enum_schema(Course.Category)] = None
    q: ShortText = Field("", description="Part of the title, the syllabus or the qualification's name.")


class CourseChange(Schema):
    title: Annotated[str | None, text(120)] = Field(None, min_length=1, max_length=120)
    category: Annotated[str | None, choice(Course.Category), enum_schema(Course.Category, query=False)] = None
    provider: OptionalId = Field(None, description="The providing organization's id (one you manage).")
    syllabus: Annotated[str, text(5000)] = ""
    hours: Decimal | None = Field(None, gt=0, le=999, max_digits=4, decimal_places=1)
    pass_rule: Annotated[str, text(200)] = ""
    grants: OptionalId = Field(None, description="The id of the qualification type it grants.")
    validity_months: Months = None
    is_active: Flag = True


class CourseIn(CourseChange):
    title: Annotated[str, text(120)] = Field(..., min_length=1, max_length=120)
    category: Annotated[str, choice(Course.Category), enum_schema(Course.Category, query=False)] = Field(...)
    provider: Id = Field(..., description="The providing organization's id (one you manage).")
    hours: Decimal = Field(..., gt=0, le=999, max_digits=4, decimal_places=1)


class QualificationOut(Schema):
    id: int
    volunteer_id: int
    volunteer_number: str
    volunteer_name: str
    type_id: int
    type_name: str
    issued_on: dt.date
    expires_on: dt.date | None
    source: str
    course_id: int | None
    source_label: str
    certificate_no: str
    revoked_at: dt.datetime | None
    revoke_reason: str

    @staticmethod
    def resolve_volunteer_number(obj) -> str:
        return obj.volunteer.volunteer_number

    @staticmethod
    def resolve_volunteer_name(obj) -> str:
        return obj.volunteer.real_name

    @staticmethod
    def resolve_type_name(obj) -> str:
        return obj.type.name


class QualificationState(models.TextChoices):
    VALID = "valid", "valid"
    EXPIRED = "expired", "expired"
    REVOKED = "revoked", "revoked"


class QualificationFilter(Schema):
    type: QueryId = Field(None, description="A qualification type's id.")
    state: Annotated[str | None, choice(QualificationState), enum_schema(QualificationState)] = Field(
        None, description="valid, expired or revoked; empty: all."
    )
    q: ShortText = Field("", description="Part of the name, the volunteer number or the certificate number.")


class QualificationRecordIn(Schema):
    """A multipart form: numbers arrive as text."""

    volunteer_number: Annotated[str, text(32)] = Field(..., max_length=32)
    type: Annotated[int, whole_number(1, query=True), number_schema(1)]
    certificate_no: Annotated[str, text(64)] = Field(..., max_length=64)
    issuer: Annotated[str, text(120)] = Field(..., max_length=120)
    issued_on: dt.date
    expires_on: dt.date | None = None


class RevokeIn(Schema):
    reason: Annotated[str, text(200)] = Field(..., min_length=1, max_length=200)


class TrainingPolicyOut(Schema):
    count_hours: bool


def _required_flag(value: Any) -> bool:
    """true or false, nothing else (null is not an answer to a yes-or-no setting)."""
    if isinstance(value, bool):
        return value
    raise PydanticCustomError("bool_type", str(_("Answer true or false.")))


class PolicyIn(Schema):
    count_hours: Annotated[bool, BeforeValidator(_required_flag), WithJsonSchema({"type": "boolean"})] = (
        Field(..., description="true: training time also counts as (non-credit) volunteer hours.")
    )
