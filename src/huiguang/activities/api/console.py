"""API v1, the organizers' console: list, create, edit, submit, review, cancel and finish
activities, and add shifts (one, or a grid of positions × time slots). Session or bearer token.

Scope (DESIGN §6): an activity outside the caller's console scope answers 404. Inside it, an
operation the caller may not perform answers 403 (a leader cancelling a published activity, an
auditor changing anything). The rules are those of the web console (services/lifecycle.py).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from huiguang.core.api import (
    ERRORS,
    Flag,
    Pagination,
    RefusedOut,
    ShortText,
    choice,
    code_list,
    enum_schema,
    text,
    whole_number,
)
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Region, Site
from huiguang.volunteers.models import Skill, Volunteer

from .. import permissions as perms
from ..models import Activity, Category, Shift
from ..selectors import console as sel
from ..services import lifecycle

router = Router(tags=["activities console"])
WRITE_ERRORS = {**ERRORS, 409: RefusedOut}

# --- field types (Chinese messages before pydantic's English ones) -------------------------------------


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
Count = Annotated[int | None, whole_number(0, 10_000_000, optional=True), WithJsonSchema({"type": "integer"})]
Age = Annotated[int | None, whole_number(0, 120, optional=True), WithJsonSchema({"type": "integer"})]
Places = Annotated[int, whole_number(1, 10000), WithJsonSchema({"type": "integer", "minimum": 1})]
WaitPlaces = Annotated[int, whole_number(0, 10000), WithJsonSchema({"type": "integer", "minimum": 0})]
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


class ConsoleOutputItem(Schema):
    name: Annotated[str, text(40), Field(max_length=40)]
    count: Annotated[int, whole_number(0, 10_000_000), WithJsonSchema({"type": "integer", "minimum": 0})]


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


class ConsoleActivityDetailOut(ConsoleActivityOut):
    shifts: list[ConsoleShiftOut]

    @staticmethod
    def resolve_shifts(obj) -> list:
        return list(obj.shifts.all())


ACTIVITY_FIELD_DOCS = {
    "category": "A service category code.",
    "region": "A region code; empty: the site's region, else the organization's.",
    "site": "A service site id: fills the address, coordinates and region left empty.",
}


class ConsoleActivityChange(Schema):
    """The fields of an activity (all optional when editing: only those sent change)."""

    title: Title = ""
    category: ShortText = Field("", description=ACTIVITY_FIELD_DOCS["category"])
    description: LongText = ""
    region: Annotated[str, text(15)] = Field("", description=ACTIVITY_FIELD_DOCS["region"])
    site: Annotated[int | None, whole_number(1, optional=True)] = Field(
        None, description=ACTIVITY_FIELD_DOCS["site"]
    )
    address: Annotated[str, text(200)] = ""
    lat: Degrees = None
    lng: Degrees = None
    checkin_radius_m: Annotated[int, whole_number(20, 5000)] = 300
    starts_at: Moment = None
    ends_at: Moment = None
    recruit_opens_at: Moment = None
    recruit_closes_at: Moment = None
    cancel_cutoff_hours: Annotated[int, whole_number(0, 720)] = 24
    visibility: Annotated[str | None, choice(Activity.Visibility), enum_schema(Activity.Visibility)] = None
    signup_mode: Annotated[str | None, choice(Activity.SignupMode), enum_schema(Activity.SignupMode)] = None
    min_age: Age = None
    max_age: Age = None
    required_skills: Codes = Field([], description="Skill codes.")
    members_only: Flag = False
    political_status: Annotated[str | None, choice(Volunteer.Political), enum_schema(Volunteer.Political)] = (
        None
    )
    agreement_required: Flag = False
    agreement_text: Annotated[str, text(5000)] = ""
    insurance_required: Flag = False
    insurance_note: Annotated[str, text(200)] = ""


class ConsoleActivityIn(ConsoleActivityChange):
    organization: Annotated[int, whole_number(1)] = Field(..., description="The organization's id.")


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


class ConsoleShiftChange(Schema):
    name: Annotated[str, text(80), Field(max_length=80)] = ""
    description: Annotated[str, text(200)] = ""
    starts_at: Moment = None
    ends_at: Moment = None
    capacity: Places = 1
    waitlist_size: WaitPlaces = 0


class ConsoleGridPosition(Schema):
    name: Annotated[str, text(80), Field(max_length=80)]
    capacity: Annotated[int | None, whole_number(1, 10000, optional=True)] = Field(
        None, description="Places of this position's shifts; empty: the grid's `capacity`."
    )


class ConsoleGridIn(Schema):
    positions: list[ConsoleGridPosition] = Field(..., description="Such as 量血压, 理发, 磨刀.")
    slots: list[Annotated[str, text(20)]] = Field(..., description='Time slots such as "08:30-10:00".')
    on: Day = Field(None, description="The day; default: the activity's first day.")
    capacity: Places = 1
    waitlist_size: WaitPlaces = 0


class ConsoleActivityFilter(Schema):
    status: Annotated[str | None, choice(Activity.Status), enum_schema(Activity.Status)] = None
    organization: Annotated[int | None, whole_number(1, optional=True)] = Field(
        None, description="An organization id."
    )
    date_from: Day = Field(None, description="Activities taking place on or after this day.")
    date_to: Day = Field(None, description="Activities taking place on or before this day.")
    q: ShortText = Field("", description="Part of the title or the address.")


# --- helpers ---------------------------------------------------------------------------------------------


def _detail(user, pk: int) -> Activity:
    activity = (
        sel.activity_rows_for(user)
        .prefetch_related(
            "required_skills", Prefetch("shifts", queryset=Shift.objects.order_by("starts_at", "name", "pk"))
        )
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def _references(payload: dict) -> dict:
    """Codes and ids in the payload → objects; unknown ones → 422 on their field."""
    errors: dict[str, list[str]] = {}
    out = dict(payload)
    if "category" in out:
        code = out.pop("category")
        out["category"] = Category.objects.filter(code=code).first() if code else None
        if code and out["category"] is None:
            errors["category"] = [_("No service category has the code %(code)s.") % {"code": code}]
    if "region" in out:
        code = out.pop("region")
        out["region"] = Region.objects.filter(code=code.strip()).first() if code else None
        if code and out["region"] is None:
            errors["region"] = [_("No region has the code %(code)s.") % {"code": code}]
    if "site" in out:
        site_id = out.pop("site")
        out["site"] = Site.objects.select_related("region").filter(pk=site_id).first() if site_id else None
        if site_id and out["site"] is None:
            errors["site"] = [_("No service site has the id %(id)s.") % {"id": site_id}]
    if "required_skills" in out:
        codes = out.pop("required_skills")
        skills = list(Skill.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {s.code for s in skills})
        if missing:
            errors["required_skills"] = [_("Unknown skill codes: %(codes)s.") % {"codes": ", ".join(missing)}]
        out["required_skills"] = skills
    for name in ("visibility", "signup_mode", "political_status"):
        if name in out and out[name] is None:
            out[name] = ""
    if errors:
        raise FieldErrors(errors)
    return out


def _readable(user, pk: int) -> Activity:
    return sel.activity_get_for(user, pk)


# --- endpoints ------------------------------------------------------------------------------------------


@router.get(
    "/console/activities",
    response={200: list[ConsoleActivityOut], **ERRORS},
    summary="List the activities I organize or oversee",
    description="Activities of the organizations in your console scope (city-wide roles: all; region admins: "
    "the region's organizations; organization admins: their subtree; team leaders: their team), upcoming "
    "first, with their places and the sign-ups waiting for approval. Others get an empty list.",
)
@paginate(Pagination)
def activity_list(request, filters: Query[ConsoleActivityFilter]):
    return sel.activity_rows_for(
        request.user,
        status=filters.status or "",
        organization=str(filters.organization or ""),
        date_from=filters.date_from.isoformat() if filters.date_from else "",
        date_to=filters.date_to.isoformat() if filters.date_to else "",
        q=filters.q.strip(),
    ).prefetch_related("required_skills")


@router.get(
    "/console/review-queue",
    response={200: list[ConsoleActivityOut], **ERRORS},
    summary="Activities waiting for my review",
    description="Pending activities you may approve: of organizations whose parent you administer, in a "
    "region you administer, or anywhere for city admins.",
)
@paginate(Pagination)
def review_queue(request):
    return sel.review_queue_for(request.user).prefetch_related("required_skills")


@router.get(
    "/console/activities/{int:activity_id}",
    response={200: ConsoleActivityDetailOut, **ERRORS},
    summary="One activity with its shifts",
    description="Outside your scope: 404.",
)
def activity_detail(request, activity_id: int):
    return _detail(request.user, activity_id)


@router.post(
    "/console/activities",
    response={201: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Create an activity (a draft)",
    description="A draft of an organization you organize for (admins of it or above, its region's admins, "
    "the city admin, its team leaders). Add shifts, then submit it. Times are ISO 8601; without an offset "
    "they are Beijing time.",
)
def activity_create(request, payload: ConsoleActivityIn):
    data = _references(payload.dict())
    org = sel.organizations_for_new_activities(request.user).filter(pk=data.pop("organization")).first()
    if org is None:
        raise FieldErrors({"organization": [_("Choose an organization you organize activities for.")]})
    for name in ("visibility", "signup_mode"):
        if not data.get(name):
            data.pop(name)
    activity = lifecycle.activity_create(actor=request.user, organization=org, request=request, **data)
    return Status(201, _detail(request.user, activity.pk))


@router.patch(
    "/console/activities/{int:activity_id}",
    response={200: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Edit an activity",
    description="Only the fields sent change. Editors change drafts, pending and returned activities "
    "(a returned one goes back to draft); admins also published ones, whose volunteers are told when the "
    "time or place changes. Moving the start moves the shifts with it. Editing one date of a series "
    "detaches it.",
)
def activity_update(request, activity_id: int, payload: ConsoleActivityChange):
    activity = _readable(request.user, activity_id)
    if not perms.may_edit(request.user, activity):
        raise PermissionDenied
    data = _references(payload.dict(exclude_unset=True))
    skills = data.pop("required_skills", None)
    lifecycle.activity_update(
        actor=request.user, activity=activity, required_skills=skills, request=request, **data
    )
    return _detail(request.user, activity.pk)


@router.post(
    "/console/activities/{int:activity_id}/submit",
    response={200: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Submit an activity for review",
    description="A draft with at least one shift goes to review (status `pending`) — or is published at once "
    "when the organization publishes without review or you may review it yourself. 409 with a `reason`: "
    "no_shifts, started, wrong_status.",
)
def activity_submit(request, activity_id: int):
    activity = _readable(request.user, activity_id)
    lifecycle.activity_submit(actor=request.user, activity=activity, request=request)
    return _detail(request.user, activity.pk)


@router.post(
    "/console/activities/{int:activity_id}/review",
    response={200: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Approve or return a pending activity",
    description="Reviewers: admins of the parent organization or above, admins of a region holding the "
    "organization's region, city admins. Returning needs a reason; the organizer is notified either way.",
)
def activity_review(request, activity_id: int, payload: ConsoleReviewIn):
    activity = _readable(request.user, activity_id)
    lifecycle.activity_review(
        actor=request.user, activity=activity, approve=payload.approve, reason=payload.reason, request=request
    )
    return _detail(request.user, activity.pk)


@router.post(
    "/console/activities/{int:activity_id}/cancel",
    response={200: ConsoleCancelOut, **WRITE_ERRORS},
    summary="Cancel an activity",
    description="Admins cancel a published activity (with a reason: every enrolled volunteer loses the place "
    "and is told); editors may drop one that is not published yet.",
)
def activity_cancel(request, activity_id: int, payload: ConsoleReasonIn):
    activity = _readable(request.user, activity_id)
    n = lifecycle.activity_cancel(
        actor=request.user, activity=activity, reason=payload.reason, request=request
    )
    return {"activity": _detail(request.user, activity.pk), "cancelled_enrollments": n}


@router.post(
    "/console/activities/{int:activity_id}/finish",
    response={200: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Finish an activity with its outcome",
    description="Admins close a published activity once it has started, with the people served and the "
    "outputs (such as 爱心包 × 200).",
)
def activity_finish(request, activity_id: int, payload: ConsoleFinishIn):
    activity = _readable(request.user, activity_id)
    lifecycle.activity_finish(
        actor=request.user,
        activity=activity,
        people_served=payload.people_served,
        outcome_summary=payload.outcome_summary,
        outputs=[o.dict() for o in payload.outputs],
        request=request,
    )
    return _detail(request.user, activity.pk)


@router.post(
    "/console/activities/{int:activity_id}/shifts",
    response={201: ConsoleShiftOut, **WRITE_ERRORS},
    summary="Add a shift",
    description="A position in a time slot within the activity's time, with places and waitlist places.",
)
def shift_create(request, activity_id: int, payload: ConsoleShiftIn):
    activity = _readable(request.user, activity_id)
    shift = lifecycle.shift_create(actor=request.user, activity=activity, request=request, **payload.dict())
    return Status(201, shift)


@router.post(
    "/console/activities/{int:activity_id}/shifts/grid",
    response={201: list[ConsoleShiftOut], **WRITE_ERRORS},
    summary="Add shifts as a grid of positions × time slots",
    description="One shift per position and time slot on one day, e.g. positions 量血压, 理发, 磨刀 × slots "
    '"08:30-10:00", "10:00-11:30". Shifts that already exist are not added twice. All or nothing.',
)
def shift_grid(request, activity_id: int, payload: ConsoleGridIn):
    activity = _readable(request.user, activity_id)
    slots = lifecycle.parse_time_slots("\n".join(payload.slots))
    created = lifecycle.shifts_create_grid(
        actor=request.user,
        activity=activity,
        positions=[(p.name, p.capacity) for p in payload.positions],
        slots=slots,
        on=payload.on,
        capacity=payload.capacity,
        waitlist_size=payload.waitlist_size,
        request=request,
    )
    return Status(201, created)


@router.patch(
    "/console/shifts/{int:shift_id}",
    response={200: ConsoleShiftOut, **WRITE_ERRORS},
    summary="Edit a shift",
    description="Only the fields sent change. Places never drop below those taken (422 otherwise); more "
    "places promote volunteers from the waitlist.",
)
def shift_update(request, shift_id: int, payload: ConsoleShiftChange):
    shift = sel.shift_get_for(request.user, shift_id)
    return lifecycle.shift_update(
        actor=request.user, shift=shift, request=request, **payload.dict(exclude_unset=True)
    )
