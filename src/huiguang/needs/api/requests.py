"""API v1, residents' requests: a resident's sign-up (SMS code) and requests; volunteers' nearby open
requests, taking and closing; the console's queue and decisions. Outside the caller's reach: 404;
a refusal: 409 with a `reason` (`taken`: someone else was first; `wrong_status`; `missing_skill`)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from huiguang.activities.models import Category
from huiguang.core.api import ERRORS, ErrorOut, FieldErrorsOut, Pagination, RefusedOut
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Organization, Region
from huiguang.volunteers.models import Skill, Volunteer

from ..selectors import requests as selectors
from ..services import requests as services
from ..services.residents import phone_code_send, resident_register
from .schemas import (
    AssignIn,
    CloseIn,
    ConsoleFilter,
    MergeIn,
    NearbyFilter,
    NearbyOut,
    ReasonIn,
    RequestIn,
    RequestOut,
    ResidentCodeIn,
    ResidentIn,
    ResidentOut,
    TeamIn,
)

router = Router(tags=["needs"])
REFUSALS = {404: ErrorOut, 409: RefusedOut, 422: FieldErrorsOut}


class Sent(ErrorOut):
    pass


# --- residents ------------------------------------------------------------------------------------


@router.post(
    "/needs/residents/code",
    auth=None,
    response={202: Sent, 409: RefusedOut, 422: FieldErrorsOut},
    summary="Send a sign-up code by SMS",
    description="Texts a one-time 6-digit code (valid HUIGUANG_NEEDS_CODE_MINUTES minutes, 5 tries) to the "
    "number. 409 `too_soon` within a minute of the last code, `too_many` after 5 codes a day.",
)
def code_send(request, payload: ResidentCodeIn):
    phone_code_send(phone=payload.phone, request=request)
    return Status(202, {"detail": _("A code was sent to your phone by SMS.")})


@router.post(
    "/needs/residents",
    auth=None,
    response={201: ResidentOut, 422: FieldErrorsOut},
    summary="Sign up as a resident",
    description="With the SMS code: a new account (the number is the login), or — for the logged-in owner "
    "of the number — a resident profile on the account. 422 names every wrong field; nothing is stored.",
)
def resident_create(request, payload: ResidentIn):
    region = Region.objects.filter(code=payload.region_code).first()
    user = request.user if request.user.is_authenticated else None
    data = payload.dict(exclude={"region_code"})
    return Status(201, resident_register(**data, region=region, user=user, request=request))


def _request_data(payload: RequestIn) -> dict:
    data = payload.dict(exclude={"category", "region_code", "required_skill"})
    data["category"] = Category.objects.filter(code=payload.category).first()
    if payload.region_code:
        data["region"] = Region.objects.filter(code=payload.region_code).first()
    if payload.required_skill:
        data["required_skill"] = Skill.objects.filter(pk=payload.required_skill).first()
    return data


@router.post(
    "/needs/requests",
    response={201: RequestOut, **ERRORS, 422: FieldErrorsOut},
    summary="Post a need",
    description="A resident posts a need for themself; a community worker (region admin) posts one for a "
    "resident of their region with `on_behalf`, `region_code` and `resident_name`. The contact phone is "
    "stored encrypted. 403 for a user who is neither.",
)
def request_create(request, payload: RequestIn):
    return Status(
        201, services.request_post(actor=request.user, data=_request_data(payload), request=request)
    )


@router.get(
    "/needs/requests/mine",
    response={200: list[RequestOut], **ERRORS},
    summary="My requests",
    description="What the caller posted (or was posted for them), newest first, with their states.",
)
@paginate(Pagination)
def mine(request):
    return selectors.request_list_for_resident(request.user)


@router.get(
    "/needs/requests/mine/{int:pk}", response={200: RequestOut, **ERRORS}, summary="One of my requests"
)
def mine_detail(request, pk: int):
    return selectors.request_get_for_resident(request.user, pk)


# --- volunteers -----------------------------------------------------------------------------------


@router.get(
    "/needs/requests/open",
    response={200: list[NearbyOut], **ERRORS},
    summary="Open requests near me",
    description="Open requests the caller (an active volunteer) is qualified for; with `lat`/`lng`, those "
    "within `km` (default HUIGUANG_NEEDS_NEARBY_KM) sorted by distance, otherwise the newest.",
)
def nearby(request, filters: Query[NearbyFilter]):
    found = selectors.open_nearby_for(request.user, lat=filters.lat, lng=filters.lng, km=filters.km)
    return [{"km": round(n.km, 2) if n.km is not None else None, "request": n.request} for n in found]


@router.post(
    "/needs/requests/{int:pk}/take",
    response={200: RequestOut, **ERRORS, **REFUSALS},
    summary="Take an open request",
    description="The first volunteer wins: the others get 409 `taken`. The taker gets the serving "
    "activity (`activity_id`: check in at the address with its code and the phone's location) and "
    "the contact phone.",
)
def take(request, pk: int):
    req = selectors.open_get_for(request.user, pk)
    return services.request_take(actor=request.user, req=req, request=request)


@router.get("/needs/requests/taken", response={200: list[RequestOut], **ERRORS}, summary="Requests I took")
@paginate(Pagination)
def taken(request):
    return selectors.taken_list_for(request.user)


@router.post(
    "/needs/requests/{int:pk}/close",
    response={200: RequestOut, **ERRORS, **REFUSALS},
    summary="Close a request I took",
    description="With notes on what was done (photos are added on the web page). The resident is sent the "
    "rating link by SMS.",
)
def close(request, pk: int, payload: CloseIn):
    req = selectors.taken_get_for(request.user, pk)
    return services.request_close(actor=request.user, req=req, notes=payload.notes, request=request)


# --- the console ----------------------------------------------------------------------------------


@router.get(
    "/needs/console/requests",
    response={200: list[RequestOut], **ERRORS},
    summary="The community's queue",
    description="Requests the caller reviews (community admins), reads (auditors) or serves (the team's "
    "admins and leaders), newest first; filter by `status` and text `q`.",
)
@paginate(Pagination)
def queue(request, filters: Query[ConsoleFilter]):
    return selectors.request_list_for_console(request.user, status=filters.status or "", q=filters.q)


@router.get("/needs/console/requests/{int:pk}", response={200: RequestOut, **ERRORS}, summary="One request")
def console_detail(request, pk: int):
    return selectors.request_get_for_console(request.user, pk)


def _console(request, pk: int):
    return selectors.request_get_for_console(request.user, pk)


DECISION = {200: RequestOut, **ERRORS, **REFUSALS}


@router.post("/needs/console/requests/{int:pk}/accept", response=DECISION, summary="Accept a request")
def accept(request, pk: int):
    return services.request_accept(actor=request.user, req=_console(request, pk), request=request)


@router.post(
    "/needs/console/requests/{int:pk}/decline",
    response=DECISION,
    summary="Decline a request",
    description="With the reason the resident reads.",
)
def decline(request, pk: int, payload: ReasonIn):
    return services.request_decline(
        actor=request.user, req=_console(request, pk), reason=payload.reason, request=request
    )


@router.post("/needs/console/requests/{int:pk}/merge", response=DECISION, summary="Merge a duplicate")
def merge(request, pk: int, payload: MergeIn):
    req = _console(request, pk)
    into = selectors.merge_targets_for(request.user, req).filter(pk=payload.into).first()
    if into is None:
        raise FieldErrors({"into": [_("Choose another live request of your community to merge into.")]})
    return services.request_merge(actor=request.user, req=req, into=into, request=request)


def _team(payload: TeamIn) -> Organization | None:
    return Organization.objects.filter(pk=payload.organization).select_related("region").first()


@router.post(
    "/needs/console/requests/{int:pk}/dispatch", response=DECISION, summary="Dispatch to a team (派单)"
)
def dispatch(request, pk: int, payload: TeamIn):
    req = _console(request, pk)
    return services.request_dispatch(
        actor=request.user, req=req, organization=_team(payload), request=request
    )


@router.post(
    "/needs/console/requests/{int:pk}/open", response=DECISION, summary="Open to volunteers nearby (接单)"
)
def open_(request, pk: int, payload: TeamIn):
    req = _console(request, pk)
    return services.request_open(actor=request.user, req=req, organization=_team(payload), request=request)


@router.post(
    "/needs/console/requests/{int:pk}/assign",
    response=DECISION,
    summary="Assign a team member",
    description="The team a request was dispatched to names one of its active members (guarded like taking).",
)
def assign(request, pk: int, payload: AssignIn):
    req = _console(request, pk)
    volunteer = Volunteer.objects.filter(pk=payload.volunteer).first()
    if volunteer is None:
        raise Http404
    return services.request_assign(actor=request.user, req=req, volunteer=volunteer, request=request)
