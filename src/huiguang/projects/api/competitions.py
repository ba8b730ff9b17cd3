"""API v1, competitions: the competitions, the judge's entries and scores, the public results.
A judge's individual scores never leave the organizers' pages; the results carry aggregates only."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination, RefusedOut, number_schema, whole_number

from ..permissions import may_create_competitions
from ..selectors import competitions as sel
from ..services.judging import RULE_TEXT, results_publish, score_submit

router = Router(tags=["competitions"])
WRITE_ERRORS = {**ERRORS, 409: RefusedOut}


class RoundOut(Schema):
    number: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    venue: str
    advance_count: int
    status: str


class CompetitionOut(Schema):
    id: int
    name: str
    year: int
    status: str = Field(..., description="open or published.")
    entries_close_on: dt.date
    blind_review: bool
    co_hosts: list[str]
    n_entries: int

    @staticmethod
    def resolve_co_hosts(obj):
        return [o.name for o in obj.co_hosts.all()]


class CompetitionDetailOut(CompetitionOut):
    entry_rules: str
    rounds: list[RoundOut]

    @staticmethod
    def resolve_rounds(obj):
        return list(obj.rounds.all())


class CriterionOut(Schema):
    id: int
    name: str
    weight: int


class JudgeEntryOut(Schema):
    judge_id: int
    entry_id: int
    competition_name: str
    round_name: str
    project_name: str
    organization_name: str | None = Field(..., description="null under blind review.")
    track_name: str
    scored: bool
    criteria: list[CriterionOut]


class ScoreIn(Schema):
    criterion_id: Annotated[int, whole_number(1), number_schema(1)]
    value: Annotated[int, whole_number(0, 100), number_schema(0, 100)]


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(..., max_length=50)


class ScoresOut(Schema):
    entry_id: int
    scores: dict[int, int]


class ResultOut(Schema):
    rank: int
    entry_id: int
    project_name: str = Field(..., alias="entry.project.name")
    organization_name: str = Field(..., alias="entry.organization.name")
    aggregate: Decimal
    median: Decimal
    n_scores: int
    award: str | None
    prize_fen: int | None

    @staticmethod
    def resolve_award(obj):
        award = getattr(obj.entry, "award", None)
        return award.level.name if award else None

    @staticmethod
    def resolve_prize_fen(obj):
        award = getattr(obj.entry, "award", None)
        return award.level.prize_fen if award else None


class ResultsOut(Schema):
    competition_id: int
    name: str
    published_at: dt.datetime
    rule: str
    results: list[ResultOut]


@router.get(
    "/competitions",
    response={200: list[CompetitionOut], **ERRORS},
    summary="Competitions",
    description="Every competition for console users; an empty list for others.",
)
@paginate(Pagination)
def competitions(request):
    return sel.competition_list_for(request.user)


@router.get(
    "/competitions/{int:competition_id}",
    response={200: CompetitionDetailOut, **ERRORS},
    summary="One competition",
)
def competition(request, competition_id: int):
    return sel.competition_get_for(request.user, competition_id)


@router.get(
    "/competitions/{int:competition_id}/results",
    response={200: ResultsOut, 404: ERRORS[404]},
    auth=None,
    summary="Published results",
    description="Public once published (404 before): the final round's ranking with aggregates and awards.",
)
def results(request, competition_id: int):
    competition = sel.published_get(competition_id)
    final = competition.rounds.order_by("-number").first()
    return {
        "competition_id": competition.pk,
        "name": competition.name,
        "published_at": competition.published_at,
        "rule": str(RULE_TEXT),
        "results": list(sel.results_of(final)) if final else [],
    }


@router.post(
    "/competitions/{int:competition_id}/publish",
    response={200: CompetitionOut, **WRITE_ERRORS},
    summary="Publish the results",
    description="City admins only (others: 404). The final round must be closed (409 otherwise).",
)
def publish(request, competition_id: int):
    if not may_create_competitions(request.user):
        raise Http404
    competition = sel.competition_get_for(request.user, competition_id)
    results_publish(actor=request.user, competition=competition, request=request)
    return sel.competition_get_for(request.user, competition_id)


@router.get(
    "/judge/entries",
    response={200: list[JudgeEntryOut], **ERRORS},
    summary="The entries I judge",
    description="The eligible entries of the rounds you judge, never one of your own organizations.",
)
def judge_entries(request):
    rows = []
    for judge in sel.judge_assignments_for(request.user):
        criteria = list(judge.round.criteria.all())
        for e in sel.judge_entries(judge):
            rows.append(
                {
                    "judge_id": judge.pk,
                    "entry_id": e.pk,
                    "competition_name": judge.competition.name,
                    "round_name": judge.round.name,
                    "project_name": e.project.name,
                    "organization_name": None if judge.competition.blind_review else e.organization.name,
                    "track_name": e.track.name,
                    "scored": bool(e.n_scored),  # type: ignore[attr-defined]
                    "criteria": criteria,
                }
            )
    return rows


@router.post(
    "/judge/{int:judge_id}/entries/{int:entry_id}/scores",
    response={200: ScoresOut, **WRITE_ERRORS},
    summary="Score an entry",
    description="Every criterion of the round, 0–100. An entry of your own organization: 404. "
    "A closed round or published results: 409.",
)
def score(request, judge_id: int, entry_id: int, payload: ScoresIn):
    judge, entry = sel.judge_entry_get_for(request.user, judge_id, entry_id)
    values = {s.criterion_id: s.value for s in payload.scores}
    score_submit(actor=request.user, judge=judge, entry=entry, values=values, request=request)
    return {"entry_id": entry.pk, "scores": sel.judge_scores(judge, entry)}
