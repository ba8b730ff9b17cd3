"""API v1, competitions: the competitions, the judge's entries and scores, the public results.
A judge's individual scores never leave the organizers' pages; the results carry aggregates only."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination, RefusedOut, number_schema, text, whole_number
from huiguang.core.errors import FieldErrors

from ..permissions import may_create_competitions
from ..selectors import competitions as sel
from ..services.competitions import entry_submit
from ..services.judging import RULE_TEXT, results_publish, score_submit

router = Router(tags=["competitions"])
WRITE_ERRORS = {**ERRORS, 409: RefusedOut}
# Multipart files that may be missing: the service says what is wrong (the web form's messages).
OPTIONAL_FILE = File(None)
NO_FILES = File(None)


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


class CompetitionEntryIn(Schema):
    """A multipart form: numbers arrive as text."""

    project_id: Annotated[int, whole_number(1, query=True), number_schema(1)] = Field(
        ..., description="One of your projects (managed by your organization), not closed."
    )
    track_id: Annotated[int, whole_number(1, query=True), number_schema(1)] = Field(
        ..., description="A track of this competition."
    )
    summary: Annotated[str, text(2000), Field(max_length=2000)]


class CompetitionEntryOut(Schema):
    id: int
    competition_id: int
    project_id: int
    track_id: int
    organization_id: int
    status: str = Field(..., description="submitted, eligible or ineligible.")
    summary: str
    n_images: int
    submitted_at: dt.datetime

    @staticmethod
    def resolve_n_images(obj) -> int:
        return obj.images.count()


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


@router.post(
    "/competitions/{int:competition_id}/entries",
    response={201: CompetitionEntryOut, **WRITE_ERRORS},
    summary="Enter one of your projects",
    description="multipart/form-data: project_id, track_id, summary, the application form in "
    "`application_form` (a whole PDF of at most 10 MB) and up to 6 `images` (JPEG, PNG or WebP, "
    "checked by their content and re-encoded), with the web form's checks. Managers of a project's "
    "organization only (others: 404). Entries closed: 409.",
)
def entry_submit_api(
    request,
    competition_id: int,
    payload: Form[CompetitionEntryIn],
    application_form: UploadedFile | None = OPTIONAL_FILE,
    images: list[UploadedFile] | None = NO_FILES,
):
    competition = sel.competition_get_for(request.user, competition_id)
    projects = sel.enterable_projects(request.user)
    if not projects.exists():
        raise Http404
    project = projects.filter(pk=payload.project_id).first()
    track = competition.tracks.filter(pk=payload.track_id).first()
    errors: dict[str, list[str]] = {}
    if project is None:
        errors["project_id"] = [_("Choose one of your projects.")]
    if track is None:
        errors["track_id"] = [_("Choose a track of this competition.")]
    if project is None or track is None:
        raise FieldErrors(errors)
    entry = entry_submit(
        actor=request.user,
        competition=competition,
        project=project,
        track=track,
        summary=payload.summary,
        application_form=application_form,
        images=images or [],
        request=request,
    )
    return Status(201, entry)


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
