"""API v1, funding: grants with their money, payments (guarded: never past the grant), the
mentor's milestones and the review of milestone reports."""

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, ObjectId, Pagination, RefusedOut, number_schema, text, whole_number
from huiguang.core.errors import FieldErrors

from ..models import MilestoneReport
from ..permissions import is_mentor, may_manage_funding
from ..selectors.funding import grant_get_for, grant_list_for, mentor_milestones, mentor_report_get_for
from ..services.common import MAX_YUAN
from ..services.funding import disbursement_create, milestone_report_review

router = Router(tags=["projects"])
WRITE_ERRORS = {**ERRORS, 409: RefusedOut}
MAX_FEN = int(MAX_YUAN * 100)


class FundingGrantOut(Schema):
    id: int
    project_id: int
    project_name: str = Field(..., alias="project.name")
    funder_id: int
    funder_name: str = Field(..., alias="funder.name")
    programme_id: int | None
    purpose: str
    awarded_on: dt.date
    status: str
    amount_fen: int = Field(..., description="Granted, in fen.")
    paid_fen: int = Field(..., description="Paid so far, in fen (never above amount_fen).")
    accounted_fen: int = Field(..., description="Spending of accepted milestone reports, in fen.")


class DisbursementIn(Schema):
    amount_fen: Annotated[int, whole_number(1, MAX_FEN), number_schema(1, MAX_FEN)] = Field(
        ..., description="In fen (1 yuan = 100 fen)."
    )
    paid_on: dt.date
    milestone_id: ObjectId = Field(None, description="A milestone of this grant, or null.")
    note: Annotated[str, text(200)] = ""


class DisbursementOut(Schema):
    id: int
    grant_id: int
    milestone_id: int | None
    amount_fen: int
    paid_on: dt.date
    note: str


class MilestoneOut(Schema):
    id: int
    grant_id: int
    project_id: int = Field(..., alias="grant.project_id")
    project_name: str = Field(..., alias="grant.project.name")
    title: str
    due_on: dt.date
    deliverables: str
    status: str
    is_overdue: bool = Field(..., description="Due today or earlier and not accepted.")


class MilestoneReviewIn(Schema):
    accept: bool
    comment: Annotated[str, text(2000)] = Field("", description="Required when the report is returned.")


class MilestoneReportOut(Schema):
    id: int
    milestone_id: int
    status: str
    text: str
    review_comment: str
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None


@router.get(
    "/grants",
    response={200: list[FundingGrantOut], **ERRORS},
    summary="Grants",
    description="Every grant for the city-wide roles; the grants of the projects in your scope for others.",
)
@paginate(Pagination)
def grants(request):
    return grant_list_for(request.user)


@router.get("/grants/{int:grant_id}", response={200: FundingGrantOut, **ERRORS}, summary="One grant")
def grant(request, grant_id: int):
    return grant_get_for(request.user, grant_id)


@router.post(
    "/grants/{int:grant_id}/disbursements",
    response={201: DisbursementOut, **WRITE_ERRORS},
    summary="Record a payment of a grant",
    description="City admins only (others: 404). A payment that would take the payments past the grant "
    "is refused with 409 over_grant and nothing is written.",
)
def disburse(request, grant_id: int, payload: DisbursementIn):
    if not may_manage_funding(request.user):
        raise Http404
    grant = grant_get_for(request.user, grant_id)
    milestone = None
    if payload.milestone_id is not None:
        milestone = grant.milestones.filter(pk=payload.milestone_id).first()
        if milestone is None:
            raise FieldErrors({"milestone_id": [_("Choose a milestone of this grant.")]})
    d = disbursement_create(
        actor=request.user,
        grant=grant,
        amount_fen=payload.amount_fen,
        paid_on=payload.paid_on,
        milestone=milestone,
        note=payload.note,
        request=request,
    )
    return Status(201, d)


@router.get(
    "/mentor/milestones",
    response={200: list[MilestoneOut], **ERRORS},
    summary="The milestones of the projects I mentor",
    description="Open milestones, overdue first (due today or earlier). Not a mentor: an empty list.",
)
@paginate(Pagination)
def my_milestones(request):
    return mentor_milestones(request.user)


@router.post(
    "/milestone-reports/{int:report_id}/review",
    response={200: MilestoneReportOut, **WRITE_ERRORS},
    summary="Review a milestone report",
    description="The project's mentor accepts the report or returns it with a comment. Others: 404. "
    "Reviewed already: 409.",
)
def review(request, report_id: int, payload: MilestoneReviewIn):
    if not is_mentor(request.user):
        raise Http404
    report: MilestoneReport = mentor_report_get_for(request.user, report_id)
    if not report.milestone.grant.project.mentors.filter(user=request.user, active=True).exists():
        raise Http404
    return milestone_report_review(
        actor=request.user, report=report, accept=payload.accept, comment=payload.comment, request=request
    )
