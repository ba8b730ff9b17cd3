"""API v1, hours: my records and hours, disputes, make-up requests (补录) for organizers.

Objects outside the caller's reach answer 404 (never 403). Refusals answer 409 with
`{"detail", "reason"}` (reasons: TOO_LATE, IN_FUTURE, NOT_MEMBER, SAME_PERSON, DECIDED,
NOT_DISPUTABLE, ALREADY_OPEN); wrong fields 422.
"""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from huiguang.activities.selectors.console import activity_get_for
from huiguang.core.api import (
    ERRORS,
    ObjectId,
    Pagination,
    RefusedOut,
    choice,
    enum_schema,
    number_schema,
    text,
    whole_number,
)
from huiguang.core.errors import FieldErrors
from huiguang.core.formatting import hours_from_minutes
from huiguang.network.selectors import organization_get_for, volunteer_of
from huiguang.volunteers.selectors import volunteer_get_for

from ..models import MakeupRequest, ServiceRecord
from ..selectors.corrections import makeup_get_for, makeup_list_for
from ..selectors.hours import hours_summary
from ..selectors.records import own_record_get, volunteer_records
from ..services import corrections

router = Router(tags=["ledger"])

REFUSALS = {**ERRORS, 409: RefusedOut}
Reason500 = Annotated[str, text(500), Field(max_length=500)]
Note300 = Annotated[str, text(300), Field(max_length=300)]
Minutes = Annotated[
    int | None, whole_number(0, 24 * 60, optional=True), number_schema(0, 24 * 60, nullable=True)
]


