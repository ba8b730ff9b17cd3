"""Scoring, the ranking rule, advancement, awards and publishing.

The rule (stated on the results page, RULE_TEXT):
- A judge's total for an entry is the weighted mean of his criterion scores (0–100), counted only
  when he has scored every criterion of the round.
- An entry's aggregate is the mean of its judges' totals after dropping the single highest and the
  single lowest when there are 3 totals or more (a trimmed mean); with 1 or 2, the plain mean.
- Ties on the aggregate go to the higher median of the totals, then to more top scores (totals of
  90 or more), then to the earlier submission.

`rank_entries` is a pure function of the stored scores: closing a round stores its output as
RoundResult rows, and a test recomputes it from the Score rows.

Scores are private to the organizers. After the results are published every score change is
refused (never silently rewritten): the published ranking stays the one the scores give.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused

from ..models import Award, AwardLevel, Competition, Entry, Judge, Round, RoundResult, Score
from ..permissions import may_create_competitions, may_organize
from ..signals import results_published
from .common import require

CENT = Decimal("0.01")
TOP_SCORE = Decimal("90")
RULE_TEXT = gettext_lazy(
    "Each judge's total is the weighted mean of his criterion scores (0–100). An entry's score is the "
    "mean of its judges' totals after dropping the highest and the lowest when there are 3 totals or "
    "more. Ties go to the higher median, then to more totals of 90 or more, then to the earlier submission."
)


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    aggregate: Decimal
    median: Decimal
    n_scores: int
    top_scores: int
    rank: int


def _q(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def aggregate_of(totals: list[Decimal]) -> Decimal:
    if not totals:
        return Decimal("0.00")
    kept = sorted(totals)[1:-1] if len(totals) >= 3 else totals
    return _q(sum(kept) / len(kept))


def rank_entries(totals: dict[int, list[Decimal]], submitted: dict[int, dt.datetime]) -> list[Ranked]:
    """The ranking of the entries `submitted` (entry id → submission time) from their judges' totals."""
    rows = []
    for entry_id, at in submitted.items():
        ts = totals.get(entry_id, [])
        median = _q(statistics.median(ts)) if ts else Decimal("0.00")
        top = sum(1 for t in ts if t >= TOP_SCORE)
        rows.append((aggregate_of(ts), median, top, at, entry_id, len(ts)))
    rows.sort(key=lambda r: (-r[0], -r[1], -r[2], r[3], r[4]))
    return [
        Ranked(entry_id=r[4], aggregate=r[0], median=r[1], n_scores=r[5], top_scores=r[2], rank=i)
        for i, r in enumerate(rows, start=1)
    ]


def judge_totals(rnd: Round) -> dict[int, list[Decimal]]:
    """Entry id → the totals of the judges who scored every criterion of the round (one query)."""
    weights = dict(rnd.criteria.values_list("pk", "weight"))
    if not weights:
        return {}
    by_pair: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for judge_id, entry_id, criterion_id, value in Score.objects.filter(judge__round=rnd).values_list(
        "judge_id", "entry_id", "criterion_id", "value"
    ):
        by_pair[(judge_id, entry_id)][criterion_id] = value
    totals: dict[int, list[Decimal]] = defaultdict(list)
    weight_sum = sum(weights.values())
    for (_judge, entry_id), values in sorted(by_pair.items()):
        if set(values) == set(weights):
            totals[entry_id].append(_q(Decimal(sum(values[c] * w for c, w in weights.items())) / weight_sum))
    return totals


def rank_round(rnd: Round) -> list[Ranked]:
    entries = Entry.objects.filter(current_round=rnd, status=Entry.Status.ELIGIBLE)
    submitted = dict(entries.values_list("pk", "submitted_at"))
    if rnd.status == Round.Status.CLOSED:  # the entries that were in it when it closed
        submitted = dict(rnd.results.values_list("entry_id", "entry__submitted_at"))
    return rank_entries(judge_totals(rnd), submitted)


def _require_not_published(competition: Competition) -> None:
    if competition.status == Competition.Status.PUBLISHED:
        raise Refused("published", _("The results are published: scores and rankings are no longer changed."))


