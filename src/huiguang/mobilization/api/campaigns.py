"""API of rapid mobilization campaigns: the console (campaigns, board, recruits, screening, bulk
deployment, messages) and the public short registration. Outside the caller's scope: 404."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from huiguang.accounts.auth import PUBLIC_AUTH, PUBLIC_SECURITY
from huiguang.core.api import (
    ERRORS,
    Flag,
    ObjectId,
    Pagination,
    QueryFlag,
    QueryId,
    RefusedOut,
    choice,
    enum_schema,
    id_list,
    id_list_schema,
    number_schema,
    whole_number,
)
from huiguang.core.api import text as text_of
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Region
from huiguang.training.models import Course

from .. import permissions as perms
from ..models.campaigns import Campaign, Recruit, ScreeningQuestion
from ..selectors import campaigns as sel
from ..services import campaigns as svc

router = Router(tags=["mobilization"])
WRITE_ERRORS = {**ERRORS, 409: RefusedOut}

Target = Annotated[int, whole_number(0, 10**7), number_schema(0, 10**7)]
Answer = Annotated[str, text_of(60)]


# --- schemas ----------------------------------------------------------------------------------------


class CampaignQuestionIn(Schema):
    text: Annotated[str, text_of(200)] = Field(..., max_length=200)
    kind: Annotated[
        str | None, choice(ScreeningQuestion.Kind), enum_schema(ScreeningQuestion.Kind, query=False)
    ] = None
    choices: list[Answer] = Field(default_factory=list, max_length=10)
    disqualifying: list[Answer] = Field(default_factory=list, max_length=10)
    review: list[Answer] = Field(default_factory=list, max_length=10)


class CampaignQuestionOut(Schema):
    id: int
    text: str
    kind: str
    choices: list[str]


class CampaignIn(Schema):
    name: Annotated[str, text_of(120)] = Field(..., min_length=1, max_length=120)
    description: Annotated[str, text_of(2000)] = Field("", max_length=2000)
    region: Annotated[int, whole_number(1), number_schema(1)] = Field(..., description="The region's id.")
    course: ObjectId = Field(
        None, description="The induction course's id (a course granting a qualification)."
    )
    target_recruited: Target = 0
    target_screened: Target = 0
    target_trained: Target = 0
    target_deployed: Target = 0
    questions: list[CampaignQuestionIn] = Field(default_factory=list, max_length=20)


class CampaignOut(Schema):
    id: int
    name: str
    description: str
    status: str
    region: str = Field(..., alias="region.name")
    course_id: int | None
    target_recruited: int
    target_screened: int
    target_trained: int
    target_deployed: int
    created_at: dt.datetime
    opened_at: dt.datetime | None
    ended_at: dt.datetime | None


class CampaignStatusIn(Schema):
    move: Annotated[str, text_of(8)] = Field(..., description="open, close or end", max_length=8)


class CampaignFunnelOut(Schema):
    stage: str
    label: str
    target: int | None
    actual: int


class CampaignTownOut(Schema):
    town_id: int | None
    town: str
    recruited: int
    screened: int
    trained: int
    deployed: int


class CampaignDayOut(Schema):
    day: dt.date
    joined: int
    deployed: int


class CampaignBoardOut(Schema):
    funnel: list[CampaignFunnelOut]
    towns: list[CampaignTownOut]
    days: list[CampaignDayOut]
    deployed_enrollments: int


class CampaignRecruitFilter(Schema):
    stage: Annotated[str | None, choice(Recruit.Stage), enum_schema(Recruit.Stage)] = None
    town: QueryId = None
    review: QueryFlag = False


class CampaignRecruitOut(Schema):
    id: int
    volunteer_number: str = Field(..., alias="volunteer.volunteer_number")
    name: str = Field(..., alias="volunteer.real_name")
    town: str | None = Field(None, alias="town.name")
    stage: str
    needs_review: bool
    reason: str
    shift_id: int | None
    joined_at: dt.datetime
    screened_at: dt.datetime | None
    trained_at: dt.datetime | None
    deployed_at: dt.datetime | None


class CampaignScreenIn(Schema):
    ids: Annotated[list[int], id_list(5000), id_list_schema(5000)]
    approve: Flag
    reason: Annotated[str, text_of(200)] = Field("", max_length=200)


class CampaignCountOut(Schema):
    count: int


class CampaignAssignIn(Schema):
    shifts: Annotated[list[int], id_list(50), id_list_schema(50)]
    town: ObjectId = None


class CampaignPlacementOut(Schema):
    recruit_id: int
    name: str
    shift_id: int | None
    reason: str = Field(
        ..., description="Why not placed (FULL, OVERLAPS, MISSING_QUALIFICATION, …); empty if placed."
    )
    message: str


class CampaignAssignOut(Schema):
    placed: int
    unplaced: int
    per_shift: dict[str, int]
    placements: list[CampaignPlacementOut]


class CampaignBlastIn(Schema):
    title: Annotated[str, text_of(120)] = Field(..., min_length=1, max_length=120)
    body: Annotated[str, text_of(1000)] = Field("", max_length=1000)
    stage: Annotated[str | None, choice(Recruit.Stage), enum_schema(Recruit.Stage, query=False)] = None
    town: ObjectId = None


class CampaignBlastOut(Schema):
    id: int
    title: str
    body: str
    stage: str
    recipients: int
    created_at: dt.datetime
    counts: dict[str, int] = Field(default_factory=dict, description="notified, sent, failed, pending")


class CampaignPublicOut(Schema):
    id: int
    name: str
    description: str
    status: str
    questions: list[CampaignQuestionOut]


class CampaignJoinIn(Schema):
    answers: dict[Annotated[str, text_of(12)], Answer] = Field(
        default_factory=dict, max_length=20, description="{question id: answer}"
    )


class CampaignMineOut(Schema):
    id: int
    stage: str
    needs_review: bool
    reason: str
    joined_at: dt.datetime


# --- helpers ----------------------------------------------------------------------------------------


def _region(user, pk: int | None) -> Region | None:
    if pk is None:
        return None
    region = Region.objects.filter(pk=pk).first()
    if region is None:
        raise FieldErrors({"region": [_("No region has this id.")]})
    return region


def _town(campaign: Campaign, pk: int | None) -> Region | None:
    if pk is None:
        return None
    town = sel.campaign_towns(campaign).filter(pk=pk).first()
    if town is None:
        raise FieldErrors({"town": [_("No recruit of this campaign lives in that town.")]})
    return town


# --- console ----------------------------------------------------------------------------------------


@router.get(
    "/console/campaigns", response={200: list[CampaignOut], **ERRORS}, summary="Mobilization campaigns"
)
@paginate(Pagination)
def campaign_list(request):
    if perms.campaigns_visible_q(request.user) is None:
        raise Http404
    return sel.campaign_list_for(request.user)


@router.post(
    "/console/campaigns", response={201: CampaignOut, **WRITE_ERRORS}, summary="Create a campaign (draft)"
)
def campaign_create(request, payload: CampaignIn):
    if not perms.may_create_campaigns(request.user):
        raise Http404
    data = payload.dict()
    region = _region(request.user, data.pop("region"))
    if region is None or not perms.may_own_campaign_in(request.user, region):
        raise FieldErrors({"region": [_("Choose a region you manage.")]})
    course_id = data.pop("course")
    course = Course.objects.filter(pk=course_id).first() if course_id else None
    if course_id and course is None:
        raise FieldErrors({"course": [_("No course has this id.")]})
    data["questions"] = [
        {**q, "kind": q.get("kind") or ScreeningQuestion.Kind.YES_NO} for q in data["questions"]
    ]
    campaign = svc.campaign_create(actor=request.user, region=region, course=course, request=request, **data)
    return Status(201, campaign)


@router.get(
    "/console/campaigns/{int:campaign_id}", response={200: CampaignOut, **ERRORS}, summary="One campaign"
)
def campaign_detail(request, campaign_id: int):
    return sel.campaign_get_for(request.user, campaign_id)


@router.post(
    "/console/campaigns/{int:campaign_id}/status",
    response={200: CampaignOut, **WRITE_ERRORS},
    summary="Open, close or end a campaign",
    description="open: draft or closed → recruiting; close: recruiting → closed; "
    "end: for good (kept as history).",
)
def campaign_status(request, campaign_id: int, payload: CampaignStatusIn):
    campaign = sel.campaign_managed_get(request.user, campaign_id)
    return svc.campaign_set_status(actor=request.user, campaign=campaign, move=payload.move, request=request)


@router.get(
    "/console/campaigns/{int:campaign_id}/board",
    response={200: CampaignBoardOut, **ERRORS},
    summary="The progress board: funnel by stage, by town, by day",
)
def campaign_board(request, campaign_id: int):
    campaign = sel.campaign_get_for(request.user, campaign_id)
    svc.recruits_refresh_trained(campaign=campaign)
    return {
        "funnel": sel.campaign_funnel(campaign),
        "towns": sel.campaign_by_town(campaign),
        "days": sel.campaign_by_day(campaign),
        "deployed_enrollments": sel.deployed_enrollments(campaign),
    }


@router.get(
    "/console/campaigns/{int:campaign_id}/recruits",
    response={200: list[CampaignRecruitOut], **ERRORS},
    summary="A campaign's recruits",
)
@paginate(Pagination)
def campaign_recruits(request, campaign_id: int, filters: Query[CampaignRecruitFilter]):
    campaign = sel.campaign_get_for(request.user, campaign_id)
    return sel.recruit_list(campaign, stage=filters.stage or "", town_id=filters.town, review=filters.review)


@router.post(
    "/console/campaigns/{int:campaign_id}/recruits/screen",
    response={200: CampaignCountOut, **WRITE_ERRORS},
    summary="Approve or reject recruits waiting for a review, in bulk",
)
def campaign_screen(request, campaign_id: int, payload: CampaignScreenIn):
    campaign = sel.campaign_managed_get(request.user, campaign_id)
    count = svc.recruits_screen(
        actor=request.user,
        campaign=campaign,
        ids=payload.ids,
        approve=payload.approve,
        reason=payload.reason,
        request=request,
    )
    return {"count": count}


@router.post(
    "/console/campaigns/{int:campaign_id}/assign",
    response={200: CampaignAssignOut, **WRITE_ERRORS},
    summary="Place trained recruits on shifts, in bulk",
    description="Shifts are filled in the order given; every trained recruit (of `town`, if given) is "
    "placed once or reported with the reason (the sign-up rules' codes). Shifts you do not organize: 422.",
)
def campaign_assign(request, campaign_id: int, payload: CampaignAssignIn):
    campaign = sel.campaign_managed_get(request.user, campaign_id)
    wanted = list(dict.fromkeys(payload.shifts))
    found = {s.pk: s for s in sel.assignable_shifts(request.user).filter(pk__in=wanted)}
    if not wanted or len(found) != len(wanted):
        raise FieldErrors({"shifts": [_("Choose open shifts of activities you organize.")]})
    try:
        result = svc.recruits_assign(
            actor=request.user,
            campaign=campaign,
            shifts=[found[pk] for pk in wanted],
            town=_town(campaign, payload.town),
            request=request,
        )
    except PermissionDenied:
        raise FieldErrors({"shifts": [_("Choose open shifts of activities you organize.")]}) from None
    return {
        "placed": len(result.placed),
        "unplaced": len(result.unplaced),
        "per_shift": {str(k): v for k, v in result.per_shift.items()},
        "placements": [
            {
                "recruit_id": p.recruit_id,
                "name": p.name,
                "shift_id": p.shift_id,
                "reason": p.reason,
                "message": p.message,
            }
            for p in result.placements
        ],
    }


@router.post(
    "/console/campaigns/{int:campaign_id}/push-course",
    response={200: CampaignCountOut, **WRITE_ERRORS},
    summary="Tell every screened recruit of the induction course and its next sessions",
)
def campaign_push_course(request, campaign_id: int):
    campaign = sel.campaign_managed_get(request.user, campaign_id)
    return {"count": svc.campaign_course_push(actor=request.user, campaign=campaign, request=request)}


@router.get(
    "/console/campaigns/{int:campaign_id}/blasts",
    response={200: list[CampaignBlastOut], **ERRORS},
    summary="A campaign's messages with their delivery counts",
)
def campaign_blast_list(request, campaign_id: int):
    return sel.blast_list(sel.campaign_get_for(request.user, campaign_id))


@router.post(
    "/console/campaigns/{int:campaign_id}/blasts",
    response={201: CampaignBlastOut, **WRITE_ERRORS},
    summary="Send a message to the recruits of a stage and/or town",
)
def campaign_blast_send(request, campaign_id: int, payload: CampaignBlastIn):
    campaign = sel.campaign_managed_get(request.user, campaign_id)
    blast = svc.campaign_blast_send(
        actor=request.user,
        campaign=campaign,
        title=payload.title,
        body=payload.body,
        stage=payload.stage or "",
        town=_town(campaign, payload.town),
        request=request,
    )
    blast.counts = {}
    return Status(201, blast)


# --- public -----------------------------------------------------------------------------------------


@router.get(
    "/campaigns/{int:campaign_id}",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: CampaignPublicOut, **ERRORS},
    summary="A campaign's public page: its screening questions",
)
def campaign_public(request, campaign_id: int):
    campaign = sel.campaign_public_get(campaign_id)
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "description": campaign.description,
        "status": campaign.status,
        "questions": list(campaign.questions.all()),
    }


@router.post(
    "/campaigns/{int:campaign_id}/join",
    response={200: CampaignMineOut, **WRITE_ERRORS},
    summary="Join a recruiting campaign (one tap) with the answers to its questions",
    description="Joining twice returns the first answer. Without a volunteer profile: 409 NOT_VOLUNTEER.",
)
def campaign_join(request, campaign_id: int, payload: CampaignJoinIn):
    campaign = sel.campaign_public_get(campaign_id)
    volunteer = getattr(request.user, "volunteer", None)
    return svc.recruit_join(campaign=campaign, volunteer=volunteer, answers=payload.answers, request=request)
