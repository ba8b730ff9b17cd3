"""API v1, the care register and residents' satisfaction: the register (community workers, teams:
list, add, read — audited — end, plan visits, missed visits), volunteers' home visits (whom I
visit, log a visit at the address, a need found made a request) and the satisfaction figures.
Outside the caller's reach: 404; a refusal: 409 with a `reason` (`too_far`, `no_location`,
`wrong_status`, `made_already`, `nothing_found`, `no_phone`)."""

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from huiguang.activities.api.console_schemas import Degrees
from huiguang.activities.models import Category
from huiguang.core.api import (
    ERRORS,
    FieldErrorsOut,
    Pagination,
    Phone,
    RefusedOut,
    RegionCode,
    ShortText,
    choice,
    enum_schema,
    id_list,
    id_list_schema,
    number_schema,
    text,
    whole_number,
)
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Organization, Region
from huiguang.volunteers.models import Volunteer

from ..models import CareRecipient, Visit, VisitPlan
from ..selectors import care as selectors
from ..selectors import satisfaction as figures
from ..services import care as services
from .schemas import RequestOut

router = Router(tags=["needs: care register"])
R = CareRecipient
Id = Annotated[int, whole_number(1), number_schema(1)]
LongText = Annotated[str, text(2000), Field(max_length=2000)]
Address = Annotated[str, text(200), Field(max_length=200)]
IdNumber = Annotated[str, text(18), Field(max_length=18)]
Reason = Annotated[str, text(200), Field(max_length=200)]
CategoryCode = Annotated[str, text(32), Field(max_length=32)]
REFUSALS = {**ERRORS, 409: RefusedOut, 422: FieldErrorsOut}


class CareListFilter(Schema):
    status: Annotated[str | None, choice(R.Status), enum_schema(R.Status)] = None
    category: Annotated[str | None, choice(R.Category), enum_schema(R.Category)] = None
    q: Annotated[str, text(100), Field(max_length=100)] = ""


class CareRecipientListOut(Schema):
    id: int
    name: str
    category: str
    status: str
    region_code: str
    organization_id: int
    phone: str = Field(..., description="Masked in lists.")
    id_number: str = Field(..., description="Always masked.")

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone_masked

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_masked


class CarePlanOut(Schema):
    id: int
    frequency: str
    festival_dates: list[str]
    starts_on: dt.date
    ends_on: dt.date | None
    organization_id: int
    volunteers: list[int]

    @staticmethod
    def resolve_volunteers(obj) -> list[int]:
        return [v.pk for v in obj.volunteers.all()]


class CareRecipientOut(CareRecipientListOut):
    address: str
    lat: float | None
    lng: float | None
    needs: str
    volunteers: list[int]
    ended_on: dt.date | None
    end_reason: str
    plans: list[CarePlanOut]

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone

    @staticmethod
    def resolve_volunteers(obj) -> list[int]:
        return [v.pk for v in obj.volunteers.all()]

    @staticmethod
    def resolve_plans(obj) -> list:
        return list(obj.plans.all())


class CareRecipientIn(Schema):
    category: Annotated[str, choice(R.Category), enum_schema(R.Category, query=False)]
    name: ShortText
    id_number: IdNumber = ""
    phone: Phone = ""
    region_code: RegionCode = Field(..., description="The village or community.")
    address: Address
    lat: Degrees = None
    lng: Degrees = None
    needs: LongText = ""
    organization: Id = Field(..., description="The assigned team (organization id).")
    volunteers: Annotated[list[int], id_list(20), id_list_schema(20)] = Field(
        default_factory=list, description="Named volunteers: active members of the team."
    )


class CareEndIn(Schema):
    reason: Reason


class CarePlanIn(Schema):
    frequency: Annotated[str, choice(VisitPlan.Frequency), enum_schema(VisitPlan.Frequency, query=False)]
    festival_dates: list[dt.date] = Field(default_factory=list, max_length=24)
    starts_on: dt.date
    ends_on: dt.date | None = None
    volunteers: Annotated[list[int], id_list(20), id_list_schema(20)] = Field(default_factory=list)


class CareMissedOut(Schema):
    recipient: int
    name: str
    plan: int
    frequency: str
    start: dt.date
    end: dt.date


