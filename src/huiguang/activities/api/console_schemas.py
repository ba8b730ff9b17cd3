"""The console API's field types (Chinese messages before pydantic's English ones) and schemas."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from huiguang.core.api import (
    Flag,
    QueryDate,
    QueryId,
    ShortText,
    choice,
    code_list,
    enum_schema,
    number_schema,
    text,
    whole_number,
)
from huiguang.volunteers.models import Volunteer

from ..models import Activity

# --- field types ---------------------------------------------------------------------------------------


def _moment(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise PydanticCustomError(
                "datetime_type", _("Enter a date and time such as 2026-05-09T08:30:00+08:00.")
            ) from None
    else:
        raise PydanticCustomError(
            "datetime_type", _("Enter a date and time such as 2026-05-09T08:30:00+08:00.")
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _day(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PydanticCustomError("date_type", _("Enter a date such as 2026-05-09.")) from None


def _degrees(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", _("Enter the coordinates as decimal degrees."))
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise PydanticCustomError("decimal_type", _("Enter the coordinates as decimal degrees.")) from None


Moment = Annotated[
    dt.datetime | None, BeforeValidator(_moment), WithJsonSchema({"type": "string", "format": "date-time"})
]
Day = Annotated[dt.date | None, BeforeValidator(_day), WithJsonSchema({"type": "string", "format": "date"})]
Degrees = Annotated[Decimal | None, BeforeValidator(_degrees), WithJsonSchema({"type": "number"})]
Count = Annotated[
    int | None, whole_number(0, 10_000_000, optional=True), number_schema(0, 10_000_000, nullable=True)
]
Age = Annotated[int | None, whole_number(0, 120, optional=True), number_schema(0, 120, nullable=True)]
Places = Annotated[int, whole_number(1, 10000), number_schema(1, 10000)]
WaitPlaces = Annotated[int, whole_number(0, 10000), number_schema(0, 10000)]
Title = Annotated[str, text(120), Field(max_length=120)]
LongText = Annotated[str, text(10000), Field(max_length=10000)]
Reason = Annotated[str, text(200), Field(max_length=200)]
Codes = Annotated[list[str], code_list(50, 32)]

# --- schemas ---------------------------------------------------------------------------------------------


class ConsoleRef(Schema):
    id: int
    code: str
    name: str


class ConsoleCodeRef(Schema):
    code: str
    name: str


class ConsoleShiftOut(Schema):
    id: int
    name: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    waitlist_size: int
    taken: int
    waitlisted: int
    required_qualifications: list[str] = Field(
        ..., description="Qualification type codes this position needs, on top of the activity's."
    )

    @staticmethod
    def resolve_required_qualifications(obj) -> list[str]:
        return [q.code for q in obj.required_qualifications.all()]


class ConsoleOutputItem(Schema):
    name: Annotated[str, text(40), Field(max_length=40)]
    count: Annotated[int, whole_number(0, 10_000_000), number_schema(0, 10_000_000)]


class ConsoleActivityOut(Schema):
    id: int
    title: str
    status: str
    status_display: str
    status_reason: str
    organization: ConsoleRef
    category: ConsoleCodeRef
    description: str
    region: ConsoleCodeRef
    site_id: int | None
    address: str
    lat: Decimal | None
    lng: Decimal | None
    checkin_radius_m: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    recruit_opens_at: dt.datetime | None
    recruit_closes_at: dt.datetime | None
    cancel_cutoff_hours: int
    visibility: str
    signup_mode: str
    min_age: int | None
    max_age: int | None
    required_skills: list[str] = Field(..., description="Skill codes.")
    required_qualifications: list[str] = Field(
        ..., description="Qualification type codes every volunteer must hold, valid until the shift ends."
    )
    course_id: int | None = Field(
        ..., description="The course this activity is a session of (a training session), if any."
    )
    members_only: bool
    political_status: str
    agreement_required: bool
    agreement_text: str
    insurance_required: bool
    insurance_note: str
    series_id: int | None
    series_detached: bool
    people_served: int | None
    outcome_summary: str
    outputs: list[ConsoleOutputItem]
    shift_count: int
    capacity_total: int
    taken_total: int
    waitlisted_total: int
    applied_total: int = Field(..., description="Sign-ups waiting for the organizer's approval.")
    cover_url: str | None
    reviewed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_cover_url(obj) -> str | None:
        return obj.cover.url if obj.cover else None

    @staticmethod
    def resolve_status_display(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_required_skills(obj) -> list[str]:
        return [s.code for s in obj.required_skills.all()]

    @staticmethod
    def resolve_required_qualifications(obj) -> list[str]:
        return [q.code for q in obj.required_qualifications.all()]


class ConsoleActivityDetailOut(ConsoleActivityOut):
    shifts: list[ConsoleShiftOut]

    @staticmethod
    def resolve_shifts(obj) -> list:
        return list(obj.shifts.all())


ACTIVITY_FIELD_DOCS = {
    "category": "A service category code.",
    "region": "A region code; empty: the site's region, else the organization's.",
    "site": "A service site id: fills the address, coordinates and region left empty.",
    "course": "A course id (GET /courses): the activity becomes a session of this offered course, whose "
    "trainer marks pass or fail; null: not a training session.",
    "required_qualifications": "Qualification type codes (GET /qualification-types) every volunteer "
    "must hold, valid until the shift ends.",
}
QUALIFICATIONS_DOC = (
    "Qualification type codes (GET /qualification-types) this position needs on top of the activity's "
    "requirements."
)


class ConsoleActivityChange(Schema):
    """The fields of an activity (all optional when editing: only those sent change)."""

    title: Title = ""
    category: ShortText = Field("", description=ACTIVITY_FIELD_DOCS["category"])
    description: LongText = ""
    region: Annotated[str, text(15)] = Field("", description=ACTIVITY_FIELD_DOCS["region"])
    site: Annotated[int | None, whole_number(1, optional=True), number_schema(1, nullable=True)] = Field(
        None, description=ACTIVITY_FIELD_DOCS["site"]
    )
    address: Annotated[str, text(200)] = ""
    lat: Degrees = None
    lng: Degrees = None
    checkin_radius_m: Annotated[int, whole_number(20, 5000), number_schema(20, 5000)] = 300
    starts_at: Moment = None
    ends_at: Moment = None
    recruit_opens_at: Moment = None
    recruit_closes_at: Moment = None
    cancel_cutoff_hours: Annotated[int, whole_number(0, 720), number_schema(0, 720)] = 24
    visibility: Annotated[
        str | None, choice(Activity.Visibility), enum_schema(Activity.Visibility, query=False)
    ] = None
    signup_mode: Annotated[
        str | None, choice(Activity.SignupMode), enum_schema(Activity.SignupMode, query=False)
    ] = None
    min_age: Age = None
    max_age: Age = None
    required_skills: Codes = Field([], description="Skill codes.")
    required_qualifications: Codes = Field([], description=ACTIVITY_FIELD_DOCS["required_qualifications"])
    course: Annotated[int | None, whole_number(1, optional=True), number_schema(1, nullable=True)] = Field(
        None, description=ACTIVITY_FIELD_DOCS["course"]
    )
    members_only: Flag = False
    political_status: Annotated[
        str | None, choice(Volunteer.Political), enum_schema(Volunteer.Political, query=False)
    ] = None
    agreement_required: Flag = False
    agreement_text: Annotated[str, text(5000)] = ""
    insurance_required: Flag = False
    insurance_note: Annotated[str, text(200)] = ""


class ConsoleActivityIn(ConsoleActivityChange):
    organization: Annotated[int, whole_number(1), number_schema(1)] = Field(
        ..., description="The organization's id."
    )


class ConsoleReviewIn(Schema):
    approve: Flag = Field(..., description="true: publish; false: return for changes (needs a reason).")
    reason: Reason = ""


class ConsoleReasonIn(Schema):
    reason: Reason = Field("", description="Required for a published activity: its volunteers read it.")


class ConsoleCancelOut(Schema):
    activity: ConsoleActivityOut
    cancelled_enrollments: int


class ConsoleFinishIn(Schema):
    people_served: Count = None
    outcome_summary: LongText = ""
    outputs: list[ConsoleOutputItem] = Field([], description='Such as [{"name": "爱心包", "count": 200}].')


class ConsoleShiftIn(Schema):
    name: Annotated[str, text(80), Field(max_length=80)]
    description: Annotated[str, text(200)] = ""
    starts_at: Moment
    ends_at: Moment
    capacity: Places
    waitlist_size: WaitPlaces = 0
    required_qualifications: Codes = Field([], description=QUALIFICATIONS_DOC)


class ConsoleShiftChange(Schema):
    name: Annotated[str, text(80), Field(max_length=80)] = ""
    description: Annotated[str, text(200)] = ""
    starts_at: Moment = None
    ends_at: Moment = None
    capacity: Places = 1
    waitlist_size: WaitPlaces = 0
    required_qualifications: Codes = Field([], description=QUALIFICATIONS_DOC)


class ConsoleGridPosition(Schema):
    name: Annotated[str, text(80), Field(max_length=80)]
    capacity: Annotated[
        int | None, whole_number(1, 10000, optional=True), number_schema(1, 10000, nullable=True)
    ] = Field(None, description="Places of this position's shifts; empty: the grid's `capacity`.")


class ConsoleGridIn(Schema):
    positions: list[ConsoleGridPosition] = Field(..., description="Such as 量血压, 理发, 磨刀.")
    slots: list[Annotated[str, text(20)]] = Field(..., description='Time slots such as "08:30-10:00".')
    on: Day = Field(None, description="The day; default: the activity's first day.")
    capacity: Places = 1
    waitlist_size: WaitPlaces = 0


class ConsoleActivityFilter(Schema):
    status: Annotated[str | None, choice(Activity.Status), enum_schema(Activity.Status)] = None
    organization: QueryId = Field(None, description="An organization id.")
    date_from: QueryDate = Field(None, description="Activities taking place on or after this day.")
    date_to: QueryDate = Field(None, description="Activities taking place on or before this day.")
    q: ShortText = Field("", description="Part of the title or the address.")
