"""Schemas of the credit API."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from huiguang.core.api import choice, enum_schema, number_schema, text, whole_number

from ..models import CreditReview, Honor

Text500 = Annotated[str, text(500), Field(max_length=500)]
Text200 = Annotated[str, text(200), Field(max_length=200)]
Text2000 = Annotated[str, text(2000), Field(max_length=2000)]
Code32 = Annotated[str, text(32), Field(max_length=32)]
Adjustment = Annotated[int, whole_number(-200, 200), number_schema(-200, 200)]


class ComponentOut(Schema):
    key: str = Field(..., description="hours, regularity, reliability, quality, growth, penalties or review.")
    label: str
    inputs: dict[str, int] = Field(..., description="What the points were computed from.")
    params: dict[str, float] = Field(..., description="The policy's numbers for this component.")
    formula: str = Field(..., description="The computation with the numbers put in.")
    points: int
    cap: int | None = Field(..., description="The most (penalties: the least) the component gives.")


class SnapshotOut(Schema):
    id: int
    volunteer_id: int
    score: int = Field(..., description="0 to 1000; a newcomer scores about 300.")
    band: str
    policy_version: int
    source: str = Field(..., description="nightly, on_demand or review.")
    computed_at: datetime
    base: int = Field(..., description="The policy's base points.")
    components: list[ComponentOut]


class SnapshotBriefOut(Schema):
    id: int
    score: int
    band: str
    policy_version: int
    source: str
    computed_at: datetime


class MyScoreOut(SnapshotOut):
    hints: list[str] = Field(..., description="What would raise the score, computed from the policy.")


class PolicyOut(Schema):
    version: int
    base: int
    components: dict[str, dict[str, float]]
    bands: list[dict[str, int | str]]
    description: str
    effective_from: datetime


class ReviewIn(Schema):
    text: Text500 = Field(..., description="What should be reviewed, and why.")


class ReviewOut(Schema):
    id: int
    volunteer_id: int
    snapshot_id: int
    score: int = Field(..., description="The score under review.")
    request_text: str
    status: str = Field(..., description="open, kept or corrected.")
    adjustment: int
    answer: str
    answered_at: datetime | None
    outcome_id: int | None = Field(..., description="The corrected snapshot.")
    created_at: datetime

    @staticmethod
    def resolve_score(obj) -> int:
        return obj.snapshot.score


class ReviewAnswerIn(Schema):
    decision: Annotated[str, choice(CreditReview.Status), enum_schema(CreditReview.Status, query=False)] = (
        Field(..., description="kept or corrected.")
    )
    reason: Text500
    adjustment: Adjustment = Field(0, description="Points added (or taken) by a correction, ±200, not 0.")


class ReviewFilter(Schema):
    status: Annotated[str | None, choice(CreditReview.Status), enum_schema(CreditReview.Status)] = Field(
        None, description="Only reviews in this status."
    )


class HonorIn(Schema):
    volunteer_number: Code32 = Field("", description="The honored volunteer (exactly one recipient).")
    organization_code: Code32 = Field("", description="The honored organization (exactly one recipient).")
    project_id: Annotated[int | None, whole_number(1), number_schema(1)] = Field(
        None, description="The honored service project (exactly one recipient); feeds no volunteer's score."
    )
    title: Text200
    level: Annotated[str, choice(Honor.Level), enum_schema(Honor.Level, query=False)] = Field(
        ..., description="city, province or national."
    )
    issuer: Text200
    awarded_on: date
    citation: Text2000 = ""


class HonorOut(Schema):
    id: int
    volunteer_id: int | None
    organization_id: int | None
    project_id: int | None
    award_id: int | None = Field(..., description="The competition award this honor records, if any.")
    title: str
    level: str
    issuer: str
    awarded_on: date
    citation: str
    has_evidence: bool

    @staticmethod
    def resolve_has_evidence(obj) -> bool:
        return bool(obj.evidence)


class AwardHonorsOut(Schema):
    competition_id: int
    written: int = Field(..., description="Honors written now; awards already recorded are skipped.")