class CareVisitIn(Schema):
    recipient: Id
    lat: Degrees = None
    lng: Degrees = None
    notes: LongText
    needs_found: LongText = ""


class CareVisitOut(Schema):
    id: int
    recipient: int
    visited_at: dt.datetime
    distance_m: int | None
    notes: str
    needs_found: str
    request_number: str | None

    @staticmethod
    def resolve_recipient(obj) -> int:
        return obj.recipient_id

    @staticmethod
    def resolve_request_number(obj) -> str | None:
        return obj.request.number if obj.request_id else None


class CareVisitTargetOut(Schema):
    id: int
    name: str
    address: str
    lat: float | None
    lng: float | None
    last_visit: dt.datetime | None


class CareVisitRequestIn(Schema):
    category: CategoryCode = Field(..., description="A service category code (`GET /activities/categories`).")


class CareSatisfactionFilter(Schema):
    month: Annotated[str, text(7), Field(max_length=7, description="YYYY-MM; this month when empty.")] = ""
    by: Annotated[str | None, choice(figures.Grouping), enum_schema(figures.Grouping)] = None


class CareSatisfactionOut(Schema):
    id: int
    name: str
    ratings: int
    mean: float | None
    invited: int
    rated: int
    response_rate: float | None
    visits: int


# --- the register ----------------------------------------------------------------------------------------


@router.get(
    "/needs/care/recipients",
    response={200: list[CareRecipientListOut], **ERRORS},
    summary="The care register",
    description="The recipients the caller may read (the assigned team, named volunteers, the admins of the "
    "region subtree, the city admin); phone and ID number masked. An empty list for everyone else.",
)
@paginate(Pagination)
def recipient_list(request, filters: Query[CareListFilter]):
    return selectors.recipient_list_for(
        request.user, status=filters.status or "", category=filters.category or "", q=filters.q
    )


def _recipient_data(payload: CareRecipientIn) -> dict:
    data = payload.dict(exclude={"region_code", "organization", "volunteers"})
    data["region"] = Region.objects.filter(code=payload.region_code).first()
    data["organization"] = Organization.objects.filter(pk=payload.organization).first()
    data["volunteers"] = list(Volunteer.objects.filter(pk__in=payload.volunteers))
    if len(data["volunteers"]) != len(set(payload.volunteers)):
        data["volunteers"].append(Volunteer(pk=0))  # an unknown id: refused as "not a member"
    return data


@router.post(
    "/needs/care/recipients",
    response={201: CareRecipientOut, **REFUSALS},
    summary="Add a person to the care register",
    description="Community workers (region admins) and the city admin. ID number and phone are stored "
    "encrypted. 422 names every wrong field; nothing is stored.",
)
def recipient_create(request, payload: CareRecipientIn):
    recipient = services.care_recipient_create(
        actor=request.user, data=_recipient_data(payload), request=request
    )
    return Status(201, selectors.recipient_get_for(request.user, recipient.pk))


@router.get(
    "/needs/care/recipients/{int:pk}",
    response={200: CareRecipientOut, **ERRORS},
    summary="One person of the care register",
    description="With the phone in full (ID number masked): every call is written to the audit log.",
)
def recipient_detail(request, pk: int):
    recipient = selectors.recipient_get_for(request.user, pk)
    services.care_recipient_viewed(actor=request.user, recipient=recipient, request=request, via="api")
    return recipient


@router.post(
    "/needs/care/recipients/{int:pk}/end",
    response={200: CareRecipientListOut, **REFUSALS},
    summary="End the care",
    description="With a reason; the personal data is erased after the retention period.",
)
def recipient_end(request, pk: int, payload: CareEndIn):
    recipient = selectors.recipient_get_for(request.user, pk)
    return services.care_recipient_end(
        actor=request.user, recipient=recipient, reason=payload.reason, request=request
    )