def score_submit(*, actor, judge: Judge, entry: Entry, values: dict[int, int], request=None) -> list[Score]:
    """The judge's scores of an entry, one per criterion (replacing his earlier ones). The caller
    got `entry` through selectors.competitions.judge_entry_get_for (404 on a conflict)."""
    require(judge.user_id == actor.pk)
    _require_not_published(judge.competition)
    rnd = judge.round
    if rnd.status == Round.Status.CLOSED:
        raise Refused("round_closed", _("This round is closed: its scores are final."))
    criteria = list(rnd.criteria.all())
    errors = {}
    for c in criteria:
        v = values.get(c.pk)
        if v is None or not 0 <= v <= 100:
            errors[f"c{c.pk}"] = [_("Enter a score from 0 to 100.")]
    if errors or not criteria:
        raise FieldErrors(errors or {"__all__": [_("This round has no criteria yet.")]})
    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=rnd.pk).first()
        if Round.objects.filter(pk=rnd.pk, status=Round.Status.CLOSED).exists():
            raise Refused("round_closed", _("This round is closed: its scores are final."))
        scores = []
        for c in criteria:
            score, _created = Score.objects.update_or_create(
                judge=judge, entry=entry, criterion=c, defaults={"value": values[c.pk]}
            )
            scores.append(score)
        audit_log(action="score_submitted", actor=actor, obj=entry, request=request, round=rnd.number)
    return scores


def round_close(*, actor, rnd: Round, request=None) -> list[RoundResult]:
    """Close a round: store its ranking and move the first `advance_count` entries to the next round."""
    competition = rnd.competition
    require(may_organize(actor, competition))
    _require_not_published(competition)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=rnd.pk)
        if locked.status == Round.Status.CLOSED:
            raise Refused("round_closed", _("This round is already closed."))
        if competition.rounds.filter(number__lt=rnd.number, status=Round.Status.OPEN).exists():
            raise Refused("earlier_open", _("Close the earlier rounds first."))
        ranking = rank_round(locked)
        following = competition.rounds.filter(number__gt=rnd.number).order_by("number").first()
        advancing = {r.entry_id for r in ranking[: rnd.advance_count]} if following else set()
        results = RoundResult.objects.bulk_create(
            RoundResult(
                round=locked,
                entry_id=r.entry_id,
                aggregate=r.aggregate,
                median=r.median,
                n_scores=r.n_scores,
                rank=r.rank,
                advanced=r.entry_id in advancing,
            )
            for r in ranking
        )
        if advancing:
            Entry.objects.filter(pk__in=advancing).update(current_round=following)
        Round.objects.filter(pk=rnd.pk).update(status=Round.Status.CLOSED, closed_at=timezone.now())
        audit_log(
            action="round_closed",
            actor=actor,
            obj=competition,
            request=request,
            round=rnd.number,
            ranking=[[r.entry_id, str(r.aggregate)] for r in ranking],
        )
    rnd.status = Round.Status.CLOSED
    return results


def award_give(*, actor, entry: Entry, level: AwardLevel, request=None) -> Award:
    """An award level to an entry ranked in the closed final round."""
    competition = entry.competition
    require(may_organize(actor, competition))
    _require_not_published(competition)
    if level.competition_id != competition.pk:
        raise FieldErrors({"level": [_("Choose an award level of this competition.")]})
    final = competition.rounds.order_by("-number").first()
    if final is None or final.status != Round.Status.CLOSED or not final.results.filter(entry=entry).exists():
        raise Refused("not_final", _("Awards go to the entries of the closed final round."))
    with transaction.atomic():
        AwardLevel.objects.select_for_update().filter(pk=level.pk).first()
        if Award.objects.filter(entry=entry).exists():
            raise Refused("awarded", _("This entry already has an award."))
        if level.awards.count() >= level.places:
            raise Refused("full", _("Every place of this award level is given."))
        award = Award.objects.create(level=level, entry=entry, awarded_by=actor)
        audit_log(action="award_given", actor=actor, obj=entry, request=request, level=level.name)
    return award


def results_publish(*, actor, competition: Competition, request=None) -> Competition:
    """The city publishes the results: the final ranking's aggregates and the awards, publicly."""
    require(may_create_competitions(actor))
    _require_not_published(competition)
    final = competition.rounds.order_by("-number").first()
    if final is None or final.status != Round.Status.CLOSED:
        raise Refused("final_open", _("Close the final round before publishing the results."))
    with transaction.atomic():
        updated = Competition.objects.filter(pk=competition.pk).exclude(status=Competition.Status.PUBLISHED)
        if not updated.update(status=Competition.Status.PUBLISHED, published_at=timezone.now()):
            raise Refused("published", _("The results are already published."))
        audit_log(action="results_published", actor=actor, obj=competition, request=request)
        competition.refresh_from_db()
        results_published.send(sender=Competition, competition=competition, actor=actor, request=request)
    return competition