def _own_volunteer(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


# --- schemas ---------------------------------------------------------------------------------------------


class OwnRecordOut(Schema):
    id: int
    service_date: date
    started_at: datetime | None
    ended_at: datetime | None
    minutes: int = Field(..., description="Negative for a reversal.")
    hours: float = Field(..., description="minutes / 60, to one decimal (half up).")
    kind: str = Field(..., description="service, makeup, correction, reversal or import.")
    source: str
    is_credit: bool = Field(..., description="信用时数: verified by attendance; else honour hours.")
    status: str = Field(..., description="pending, confirmed or rejected.")
    reversed: bool = Field(..., description="A later reversal cancels this record.")
    disputed: bool = Field(..., description="An open dispute is waiting for the organization's answer.")
    organization_id: int
    organization_name: str
    activity_id: int | None
    activity_name: str
    place: str
    recipients: str
    content: str
    evaluation: str
    rating: int | None
    responsible_person: str
    recorder: str
    reverses_id: int | None
    dispute_id: int | None

    @staticmethod
    def resolve_hours(obj) -> float:
        return float(hours_from_minutes(obj.minutes))

    @staticmethod
    def resolve_reversed(obj) -> bool:
        return bool(obj.is_reversed)

    @staticmethod
    def resolve_disputed(obj) -> bool:
        return bool(obj.has_open_dispute)

    @staticmethod
    def resolve_organization_name(obj) -> str:
        return obj.organization.name


class HoursOut(Schema):
    credit_minutes: int
    honor_minutes: int
    total_minutes: int
    star: int
    next_star: int | None
    next_star_minutes: int | None
    minutes_to_next_star: int
    progress_percent: int
    credit_hours: float
    honor_hours: float
    total_hours: float


class RecordFilter(Schema):
    status: Annotated[str | None, choice(ServiceRecord.Status), enum_schema(ServiceRecord.Status)] = Field(
        None, description="Only records in this status."
    )


class DisputeIn(Schema):
    reason: Reason500 = Field(..., description="What is wrong with the record.")
    claimed_minutes: Minutes = Field(None, description="The minutes the volunteer says they served.")


class DisputeOut(Schema):
    id: int
    record_id: int
    status: str
    reason: str
    claimed_minutes: int | None
    detail: str = ""


class MakeupIn(Schema):
    volunteer_id: Annotated[int, whole_number(1), number_schema(1)]
    organization_id: ObjectId = Field(None, description="Required unless activity_id is given.")
    activity_id: ObjectId = Field(None, description="The activity served (its organization is used).")
    started_at: datetime
    ended_at: datetime
    reason: Reason500


class MakeupOut(Schema):
    id: int
    volunteer_id: int
    volunteer_name: str
    organization_id: int
    activity_id: int | None
    service_date: date
    started_at: datetime
    ended_at: datetime
    reason: str
    status: str
    requested_by_id: int
    decided_by_id: int | None
    decision_note: str
    record_id: int | None

    @staticmethod
    def resolve_volunteer_name(obj) -> str:
        return obj.volunteer.real_name


class MakeupFilter(Schema):
    status: Annotated[str | None, choice(MakeupRequest.Status), enum_schema(MakeupRequest.Status)] = Field(
        None, description="Only requests in this status."
    )


class DecisionIn(Schema):
    note: Note300 = Field("", description="Why (required to reject).")


# --- the volunteer ---------------------------------------------------------------------------------------


@router.get("/me/hours", response={200: HoursOut, **ERRORS}, summary="My hours and star")
def my_hours(request):
    summary = hours_summary(_own_volunteer(request))
    hours = {
        f"{k}_hours": float(hours_from_minutes(summary[f"{k}_minutes"])) for k in ("credit", "honor", "total")
    }
    return {**summary, **hours}


@router.get(
    "/me/records",
    response={200: list[OwnRecordOut], **ERRORS},
    summary="My service records",
    description="Every row of your ledger, newest first: pending, confirmed (reversed or not), rejected.",
)
@paginate(Pagination)
def my_records(request, filters: Query[RecordFilter]):
    qs = volunteer_records(_own_volunteer(request))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


@router.post(
    "/records/{record_id}/disputes",
    response={201: DisputeOut, **REFUSALS},
    summary="Dispute one of my records",
    description="One open dispute per record; only a confirmed, not yet reversed record. Someone else's "
    "record answers 404.",
)
def dispute_create(request, record_id: int, payload: DisputeIn):
    record = own_record_get(request.user, record_id)
    dispute = corrections.dispute_open(
        volunteer=_own_volunteer(request),
        record=record,
        reason=payload.reason,
        claimed_minutes=payload.claimed_minutes,
        request=request,
    )
    return Status(
        201,
        {
            "id": dispute.pk,
            "record_id": record.pk,
            "status": dispute.status,
            "reason": dispute.reason,
            "claimed_minutes": dispute.claimed_minutes,
            "detail": _("Your dispute was sent to the organization."),
        },
    )


# --- organizers: make-up requests ------------------------------------------------------------------------


@router.get(
    "/makeup-requests",
    response={200: list[MakeupOut], **ERRORS},
    summary="Make-up requests of my organizations",
)
@paginate(Pagination)
def makeup_list(request, filters: Query[MakeupFilter]):
    qs = makeup_list_for(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


@router.post(
    "/makeup-requests",
    response={201: MakeupOut, **REFUSALS},
    summary="Request make-up hours (补录)",
    description="For an active member of the organization, within HUIGUANG_MAKEUP_LIMIT_DAYS after the "
    "service date; a second administrator approves. Never credit hours.",
)
def makeup_create(request, payload: MakeupIn):
    volunteer = volunteer_get_for(request.user, payload.volunteer_id)
    activity = activity_get_for(request.user, payload.activity_id) if payload.activity_id else None
    if activity is not None:
        organization = activity.organization
    elif payload.organization_id:
        organization = organization_get_for(request.user, payload.organization_id)
    else:
        raise FieldErrors({"organization_id": [_("Give the organization or the activity.")]})
    try:
        makeup = corrections.makeup_request_create(
            actor=request.user,
            volunteer=volunteer,
            organization=organization,
            activity=activity,
            started_at=payload.started_at,
            ended_at=payload.ended_at,
            reason=payload.reason,
            request=request,
        )
    except PermissionDenied:
        raise Http404 from None
    return Status(201, makeup)


@router.post(
    "/makeup-requests/{makeup_id}/approve",
    response={200: MakeupOut, **REFUSALS},
    summary="Approve a make-up request",
    description="By an administrator of the organization other than the requester (409 SAME_PERSON).",
)
def makeup_approve(request, makeup_id: int):
    try:
        return corrections.makeup_request_approve(
            actor=request.user, makeup=makeup_get_for(request.user, makeup_id), request=request
        )
    except PermissionDenied:
        raise Http404 from None


@router.post(
    "/makeup-requests/{makeup_id}/reject",
    response={200: MakeupOut, **REFUSALS},
    summary="Reject a make-up request",
)
def makeup_reject(request, makeup_id: int, payload: DecisionIn):
    try:
        return corrections.makeup_request_reject(
            actor=request.user,
            makeup=makeup_get_for(request.user, makeup_id),
            note=payload.note,
            request=request,
        )
    except PermissionDenied:
        raise Http404 from None