@router.post(
    "/needs/care/recipients/{int:pk}/plans",
    response={201: CarePlanOut, **REFUSALS},
    summary="Plan visits",
    description="Weekly, monthly or on festival days (a list of dates), by the recipient's team.",
)
def plan_create(request, pk: int, payload: CarePlanIn):
    recipient = selectors.recipient_get_for(request.user, pk)
    data = payload.dict(exclude={"volunteers"})
    data["volunteers"] = list(Volunteer.objects.filter(pk__in=payload.volunteers))
    if len(data["volunteers"]) != len(set(payload.volunteers)):
        data["volunteers"].append(Volunteer(pk=0))
    return Status(
        201, services.visit_plan_create(actor=request.user, recipient=recipient, data=data, request=request)
    )


@router.get(
    "/needs/care/missed",
    response={200: list[CareMissedOut], **ERRORS},
    summary="Missed visits",
    description="The periods of the last year's visit plans that passed without a visit, newest first.",
)
@paginate(Pagination)
def missed(request):
    return [
        {
            "recipient": m.plan.recipient_id,
            "name": m.plan.recipient.name,
            "plan": m.plan.pk,
            "frequency": m.plan.frequency,
            "start": m.start,
            "end": m.end,
        }
        for m in selectors.missed_visits_for(request.user)
    ]


# --- volunteers' visits --------------------------------------------------------------------------------


@router.get(
    "/needs/visits/recipients",
    response={200: list[CareVisitTargetOut], **ERRORS},
    summary="Whom I visit",
    description="The recipients the caller is named on (or on one of their visit plans), least recently "
    "visited first.",
)
@paginate(Pagination)
def visit_targets(request):
    return selectors.my_recipients(request.user)


@router.get("/needs/visits", response={200: list[CareVisitOut], **ERRORS}, summary="My visits")
@paginate(Pagination)
def visit_list(request):
    return selectors.my_visits(request.user)


@router.post(
    "/needs/visits",
    response={201: CareVisitOut, **REFUSALS},
    summary="Log a visit",
    description="At the door: the phone's position must be within HUIGUANG_CARE_VISIT_RADIUS_M of the "
    "address (409 `too_far` says how far).",
)
def visit_create(request, payload: CareVisitIn):
    recipient = selectors.my_recipient_get(request.user, payload.recipient)
    visit = services.visit_log(
        actor=request.user,
        recipient=recipient,
        lat=payload.lat,
        lng=payload.lng,
        notes=payload.notes,
        needs_found=payload.needs_found,
        request=request,
    )
    return Status(201, visit)


@router.post(
    "/needs/visits/{int:pk}/request",
    response={201: RequestOut, **REFUSALS},
    summary="Make a need found a service request",
    description="Posts the visit's need for the recipient (their address and phone); the community "
    "reviews it.",
)
def visit_request(request, pk: int, payload: CareVisitRequestIn):
    visit: Visit = selectors.my_visit_get(request.user, pk)
    category = Category.objects.filter(code=payload.category).first()
    if category is None:
        raise FieldErrors({"category": [_("Choose what kind of help is needed.")]})
    return Status(
        201,
        services.visit_request_create(actor=request.user, visit=visit, category=category, request=request),
    )


# --- satisfaction -----------------------------------------------------------------------------------------


@router.get(
    "/needs/satisfaction",
    response={200: list[CareSatisfactionOut], **ERRORS},
    summary="Residents' satisfaction",
    description="Per team, community or category for a month: ratings, mean rating (1–5), rating links "
    "sent (closed requests), rated ones, response rate (%), home visits. Scoped like the console.",
)
def satisfaction(request, filters: Query[CareSatisfactionFilter]):
    if not figures.reads_satisfaction(request.user):
        raise Http404
    month = timezone.localdate().replace(day=1)
    if filters.month:
        try:
            month = dt.date.fromisoformat(filters.month + "-01")
        except ValueError:
            raise FieldErrors({"month": [_("Enter a month such as 2026-05.")]}) from None
    rows = figures.satisfaction_rows(request.user, month=month, by=filters.by or figures.BY_ORGANIZATION)
    return [
        {
            "id": row.key,
            "name": row.name,
            "ratings": row.counts.ratings,
            "mean": row.counts.mean,
            "invited": row.counts.invited,
            "rated": row.counts.rated,
            "response_rate": row.counts.response_rate,
            "visits": row.counts.visits,
        }
        for row in rows
    ]
