"""Reads of the assessments, scoped to the user (permissions.py): 404 outside the scope.

City-wide roles read every scheme, run and result; region and organization admins read the
published lines of the units in their scope (and their villages' drill-down).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from huiguang.core.selectors import get_or_404

from ..measures import MEASURES, measure_values
from ..models import AssessmentResult, AssessmentRun, AssessmentScheme, Indicator, ManualScore
from ..permissions import assessment_results_q, may_read_all_assessments
from ..scoring import aggregate
from ..units import TOWN, VILLAGE, Unit

R = AssessmentRun.Status


def scheme_list_for(user) -> QuerySet[AssessmentScheme]:
    if not may_read_all_assessments(user):
        return AssessmentScheme.objects.none()
    return AssessmentScheme.objects.prefetch_related(
        "indicators", Prefetch("runs", queryset=AssessmentRun.objects.order_by("-period"))
    ).order_by("-year", "unit_type")


def scheme_get_for(user, pk) -> AssessmentScheme:
    return get_or_404(scheme_list_for(user), pk)


def run_list_for(user) -> QuerySet[AssessmentRun]:
    runs = AssessmentRun.objects.select_related("scheme").order_by("-period", "-pk")
    if may_read_all_assessments(user):
        return runs
    visible = AssessmentResult.objects.filter(assessment_results_q(user)).values("run_id")
    return runs.filter(status=R.PUBLISHED, pk__in=visible)


def run_get_for(user, pk) -> AssessmentRun:
    return get_or_404(run_list_for(user), pk)


def result_list_for(user, run: AssessmentRun) -> QuerySet[AssessmentResult]:
    return run.results.filter(assessment_results_q(user)).order_by("rank", "unit_path")


def result_get_for(user, pk) -> AssessmentResult:
    qs = AssessmentResult.objects.filter(assessment_results_q(user)).select_related("run", "run__scheme")
    return get_or_404(qs, pk)


def manual_indicators(run: AssessmentRun) -> list[Indicator]:
    """The scheme's manual indicators that a draft run can still be scored on."""
    return [i for i in run.scheme.indicators.all() if i.is_manual] if run.is_draft else []


def manual_scores_of(run: AssessmentRun, unit_id: str | None = None) -> QuerySet[ManualScore]:
    scores = run.manual_scores.select_related("indicator", "scored_by").order_by(
        "indicator__order", "unit_id"
    )
    return scores.filter(unit_id=unit_id) if unit_id is not None else scores


def manual_score_get_for(user, pk) -> ManualScore:
    if not may_read_all_assessments(user):
        raise Http404
    return get_or_404(ManualScore.objects.exclude(evidence_file=""), pk)


def snapshot_indicators(run: AssessmentRun) -> list[dict]:
    """The indicators as the run's results were computed (a locked run: never the edited scheme)."""
    return run.snapshot.get("indicators", [])


def villages_behind(result: AssessmentResult) -> tuple[list[dict], list[dict]]:
    """The villages and communities of a town's result: each indicator's measure for them, over the
    same period and with the same aggregation as the town's (manual indicators have none).
    Returns (the indicators, one row per village: {unit, values in the indicators' order})."""
    run = result.run
    if run.scheme.unit_type != TOWN:
        return [], []
    indicators = [i for i in snapshot_indicators(run) if i["measure"] in MEASURES]
    keys = sorted({i["measure"] for i in indicators})
    period = run.period
    months = [dt.date(period.year, m, 1) for m in range(1, period.month + 1)]
    if not any(i["period"] == Indicator.Period.YEAR_TO_DATE for i in indicators):
        months = [period]
    units: list[Unit] = []
    by_month: dict = {}
    for month in months:
        units, by_month[month] = measure_values(VILLAGE, month, keys)
    villages = [u for u in units if u.parent == result.unit_id]
    rows = []
    for village in villages:
        values = []
        for ind in indicators:
            span = months if ind["period"] == Indicator.Period.YEAR_TO_DATE else [period]
            raw, _how = aggregate(ind["measure"], [by_month[m][village.id].get(ind["measure"]) for m in span])
            values.append(raw)
        rows.append({"unit": village, "values": values})
    return indicators, rows


def breakdown_total(result: AssessmentResult) -> Decimal:
    return sum((Decimal(b["points"]) for b in result.breakdown), Decimal(0))


def indicator_get_for(user, pk) -> Indicator:
    if not may_read_all_assessments(user):
        raise Http404
    return get_or_404(Indicator.objects.select_related("scheme"), pk)
