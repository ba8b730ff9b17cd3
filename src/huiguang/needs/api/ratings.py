"""API v1, 评单: the rating link works without login (a signed one-time token); rating figures per team,
category, region and month for the console."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from huiguang.core.api import ERRORS, FieldErrorsOut, RefusedOut
from huiguang.core.errors import FieldErrors

from ..selectors.requests import GROUPS, rating_figures, ratings_for
from ..services.ratings import rating_invite_for, rating_submit
from .schemas import FigureFilter, FigureOut, RatingIn, RatingLinkOut, RatingOut

router = Router(tags=["needs"])
LINK_ERRORS = {404: RefusedOut, 410: RefusedOut}


@router.get(
    "/needs/ratings/{str:token}",
    auth=None,
    response={200: RatingLinkOut, **LINK_ERRORS},
    summary="What a rating link rates",
    description="404 `invalid` for a forged, altered or unknown token; 410 `used` or `expired`.",
)
def link(request, token: str):
    req = rating_invite_for(token).request
    return {
        "number": req.number,
        "category": req.category.name,
        "organization": req.organization.name if req.organization is not None else None,
    }


@router.post(
    "/needs/ratings/{str:token}",
    auth=None,
    response={201: RatingOut, **LINK_ERRORS, 422: FieldErrorsOut},
    summary="Rate a request (评单)",
    description="1–5 and a comment, once per link: a second use answers 410 `used`.",
)
def rate(request, token: str, payload: RatingIn):
    return Status(
        201, rating_submit(token=token, score=payload.score, comment=payload.comment, request=request)
    )


@router.get(
    "/needs/ratings",
    response={200: list[FigureOut], **ERRORS, 422: FieldErrorsOut},
    summary="Rating figures",
    description="Count and average of residents' ratings the caller may read, grouped by `by`.",
)
def figures(request, filters: Query[FigureFilter]):
    by = tuple(part.strip() for part in filters.by.split(",") if part.strip())
    if not by or any(name not in GROUPS for name in by):
        raise FieldErrors({"by": [_("Group by organization, category, region or month.")]})
    rows = rating_figures(ratings_for(request.user), by=by)
    keys = [f for name in by for f in GROUPS[name]]
    return [
        {
            "key": {k: (str(row[k]) if k == "month" else row[k]) for k in keys},
            "ratings": row["ratings"],
            "average": round(float(row["average"]), 2),
        }
        for row in rows
    ]
