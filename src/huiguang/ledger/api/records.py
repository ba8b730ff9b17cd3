"""API v1, the ledger console: pending records, bulk confirmation, rejection, records for a period.

Confirming and rejecting are for the admins who manage the record's organization (admins of it
or an ancestor, region admins of its region subtree, city admins); anyone else gets 404, as on
the web. `GET /me/hours` lives in api/hours.py (my hours, part G).
"""

import datetime as dt
from typing import Annotated

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from huiguang.core.api import (
    ERRORS,
    Pagination,
    QueryDate,
    QueryId,
    RefusedOut,
    choice,
    enum_schema,
    id_list,
    id_list_schema,
    number_schema,
    text,
    whole_number,
)
from huiguang.ledger.models import ServiceRecord

from ..permissions import may_confirm_any
from ..selectors.records import managed_record_get_for, pending_list_for, records_for_period, records_list_for
from ..services.records import record_reject, records_confirm

router = Router(tags=["ledger"])
WRITE_ERRORS = {**ERRORS, 409: RefusedOut}


class ManagedRecordOut(Schema):
    id: int
    volunteer_number: str = Field(..., alias="volunteer.volunteer_number")
    volunteer_name: str = Field(..., alias="volunteer.real_name")
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    activity_id: int | None
    activity_name: str
    service_date: dt.date
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    minutes: int
    kind: str
    source: str
    is_credit: bool = Field(..., description="信用时数: attendance-verified hours.")
    status: str
    place: str
    recipients: str
    content: str
    evaluation: str
    rating: int | None
    responsible_person: str
    recorder: str
    note: str
    confirmed_at: dt.datetime | None
    chain_index: int | None
    hash: str


MAX_CONFIRM = 1000
Rating = Annotated[int | None, whole_number(1, 5, optional=True), number_schema(1, 5, nullable=True)]


class ConfirmIn(Schema):
    ids: Annotated[list[int], id_list(MAX_CONFIRM), id_list_schema(MAX_CONFIRM)] = Field(
        ..., description="Records to confirm (others' and non-pending ones are skipped)."
    )
    rating: Annotated[int | None, whole_number(1, 5, optional=True), number_schema(1, 5, nullable=True)] = (
        Field(None, description="1 to 5.")
    )
    evaluation: Annotated[str, text(200)] = Field("", description="服务质量评价, at most 200 characters.")


class ConfirmOut(Schema):
    confirmed: int


class RejectIn(Schema):
    reason: Annotated[str, text(300)] = Field(..., description="Why, for the volunteer (required).")


class PeriodFilter(Schema):
    organization: QueryId = Field(None, description="One organization of your scope.")
    date_from: QueryDate = Field(None, description="Service date from (inclusive).")
    date_to: QueryDate = Field(None, description="Service date to (inclusive).")
    status: Annotated[str | None, choice(ServiceRecord.Status), enum_schema(ServiceRecord.Status)] = Field(
        None, description="pending, confirmed or rejected."
    )


@router.get(
    "/records/pending",
    response={200: list[ManagedRecordOut], **ERRORS},
    summary="Records awaiting my confirmation",
    description="Pending records of the organizations you administer, oldest first. Not an admin: 404.",
)
@paginate(Pagination)
def pending(request):
    if not may_confirm_any(request.user):
        raise Http404
    return pending_list_for(request.user)


@router.post(
    "/records/confirm",
    response={200: ConfirmOut, **WRITE_ERRORS},
    summary="Confirm records in bulk",
    description="Confirms the pending records among `ids` that you administer, with an optional rating and "
    "evaluation; each extends the volunteer's hash chain. Returns how many were confirmed.",
)
def confirm(request, payload: ConfirmIn):
    if not may_confirm_any(request.user):
        raise Http404
    n = records_confirm(
        actor=request.user, ids=payload.ids, rating=payload.rating, evaluation=payload.evaluation
    )
    return {"confirmed": n}


@router.post(
    "/records/{int:record_id}/reject",
    response={200: ManagedRecordOut, **WRITE_ERRORS},
    summary="Reject a pending record with a reason",
    description="Not an admin of the record's organization: 404. Not pending any more: 409 NOT_PENDING.",
)
def reject(request, record_id: int, payload: RejectIn):
    record = managed_record_get_for(request.user, record_id)
    record_reject(actor=request.user, record=record, reason=payload.reason)
    return records_list_for(request.user).get(pk=record.pk)


@router.get(
    "/records",
    response={200: list[ManagedRecordOut], **ERRORS},
    summary="Service records of my organizations for a period",
    description="Records of the organizations in your console scope, newest first. Others get an empty list.",
)
@paginate(Pagination)
def records(request, filters: Query[PeriodFilter]):
    return records_for_period(
        request.user,
        organization=filters.organization,
        date_from=filters.date_from,
        date_to=filters.date_to,
        status=filters.status or "",
    )
