"""The judges' phone pages (their rounds, an entry to score) and the organizers' judging actions:
closing a round, giving an award, publishing the results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.network.permissions import console_page

from ..forms.competitions import AwardForm, ScoreForm
from ..permissions import may_organize
from ..selectors import competitions as sel
from ..services import judging as services
from .common import posted_data, refused


@login_required
def judge_home(request):
    assignments = [(judge, sel.judge_entries(judge)) for judge in sel.judge_assignments_for(request.user)]
    return render(request, "projects/judging/home.html", {"assignments": assignments})


@login_required
def judge_score(request, judge_pk: int, entry_pk: int):
    judge, entry = sel.judge_entry_get_for(request.user, judge_pk, entry_pk)
    form = ScoreForm(
        posted_data(request),
        criteria=judge.round.criteria.all(),
        initial={f"c{k}": v for k, v in sel.judge_scores(judge, entry).items()},
    )
    back = reverse("projects:judge_home")
    if request.method == "POST" and form.is_valid():
        try:
            services.score_submit(
                actor=request.user, judge=judge, entry=entry, values=form.values(), request=request
            )
        except Refused as exc:
            return refused(request, exc, back)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect(back)
    context = {"judge": judge, "entry": entry, "form": form, "blind": judge.competition.blind_review}
    return render(request, "projects/judging/score.html", context, status=form_status(form))


@require_POST
@console_page
def round_close(request, pk: int, number: int):
    competition = sel.competition_get_for(request.user, pk)
    rnd = competition.rounds.filter(number=number).first()
    if rnd is None:
        raise Http404
    back = reverse("projects:competition_detail", args=[competition.pk])
    try:
        services.round_close(actor=request.user, rnd=rnd, request=request)
    except Refused as exc:
        return refused(request, exc, back)
    messages.success(request, _("The round was closed and its ranking stored."))
    return redirect(back)


@require_POST
@console_page
def award_give(request, pk: int):
    entry = sel.entry_get_for(request.user, pk)
    form = AwardForm(request.POST, competition=entry.competition)
    back = reverse("projects:entry_detail", args=[entry.pk])
    if form.is_valid():
        try:
            services.award_give(
                actor=request.user, entry=entry, level=form.cleaned_data["level"], request=request
            )
        except Refused as exc:
            return refused(request, exc, back)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The award was given."))
            return redirect(back)
    if not may_organize(request.user, entry.competition):
        raise Http404
    context = {"form": form, "competition": entry.competition, "back": back}
    return render(request, "projects/competitions/form.html", context, status=form_status(form))


@require_POST
@console_page
def results_publish(request, pk: int):
    competition = sel.competition_get_for(request.user, pk)
    back = reverse("projects:competition_detail", args=[competition.pk])
    try:
        services.results_publish(actor=request.user, competition=competition, request=request)
    except Refused as exc:
        return refused(request, exc, back)
    messages.success(request, _("The results are published."))
    return redirect("projects:competition_results", competition.pk)
