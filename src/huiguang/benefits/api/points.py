"""API v1, 积分入学: open policies with the caller's points, applications (parent), the education
officer's register, detail and decision (through the guardian's consent), the city's statistics,
and the public check of a points certificate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from huiguang.core.api import (
    ERRORS,
    Flag,
    Pagination,
    RefusedOut,
    ShortText,
    choice,
    enum_schema,
    number_schema,
    text,
    whole_number,
)
from huiguang.core.errors import FieldErrors
from huiguang.core.masking import LAST4, mask_id_number, mask_name

from ..models import Partner, PartnerAccess, PointsApplication
from ..permissions import may_read_partner_statistics, partners_of
from ..selectors import points as selectors
from ..services import points as services

router = Router(tags=["benefits: school points"])
API = PartnerAccess.Channel.API

Grade = Annotated[
    str | None, choice(PointsApplication.Grade), enum_schema(PointsApplication.Grade, query=False)
]
PolicyId = Annotated[int, whole_number(1), number_schema(1)]
IdNumber = Annotated[str, text(24), Field(max_length=24)]
Reason = Annotated[str, text(300), Field(max_length=300)]
Token = Annotated[str, text(4000, multiline=False), Field(max_length=4000)]


class PointsPolicyOut(Schema):
    id: int
    year: int
    bureau: str
    window_start: dt.date
    window_end: dt.date
    hours_per_unit: int
    points_per_unit: Decimal
    cap: Decimal
    credit_only: bool
    new_residents_only: bool
    my_breakdown: dict = Field(..., description="The caller's points under this policy, with the breakdown.")


class PointsApplicationOut(Schema):
    id: int
    policy_id: int
    year: int
    bureau: str
    status: str
    child_name: str
    child_id_masked: str
    grade: str
    points: Decimal
    breakdown: dict
    reason: str
    certificate_number: str | None
    certificate: str
    created_at: dt.datetime


class PointsApplicationIn(Schema):
    policy: PolicyId
    child_name: ShortText
    child_id_number: IdNumber
    grade: Grade = None
    guardian_declared: Flag = Field(
        ..., description="The applicant declares being the child's parent or guardian."
    )
    agree: Flag = Field(..., description="The guardian's consent for the education bureau; must be true.")


class SchoolListOut(Schema):
    id: int
    year: int
    grade: str
    status: str
    created_at: dt.datetime


class SchoolApplicationOut(Schema):
    id: int
    year: int
    status: str
    parent_masked_name: str
    volunteer_number: str
    child_name: str
    child_id_last4: str
    grade: str
    points: Decimal
    breakdown: dict
    reason: str
    certificate_number: str | None


class PointsDecisionIn(Schema):
    approve: Flag
    reason: Reason = ""


class PointsCertificateIn(Schema):
    certificate: Token


class PointsCertificateOut(Schema):
    state: str = Field(..., description="valid, invalid or unknown.")
    fields: dict


class PointsMonthOut(Schema):
    month: dt.date
    applications: int
    approved: int
    points: Decimal


class PointsStatisticsOut(Schema):
    applications: int
    approved: int
    refused: int
    submitted: int
    points: Decimal
    months: list[PointsMonthOut]


def _application(a: PointsApplication) -> dict:
    return {
        "id": a.pk,
        "policy_id": a.policy_id,
        "year": a.policy.year,
        "bureau": a.policy.partner.name,
        "status": a.status,
        "child_name": a.child_name,
        "child_id_masked": a.child_id_masked,
        "grade": a.grade,
        "points": a.points,
        "breakdown": a.breakdown,
        "reason": a.reason,
        "certificate_number": a.certificate_number,
        "certificate": a.certificate,
        "created_at": a.created_at,
    }


def _school(a: PointsApplication) -> dict:
    return {
        "id": a.pk,
        "year": a.policy.year,
        "status": a.status,
        "parent_masked_name": mask_name(a.volunteer.real_name),
        "volunteer_number": a.volunteer.volunteer_number,
        "child_name": a.child_name,
        "child_id_last4": mask_id_number(a.child_id_masked, LAST4),
        "grade": a.grade,
        "points": a.points,
        "breakdown": a.breakdown,
        "reason": a.reason,
        "certificate_number": a.certificate_number,
    }


def _volunteer(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        raise Http404
    return volunteer


def _bureau(request) -> None:
    if not partners_of(request.user, Partner.Kind.EDUCATION).exists():
        raise Http404


@router.get(
    "/points-policies",
    response={200: list[PointsPolicyOut], **ERRORS},
    summary="Points policies with my points",
)
def points_policies(request):
    volunteer = _volunteer(request)
    return [
        {
            "id": p.pk,
            "year": p.year,
            "bureau": p.partner.name,
            "window_start": p.window_start,
            "window_end": p.window_end,
            "hours_per_unit": p.hours_per_unit,
            "points_per_unit": p.points_per_unit,
            "cap": p.cap,
            "credit_only": p.credit_only,
            "new_residents_only": p.new_residents_only,
            "my_breakdown": services.points_compute(policy=p, volunteer=volunteer),
        }
        for p in selectors.policies_open()[:10]
    ]


@router.get(
    "/me/points-applications",
    response={200: list[PointsApplicationOut], **ERRORS},
    summary="My points applications",
)
@paginate(Pagination)
def my_applications(request):
    return [_application(a) for a in selectors.applications_of(_volunteer(request))]


@router.post(
    "/me/points-applications",
    response={201: PointsApplicationOut, 409: RefusedOut, **ERRORS},
    summary="Apply for a child",
    description="The parent applies for a child: the child's name and ID number (encrypted, shown masked), "
    "the grade; the guardian's consent for the education bureau. The points and their breakdown "
    "are computed now.",
)
def points_apply(request, payload: PointsApplicationIn):
    volunteer = _volunteer(request)
    policy = selectors.policies_open().filter(pk=payload.policy).first()
    if policy is None:
        raise FieldErrors({"policy": [_("Choose a points policy that takes applications.")]})
    if not payload.agree:
        raise FieldErrors({"agree": [_("An application needs your consent.")]})
    application = services.points_apply(
        volunteer=volunteer,
        policy=policy,
        child_name=payload.child_name,
        child_id_number=payload.child_id_number,
        grade=payload.grade or "",
        guardian_declared=payload.guardian_declared,
        user=request.user,
        request=request,
    )
    return Status(201, _application(selectors.application_of(volunteer, application.pk)))


@router.get(
    "/school/applications",
    response={200: list[SchoolListOut], **ERRORS},
    summary="Applications to the bureau",
)
@paginate(Pagination)
def school_applications(request):
    _bureau(request)
    return [
        {"id": a.pk, "year": a.policy.year, "grade": a.grade, "status": a.status, "created_at": a.created_at}
        for a in selectors.application_register_for(request.user)
    ]


@router.get(
    "/school/applications/{application_id}",
    response={200: SchoolApplicationOut, **ERRORS},
    summary="An application",
)
def school_application(request, application_id: int):
    application = selectors.application_get_for_bureau(request.user, application_id)
    services.application_open(
        user=request.user, application=application, what=_("application opened"), channel=API
    )
    return _school(application)


@router.post(
    "/school/applications/{application_id}/decision",
    response={200: SchoolApplicationOut, 409: RefusedOut, **ERRORS},
    summary="Decide an application",
    description="approve: true issues the signed points certificate; false needs a reason.",
)
def school_decide(request, application_id: int, payload: PointsDecisionIn):
    application = selectors.application_get_for_bureau(request.user, application_id)
    application = services.application_decide(
        user=request.user,
        application=application,
        approve=payload.approve,
        reason=payload.reason,
        channel=API,
        request=request,
    )
    return _school(application)


@router.post(
    "/points-certificates/verify",
    response={200: PointsCertificateOut, **ERRORS},
    summary="Check a points certificate",
    auth=None,
)
def certificate_verify(request, payload: PointsCertificateIn):
    state, fields, _application_row = services.points_certificate_check(payload.certificate)
    return {"state": state, "fields": fields if state == "valid" else {}}


@router.get(
    "/benefits/statistics/points",
    response={200: PointsStatisticsOut, **ERRORS},
    summary="School points statistics",
)
def points_statistics(request):
    if not may_read_partner_statistics(request.user):
        raise Http404
    return {**selectors.points_totals(), "months": selectors.points_totals_by_month()}
