"""API schemas of volunteers: registration, profiles (ID and phone always masked) and /me."""

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from huiguang.core.api import (
    Flag,
    Password,
    Phone,
    QueryId,
    RegionCode,
    ShortText,
    choice,
    code_list,
    enum_schema,
    text,
)
from huiguang.core.masking import mask_phone
from huiguang.network.schemas import GrantOut, OwnMembershipOut, RegionRef

from .models import Volunteer


def _email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise PydanticCustomError("email", _("Enter a valid e-mail address, or leave it empty."))
    return value


class RegistrationIn(Schema):
    """Every rule is checked by the registration service, which answers every field at once."""

    phone: Phone = Field("", description="Mainland mobile number; it becomes the login.")
    password: Password = Field(
        "", description="At least 8 characters, not only digits, not a common password."
    )
    real_name: ShortText = Field("", description="As on the ID card.")
    id_number: Annotated[str, text(32), Field(max_length=32)] = Field(
        "", description="18-character resident ID number (GB 11643)."
    )
    region_code: RegionCode = Field("", description="Code of the region of residence (see GET /regions).")
    consent: Flag = Field(False, description="Agreement to the privacy policy; must be true.")
    political_status: Annotated[str, text(16), Field(max_length=16)] = Field(
        Volunteer.Political.MASSES, description=", ".join(Volunteer.Political.values)
    )
    is_student: Flag = False
    school: Annotated[str, text(120), Field(max_length=120)] = ""
    occupation: ShortText = ""
    skills: Annotated[list[str], code_list(30, 32)] = Field(default_factory=list, description="Skill codes.")
    is_new_resident: Flag = Field(False, description="新居民: a resident who moved here from elsewhere.")
    guardian_phone: Phone = Field(
        "",
        description="Under 14: the mobile number of a parent or guardian, a registered adult volunteer.",
    )
    email: Annotated[str, text(254), AfterValidator(_email), Field(max_length=254)] = ""


class VolunteerOut(Schema):
    """A volunteer as the API shows them to anyone: never the full ID number, never the full phone,
    never the birth date."""

    id: int
    volunteer_number: str = Field(..., description="志愿者编号: city code + year + sequence.")
    real_name: str
    id_type: str
    id_number: str = Field(..., description="Masked, e.g. 330482********1234.")
    phone: str = Field(..., description="Masked, e.g. 139****0001.")
    gender: str
    gender_display: str
    residence: RegionRef
    political_status: str
    is_student: bool
    school: str
    occupation: str
    is_new_resident: bool
    skills: list[str] = Field(..., description="Skill codes.")
    status: str
    status_display: str
    registered_at: datetime

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_masked

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.user.phone)

    @staticmethod
    def resolve_gender_display(obj) -> str:
        return obj.get_gender_display()

    @staticmethod
    def resolve_residence(obj) -> Any:
        return obj.residence_region

    @staticmethod
    def resolve_skills(obj) -> list[str]:
        return [s.code for s in obj.skills.all()]

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()


class VolunteerFilter(Schema):
    region: RegionCode = Field(
        "", description="Region code: residents of this region and every region below it."
    )
    organization: QueryId = Field(
        None, description="Organization id: its members and applicants (open memberships)."
    )
    q: ShortText = Field("", description="Part of the real name, or the start of the volunteer number.")
    status: Annotated[str | None, choice(Volunteer.Status), enum_schema(Volunteer.Status)] = None


class UserOut(Schema):
    id: int
    phone: str = Field(..., description="Your own login number.")
    display_name: str
    email: str
    date_joined: datetime


class MeOut(Schema):
    user: UserOut
    roles: list[GrantOut] = Field(..., description="Your role grants, with their scope.")
    volunteer: VolunteerOut | None = Field(
        ..., description="Your volunteer profile, if you registered as one."
    )
    memberships: list[OwnMembershipOut]
