"""API v1, credit: my score, snapshots and review requests; the published policy; for the city:
policies, reviews, honors, a recompute of one volunteer. Outside the caller's reach: 404."""

from django.http import Http404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination, RefusedOut
from huiguang.ledger.views.common import volunteer_or_404

from ..explain import explain, hint_text
from ..permissions import may_manage_credit, may_read_credit_console
from ..scoring import hints, inputs_of
from ..selectors.scores import (
    competition_or_404,
    current_policy,
    honor_list_for,
    own_reviews,
    policy_list,
    project_by_id,
    review_get_for,
    review_list_for,
    snapshot_history,
    volunteer_credit_get_for,
)
from ..services.awards import award_honors_record
from ..services.honors import honor_create
from ..services.reviews import review_answer, review_request
from ..services.snapshots import snapshot_compute
from .schemas import (
    AwardHonorsOut,
    HonorIn,
    HonorOut,
    MyScoreOut,
    PolicyOut,
    ReviewAnswerIn,
    ReviewFilter,
    ReviewIn,
    ReviewOut,
    SnapshotBriefOut,
    SnapshotOut,
)

router = Router(tags=["credit"])
REFUSALS = {**ERRORS, 409: RefusedOut}


def _manager(request) -> None:
    if not may_manage_credit(request.user):
        raise Http404


def snapshot_out(snapshot) -> dict:
    components = [
        {**row, "label": str(row["label"]), "inputs": c["inputs"]}
        for row, c in zip(explain(snapshot.components, snapshot.policy), snapshot.components, strict=True)
    ]
    return {
        "id": snapshot.pk,
        "volunteer_id": snapshot.volunteer_id,
        "score": snapshot.score,
        "band": snapshot.band,
        "policy_version": snapshot.policy_version,
        "source": snapshot.source,
        "computed_at": snapshot.computed_at,
        "base": snapshot.policy.base,
        "components": components,
    }


@router.get("/credit/me", response={200: MyScoreOut, **ERRORS}, summary="My credit score")
def my_score(request):
    snapshot = snapshot_compute(volunteer=volunteer_or_404(request))
    out = snapshot_out(snapshot)
    out["hints"] = [hint_text(h) for h in hints(inputs_of(snapshot.components), snapshot.policy)]
    return out


@router.get(
    "/credit/me/snapshots", response={200: list[SnapshotBriefOut], **ERRORS}, summary="My score history"
)
@paginate(Pagination)
def my_snapshots(request):
    return snapshot_history(volunteer_or_404(request))


@router.get("/credit/me/reviews", response={200: list[ReviewOut], **ERRORS}, summary="My review requests")
@paginate(Pagination)
def my_reviews(request):
    return own_reviews(volunteer_or_404(request))


@router.post(
    "/credit/me/reviews",
    response={201: ReviewOut, **REFUSALS},
    summary="Ask a person to review my score",
    description="One open request at a time (409 ALREADY_OPEN).",
)
def my_review_create(request, payload: ReviewIn):
    review = review_request(volunteer=volunteer_or_404(request), text=payload.text, request=request)
    return Status(201, review)


@router.get("/credit/policy", auth=None, response={200: PolicyOut}, summary="The published credit policy")
def policy(request):
    return current_policy()


# --- the city ------------------------------------------------------------------------------------------


@router.get("/credit/policies", response={200: list[PolicyOut], **ERRORS}, summary="Every policy version")
@paginate(Pagination)
def policies(request):
    if not may_read_credit_console(request.user):
        raise Http404
    return policy_list()


@router.get("/credit/reviews", response={200: list[ReviewOut], **ERRORS}, summary="Review requests")
@paginate(Pagination)
def reviews(request, filters: Query[ReviewFilter]):
    if not may_read_credit_console(request.user):
        raise Http404
    return review_list_for(request.user, status=filters.status or "")


@router.post(
    "/credit/reviews/{int:review_id}/answer",
    response={200: ReviewOut, **REFUSALS},
    summary="Answer a review request: kept or corrected",
)
def review_answer_api(request, review_id: int, payload: ReviewAnswerIn):
    _manager(request)
    review = review_get_for(request.user, review_id)
    return review_answer(
        actor=request.user,
        review=review,
        decision=payload.decision,
        reason=payload.reason,
        adjustment=payload.adjustment,
        request=request,
    )


@router.get("/credit/honors", response={200: list[HonorOut], **ERRORS}, summary="Honors")
@paginate(Pagination)
def honors(request):
    if not may_read_credit_console(request.user):
        raise Http404
    return honor_list_for(request.user)


@router.post(
    "/credit/honors",
    response={201: HonorOut, **ERRORS},
    summary="Record an honor",
    description="Of exactly one recipient: volunteer_number, organization_code or project_id.",
)
def honor_create_api(request, payload: HonorIn):
    _manager(request)
    data = payload.dict()
    project_id = data.pop("project_id", None)
    project = project_by_id(project_id) if project_id is not None else None
    honor = honor_create(actor=request.user, request=request, project=project, **data)
    return Status(201, honor)


@router.post(
    "/credit/competitions/{int:competition_id}/award-honors",
    response={200: AwardHonorsOut, **REFUSALS},
    summary="Record a published competition's awards as project honors",
    description="Idempotent: awards already recorded are skipped. Not published: 409 NOT_PUBLISHED.",
)
def award_honors_api(request, competition_id: int):
    _manager(request)
    competition = competition_or_404(competition_id)
    written = award_honors_record(actor=request.user, competition=competition, request=request)
    return {"competition_id": competition.pk, "written": written}


@router.post(
    "/credit/volunteers/{int:volunteer_id}/recompute",
    response={200: SnapshotOut, **ERRORS},
    summary="Recompute one volunteer's score now",
)
def recompute_one(request, volunteer_id: int):
    _manager(request)
    return snapshot_out(snapshot_compute(volunteer=volunteer_credit_get_for(request.user, volunteer_id)))
