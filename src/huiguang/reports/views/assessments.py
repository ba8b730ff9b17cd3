"""The assessments' pages (console): schemes and their indicators, runs with every unit's total and
breakdown, manual scores with evidence, lock, publish, the .xlsx export and a town's drill-down to
its villages. Writes: the city admin (services refuse others with PermissionDenied → 404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import INVALID_FORM_STATUS, form_status, show_errors
from huiguang.network.permissions import console_page

from ..breakdown import readable
from ..exports.assessments import assessment_run_xlsx
from ..forms.assessments import IndicatorForm, ManualScoreForm, RunForm, SchemeForm
from ..permissions import may_edit_assessments, may_read_assessments
from ..selectors.assessments import (
    indicator_get_for,
    manual_indicators,
    manual_score_get_for,
    manual_scores_of,
    result_get_for,
    result_list_for,
    run_get_for,
    run_list_for,
    scheme_get_for,
    scheme_list_for,
    snapshot_indicators,
    villages_behind,
)
from ..services import assessments as svc

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@console_page
def assessment_list(request):
    if not may_read_assessments(request.user):
        raise Http404
    context = {
        "schemes": scheme_list_for(request.user),
        "runs": run_list_for(request.user)[:50],
        "may_edit": may_edit_assessments(request.user),
    }
    return render(request, "reports/assessments/list.html", context)


@console_page
def scheme_create(request):
    if not may_edit_assessments(request.user):
        raise Http404
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = svc.scheme_create(actor=request.user, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The scheme is created: add its indicators."))
            return redirect("reports:scheme_detail", scheme.pk)
    return render(request, "reports/assessments/scheme_form.html", {"form": form}, status=form_status(form))


def _scheme_page(request, scheme, *, indicator_form=None, run_form=None, status=200):
    indicators = list(scheme.indicators.all())
    context = {
        "scheme": scheme,
        "indicators": indicators,
        "weight_total": sum(i.weight for i in indicators),
        "indicator_form": indicator_form or IndicatorForm(scheme=scheme),
        "run_form": run_form or RunForm(scheme=scheme),
        "may_edit": may_edit_assessments(request.user),
    }
    return render(request, "reports/assessments/scheme_detail.html", context, status=status)


@console_page
def scheme_detail(request, pk):
    return _scheme_page(request, scheme_get_for(request.user, pk))


@console_page
@require_POST
def indicator_add(request, pk):
    scheme = scheme_get_for(request.user, pk)
    if not may_edit_assessments(request.user):
        raise Http404
    form = IndicatorForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            svc.indicator_add(actor=request.user, scheme=scheme, **form.service_fields())
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The indicator is added."))
            return redirect("reports:scheme_detail", scheme.pk)
    return _scheme_page(request, scheme, indicator_form=form, status=INVALID_FORM_STATUS)


@console_page
def indicator_edit(request, pk):
    indicator = indicator_get_for(request.user, pk)
    if not may_edit_assessments(request.user):
        raise Http404
    fields = ("measure", "label", "period", "weight", "target", "rule", "rank_step")
    initial = {f: getattr(indicator, f) for f in fields}
    form = IndicatorForm(request.POST or None, scheme=indicator.scheme, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.indicator_update(actor=request.user, indicator=indicator, **form.service_fields())
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The indicator is saved."))
            return redirect("reports:scheme_detail", indicator.scheme_id)
    context = {"form": form, "indicator": indicator}
    return render(request, "reports/assessments/indicator_form.html", context, status=form_status(form))


@console_page
@require_POST
def indicator_remove(request, pk):
    indicator = indicator_get_for(request.user, pk)
    try:
        svc.indicator_remove(actor=request.user, indicator=indicator)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The indicator is removed."))
    return redirect("reports:scheme_detail", indicator.scheme_id)


@console_page
@require_POST
def run_compute(request, pk):
    scheme = scheme_get_for(request.user, pk)
    if not may_edit_assessments(request.user):
        raise Http404
    form = RunForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            run = svc.run_compute(actor=request.user, scheme=scheme, period=form.cleaned_data["period"])
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Every unit is scored."))
            return redirect("reports:run_detail", run.pk)
    return _scheme_page(request, scheme, run_form=form, status=INVALID_FORM_STATUS)


def _with_lines(results):
    for result in results:
        result.lines = readable(result.breakdown)
    return results


def _run_page(request, run, *, score_form=None, status=200):
    results = _with_lines(list(result_list_for(request.user, run)))
    editor = may_edit_assessments(request.user)
    indicators = manual_indicators(run) if editor else []
    if score_form is None and indicators:
        score_form = ManualScoreForm(indicators=indicators, units=results)
    context = {
        "run": run,
        "results": results,
        "indicators": snapshot_indicators(run),
        "scores": manual_scores_of(run) if editor else [],
        "score_form": score_form,
        "may_edit": editor,
    }
    return render(request, "reports/assessments/run_detail.html", context, status=status)


@console_page
def run_detail(request, pk):
    return _run_page(request, run_get_for(request.user, pk))


def _run_step(request, pk, step, done_message):
    run = run_get_for(request.user, pk)
    try:
        step(actor=request.user, run=run)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done_message)
    return redirect("reports:run_detail", run.pk)


@console_page
@require_POST
def run_lock(request, pk):
    return _run_step(
        request, pk, svc.run_lock, _("The run is locked: editing the scheme no longer changes it.")
    )


@console_page
@require_POST
def run_publish(request, pk):
    return _run_step(
        request, pk, svc.run_publish, _("The results are published to the units' administrators.")
    )


@console_page
def run_export(request, pk):
    run = run_get_for(request.user, pk)
    response = HttpResponse(
        assessment_run_xlsx(run, list(result_list_for(request.user, run))), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="assessment-{run.pk}-{run.period:%Y-%m}.xlsx"'
    return response


@console_page
@require_POST
def manual_score(request, pk):
    run = run_get_for(request.user, pk)
    indicators = manual_indicators(run)
    if not may_edit_assessments(request.user) or not indicators:
        raise Http404
    results = list(result_list_for(request.user, run))
    form = ManualScoreForm(request.POST, request.FILES, indicators=indicators, units=results)
    if form.is_valid():
        data = form.cleaned_data
        indicator = next(i for i in indicators if str(i.pk) == data["indicator"])
        try:
            svc.manual_score_set(
                actor=request.user,
                run=run,
                indicator=indicator,
                unit_id=data["unit"],
                value=data["value"],
                evidence=data["evidence"],
                evidence_file=data["evidence_file"],
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The score is saved and the run recomputed."))
            return redirect("reports:run_detail", run.pk)
    return _run_page(request, run, score_form=form, status=INVALID_FORM_STATUS)


@console_page
def evidence(request, pk):
    score = manual_score_get_for(request.user, pk)
    return FileResponse(score.evidence_file.open("rb"), as_attachment=True)


@console_page
def result_detail(request, pk):
    result = result_get_for(request.user, pk)
    indicators, villages = villages_behind(result)
    _with_lines([result])
    editor = may_edit_assessments(request.user)
    context = {
        "result": result,
        "run": result.run,
        "village_indicators": indicators,
        "villages": villages,
        "scores": manual_scores_of(result.run, result.unit_id) if editor else [],
    }
    return render(request, "reports/assessments/result_detail.html", context)
