"""Assessments (models/assessments.py): every write to schemes, indicators, runs, manual scores and
the hourly rate. The city admin only (permissions.may_edit_assessments); every other caller is
refused with PermissionDenied (the console answers 404).

A run is computed from the measures catalogue (measures.measure_values, rollups only): one call
per month of the period, each a constant number of queries, whatever the number of units. A
locked or published run is never recomputed: its results keep the breakdown and the scheme's
snapshot they were computed with (editing the scheme afterwards changes only the next runs).

Locking: a writer takes the scheme's row lock before a run's (select_for_update, in this order:
scheme, then run), so that scoring, manual scores and indicator edits of one scheme serialize and
never deadlock; locking and publishing take the run's lock alone. A manual score that loses the
race to a lock is refused (LOCKED), never written into a locked run.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused

from ..measures import MEASURES, measure_values, measures_for
from ..models import AssessmentResult, AssessmentRun, AssessmentScheme, HourlyRate, Indicator, ManualScore
from ..permissions import may_edit_assessments
from ..scoring import MANUAL, aggregate, decimal_or_none, rank_units, score_linear, score_rank
from ..units import Unit
from .evidence import evidence_check

R = AssessmentRun.Status
MAX_WEIGHT = Decimal(1000)
MAX_TARGET = Decimal(10**12)


def _require_editor(actor) -> None:
    if not may_edit_assessments(actor):
        raise PermissionDenied


# --- schemes and indicators ----------------------------------------------------------------------------


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        raise FieldErrors({"year": [_("Enter a year from 2000 to %(last)d.") % {"last": this_year + 1}]})


def scheme_create(*, actor, year: int, unit_type: str, name: str) -> AssessmentScheme:
    _require_editor(actor)
    _check_year(year)
    if unit_type not in AssessmentScheme.UnitType.values:
        raise FieldErrors({"unit_type": [_("Choose one of the options.")]})
    with transaction.atomic():
        if AssessmentScheme.objects.filter(year=year, unit_type=unit_type, name=name.strip()).exists():
            raise FieldErrors({"name": [_("This year already has a scheme of this name for these units.")]})
        scheme = AssessmentScheme.objects.create(
            year=year, unit_type=unit_type, name=name.strip(), created_by=actor
        )
        audit_log(action="reports.assessment_scheme.create", actor=actor, obj=scheme)
    return scheme


def _indicator_fields(scheme, *, measure, label, period, weight, target, rule, rank_step) -> dict:
    errors: dict[str, list[str]] = {}
    allowed = {m.key for m in measures_for(scheme.unit_type)} | {Indicator.MANUAL}
    if measure not in allowed:
        errors["measure"] = [_("Choose one of the options.")]
    if period not in Indicator.Period.values:
        errors["period"] = [_("Choose one of the options.")]
    if rule not in Indicator.Rule.values:
        errors["rule"] = [_("Choose one of the options.")]
    if weight is None or not Decimal(0) < weight <= MAX_WEIGHT:
        errors["weight"] = [_("Enter a weight above 0 and at most 1000 points.")]
    if rule == Indicator.Rule.LINEAR and (target is None or not Decimal(0) < target <= MAX_TARGET):
        errors["target"] = [_("A linear rule needs a target above 0.")]
    if rule == Indicator.Rule.RANK and (rank_step is None or not Decimal(0) <= rank_step <= MAX_WEIGHT):
        errors["rank_step"] = [_("Enter the points each next rank loses (0 to 1000).")]
    if errors:
        raise FieldErrors(errors)
    default_label = str(MEASURES[measure].label) if measure in MEASURES else ""
    return {
        "measure": measure,
        "label": (label or "").strip() or default_label or _("manual indicator"),
        "period": period,
        "weight": weight,
        "target": target if rule == Indicator.Rule.LINEAR else None,
        "rule": rule,
        "rank_step": rank_step if rule == Indicator.Rule.RANK else Decimal(0),
    }


def _bump(scheme: AssessmentScheme) -> None:
    AssessmentScheme.objects.filter(pk=scheme.pk).update(
        version=scheme.version + 1, updated_at=timezone.now()
    )
    scheme.version += 1


def indicator_add(*, actor, scheme: AssessmentScheme, **fields) -> Indicator:
    """fields: measure, label, period, weight, target, rule, rank_step."""
    _require_editor(actor)
    values = _indicator_fields(scheme, **fields)
    with transaction.atomic():
        scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        order = scheme.indicators.count()
        indicator = Indicator.objects.create(scheme=scheme, order=order, **values)
        _bump(scheme)
        audit_log(action="reports.indicator.add", actor=actor, obj=scheme, indicator=indicator.label)
    return indicator


def indicator_update(*, actor, indicator: Indicator, **fields) -> Indicator:
    _require_editor(actor)
    values = _indicator_fields(indicator.scheme, **fields)
    with transaction.atomic():
        scheme = AssessmentScheme.objects.select_for_update().get(pk=indicator.scheme_id)
        Indicator.objects.filter(pk=indicator.pk).update(**values)
        _bump(scheme)
        audit_log(action="reports.indicator.update", actor=actor, obj=scheme, indicator=values["label"])
    indicator.refresh_from_db()
    return indicator


def indicator_remove(*, actor, indicator: Indicator) -> None:
    _require_editor(actor)
    with transaction.atomic():
        scheme = AssessmentScheme.objects.select_for_update().get(pk=indicator.scheme_id)
        scores = ManualScore.objects.filter(indicator=indicator)
        if scores.exclude(run__status=R.DRAFT).exists():
            raise Refused(
                "SCORED", _("This indicator was scored in locked results: its evidence is kept, it stays.")
            )
        scores.delete()
        label = indicator.label
        indicator.delete()
        _bump(scheme)
        audit_log(action="reports.indicator.remove", actor=actor, obj=scheme, indicator=label)


# --- runs ----------------------------------------------------------------------------------------------


def _check_period(scheme: AssessmentScheme, period: dt.date) -> dt.date:
    period = period.replace(day=1)
    if period.year != scheme.year:
        raise FieldErrors({"period": [_("Choose a month of the scheme's year.")]})
    if period > timezone.localdate():
        raise FieldErrors({"period": [_("This month has not begun yet.")]})
    return period


def snapshot_of(scheme: AssessmentScheme, indicators: list[Indicator]) -> dict:
    return {
        "version": scheme.version,
        "name": scheme.name,
        "year": scheme.year,
        "unit_type": scheme.unit_type,
        "indicators": [
            {
                "id": i.pk,
                "label": i.label,
                "measure": i.measure,
                "period": i.period,
                "weight": str(i.weight),
                "target": None if i.target is None else str(i.target),
                "rule": i.rule,
                "rank_step": str(i.rank_step),
            }
            for i in indicators
        ],
    }


def _months(period: dt.date, how: str) -> list[dt.date]:
    if how == Indicator.Period.MONTH:
        return [period]
    return [dt.date(period.year, m, 1) for m in range(1, period.month + 1)]


def _raw_values(scheme, indicators, period, manual) -> tuple[list[Unit], dict]:
    """{indicator pk: {unit id: (raw, aggregation)}} and the units: each month read once."""
    keys = sorted({i.measure for i in indicators if not i.is_manual})
    longest = _months(period, Indicator.Period.YEAR_TO_DATE)
    needed = longest if any(i.period == Indicator.Period.YEAR_TO_DATE for i in indicators) else [period]
    by_month: dict[dt.date, dict] = {}
    units: list[Unit] = []
    for month in needed:
        units, by_month[month] = measure_values(scheme.unit_type, month, keys)
    raws: dict[int, dict[str, tuple]] = {}
    for ind in indicators:
        if ind.is_manual:
            raws[ind.pk] = {u.id: (manual.get((ind.pk, u.id)), MANUAL) for u in units}
            continue
        months = _months(period, ind.period)
        raws[ind.pk] = {
            u.id: aggregate(ind.measure, [by_month[m][u.id].get(ind.measure) for m in months]) for u in units
        }
    return units, raws


def _breakdowns(indicators, units, raws) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {u.id: [] for u in units}
    for ind in indicators:
        values = {uid: raw for uid, (raw, _how) in raws[ind.pk].items()}
        ranks = rank_units(values, positive_only=True)
        for unit in units:
            raw, how = raws[ind.pk][unit.id]
            if ind.rule == Indicator.Rule.RANK:
                got = score_rank(ranks.get(unit.id), weight=ind.weight, step=ind.rank_step)
            else:
                got = score_linear(raw, weight=ind.weight, target=ind.target or Decimal(0))
            out[unit.id].append(
                {
                    "indicator": ind.pk,
                    "label": ind.label,
                    "measure": ind.measure,
                    "period": ind.period,
                    "aggregation": how,
                    "raw": None if raw is None else str(raw),
                    "rule": ind.rule,
                    "weight": str(ind.weight),
                    "target": None if ind.target is None else str(ind.target),
                    "rank_step": str(ind.rank_step),
                    "rank": ranks.get(unit.id),
                    "of": len(ranks),
                    "points": str(got),
                }
            )
    return out


def run_compute(*, actor, scheme: AssessmentScheme, period: dt.date) -> AssessmentRun:
    """Score every unit of the scheme's type for the period (a draft run is recomputed; a locked
    or published one is refused)."""
    _require_editor(actor)
    period = _check_period(scheme, period)
    with transaction.atomic():
        scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        run, _created = AssessmentRun.objects.get_or_create(scheme=scheme, period=period)
        run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
        if not run.is_draft:
            raise Refused("LOCKED", _("This run is locked: its results no longer change."))
        indicators = list(scheme.indicators.all())
        if not indicators:
            raise FieldErrors({"__all__": [_("Add at least one indicator first.")]})
        manual = {(s.indicator_id, s.unit_id): s.value for s in run.manual_scores.all()}
        units, raws = _raw_values(scheme, indicators, period, manual)
        breakdowns = _breakdowns(indicators, units, raws)
        totals = {
            uid: sum((Decimal(b["points"]) for b in rows), Decimal(0)) for uid, rows in breakdowns.items()
        }
        ranks = rank_units(totals)  # type: ignore[arg-type]
        run.results.all().delete()
        AssessmentResult.objects.bulk_create(
            [
                AssessmentResult(
                    run=run,
                    unit_id=u.id,
                    unit_name=u.name,
                    unit_path=u.path,
                    total=totals[u.id],
                    rank=ranks[u.id],
                    breakdown=breakdowns[u.id],
                )
                for u in units
            ]
        )
        run.snapshot = snapshot_of(scheme, indicators)
        run.scheme_version = scheme.version
        run.computed_at = timezone.now()
        run.save(update_fields=["snapshot", "scheme_version", "computed_at"])
        audit_log(action="reports.assessment_run.compute", actor=actor, obj=run, units=len(units))
    return run


def run_lock(*, actor, run: AssessmentRun) -> AssessmentRun:
    _require_editor(actor)
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
        if not run.is_draft:
            raise Refused("LOCKED", _("This run is already locked."))
        if run.computed_at is None:
            raise Refused("NOT_COMPUTED", _("Compute the run before locking it."))
        run.status, run.locked_at = R.LOCKED, timezone.now()
        run.save(update_fields=["status", "locked_at"])
        audit_log(action="reports.assessment_run.lock", actor=actor, obj=run)
    return run


def run_publish(*, actor, run: AssessmentRun) -> AssessmentRun:
    _require_editor(actor)
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
        if run.status != R.LOCKED:
            raise Refused("NOT_LOCKED", _("Lock the run before publishing it."))
        run.status, run.published_at = R.PUBLISHED, timezone.now()
        run.save(update_fields=["status", "published_at"])
        audit_log(action="reports.assessment_run.publish", actor=actor, obj=run)
    return run


def manual_score_set(
    *, actor, run: AssessmentRun, indicator: Indicator, unit_id: str, value, evidence: str, evidence_file=None
) -> ManualScore:
    """A reviewer's value of a manual indicator for one unit, with its evidence; the run is
    recomputed so that its totals include it."""
    _require_editor(actor)
    errors: dict[str, list[str]] = {}
    if not indicator.is_manual or indicator.scheme_id != run.scheme_id:
        errors["indicator"] = [_("Choose one of the options.")]
    if not run.results.filter(unit_id=unit_id).exists():
        errors["unit"] = [_("Choose one of the options.")]
    value = decimal_or_none(value)
    if value is None or not Decimal(0) <= value <= MAX_TARGET:
        errors["value"] = [_("Enter a value of 0 or more.")]
    if not (evidence or "").strip():
        errors["evidence"] = [_("Describe the evidence.")]
    if evidence_file is not None:
        errors.update(evidence_check(evidence_file))
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        AssessmentScheme.objects.select_for_update().get(pk=run.scheme_id)  # the lock order: scheme, run
        locked = AssessmentRun.objects.select_for_update().get(pk=run.pk)
        if not locked.is_draft:
            raise Refused("LOCKED", _("This run is locked: its results no longer change."))
        score, _created = ManualScore.objects.update_or_create(
            run=locked,
            indicator=indicator,
            unit_id=unit_id,
            defaults={"value": value, "evidence": evidence.strip(), "scored_by": actor},
        )
        if evidence_file is not None:
            score.evidence_file.save(evidence_file.name, evidence_file, save=True)
        audit_log(action="reports.manual_score.set", actor=actor, obj=locked, unit=unit_id, value=str(value))
        run_compute(actor=actor, scheme=locked.scheme, period=locked.period)
    return score


# --- the hourly rate of the impact value ---------------------------------------------------------------


def hourly_rate_set(*, actor, yuan_per_hour, source: str) -> HourlyRate:
    _require_editor(actor)
    rate = decimal_or_none(yuan_per_hour)
    errors: dict[str, list[str]] = {}
    if rate is None or not Decimal("0.01") <= rate <= Decimal(10000):
        errors["yuan_per_hour"] = [_("Enter a rate from 0.01 to 10000 yuan per hour.")]
    if not (source or "").strip():
        errors["source"] = [_("Say where the rate comes from.")]
    if errors or rate is None:
        raise FieldErrors(errors)
    with transaction.atomic():
        row = HourlyRate.objects.create(yuan_per_hour=rate, source=source.strip(), set_by=actor)
        audit_log(action="reports.hourly_rate.set", actor=actor, obj=row, rate=str(rate))
    return row
