"""API v1, assessments (read): schemes with their indicators, runs, and every unit's result with the
breakdown of each point. City-wide roles read everything; region and organization admins read the
published lines of the units in their scope; anything else answers 404."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination

from ..breakdown import readable
from ..permissions import may_read_assessments
from ..selectors.assessments import (
    result_list_for,
    run_get_for,
    run_list_for,
    scheme_get_for,
    scheme_list_for,
)
from ..services.assessments import snapshot_of

router = Router(tags=["reports"])


class AssessmentIndicatorOut(Schema):
    id: int
    label: str
    measure: str = Field(..., description="A key of the measures catalogue, or `manual`.")
    period: str = Field(..., description="`ytd` (the year to date) or `month`.")
    weight: str = Field(..., description="The most points it gives (decimal as text).")
    target: str | None = Field(..., description="Linear rule: the value that earns the whole weight.")
    rule: str = Field(..., description="`linear` (to the target, capped) or `rank`.")
    rank_step: str = Field(..., description="Rank rule: points less for each next rank.")


class AssessmentSchemeOut(Schema):
    id: int
    year: int
    unit_type: str
    name: str
    version: int
    indicators: list[AssessmentIndicatorOut]


class AssessmentRunOut(Schema):
    id: int
    scheme_id: int
    period: dt.date = Field(..., description="The first day of the month assessed.")
    status: str = Field(..., description="draft, locked or published.")
    scheme_version: int = Field(..., description="The scheme version the results were computed with.")


class AssessmentLineOut(Schema):
    indicator: int
    label: str
    measure: str
    aggregation: str
    raw: str | None = Field(..., description="The unit's value over the period (decimal as text).")
    rule: str
    rule_text: str = Field(..., description="How the points were computed, in the user's language.")
    rank: int | None
    points: str


class AssessmentResultOut(Schema):
    unit_id: str
    unit_name: str
    rank: int
    total: str = Field(..., description="The sum of the breakdown's points.")
    breakdown: list[AssessmentLineOut]


class AssessmentRunDetailOut(AssessmentRunOut):
    indicators: list[AssessmentIndicatorOut] = Field(
        ..., description="The indicators as the results were computed."
    )
    results: list[AssessmentResultOut]


def _scheme(s) -> dict:
    indicators = snapshot_of(s, list(s.indicators.all()))["indicators"]
    return {
        "id": s.pk,
        "year": s.year,
        "unit_type": s.unit_type,
        "name": s.name,
        "version": s.version,
        "indicators": indicators,
    }


def _reader(request) -> None:
    if not may_read_assessments(request.user):
        raise Http404


@router.get(
    "/reports/assessment-schemes",
    response={200: list[AssessmentSchemeOut], **ERRORS},
    summary="Assessment schemes",
    description="City-wide roles only; others get an empty list.",
)
@paginate(Pagination)
def schemes(request):
    _reader(request)
    return [_scheme(s) for s in scheme_list_for(request.user)]


@router.get(
    "/reports/assessment-schemes/{pk}", response={200: AssessmentSchemeOut, **ERRORS}, summary="One scheme"
)
def scheme(request, pk: int):
    return _scheme(scheme_get_for(request.user, pk))


@router.get(
    "/reports/assessment-runs",
    response={200: list[AssessmentRunOut], **ERRORS},
    summary="Assessment runs",
    description="Every run (city-wide roles) or the published runs with a unit in your scope.",
)
@paginate(Pagination)
def runs(request):
    _reader(request)
    return run_list_for(request.user)


@router.get(
    "/reports/assessment-runs/{pk}",
    response={200: AssessmentRunDetailOut, **ERRORS},
    summary="One run's results and breakdown",
    description="Every unit in your scope: total, rank and the breakdown of every point.",
)
def run(request, pk: int):
    found = run_get_for(request.user, pk)
    results = [
        {
            "unit_id": r.unit_id,
            "unit_name": r.unit_name,
            "rank": r.rank,
            "total": str(r.total),
            "breakdown": readable(r.breakdown),
        }
        for r in result_list_for(request.user, found)
    ]
    return {
        "id": found.pk,
        "scheme_id": found.scheme_id,
        "period": found.period,
        "status": found.status,
        "scheme_version": found.scheme_version,
        "indicators": found.snapshot.get("indicators", []),
        "results": results,
    }
