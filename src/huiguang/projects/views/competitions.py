"""Console pages of competitions (organizers and entering organizations) and the public results.
PermissionDenied from a service answers 404 (console_page), Refused the page that says why (409),
FieldErrors the form (422)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.network.permissions import console_page

from ..forms.competitions import (
    AwardForm,
    AwardLevelForm,
    CompetitionForm,
    CriterionForm,
    EntryForm,
    JudgeForm,
    ReviewForm,
    RoundForm,
    TrackForm,
)
from ..permissions import may_create_competitions, may_organize, may_read_as_organizer
from ..selectors import competitions as sel
from ..services import competitions as services
from ..services.judging import RULE_TEXT
from .common import posted, posted_data, refused


@console_page
def competition_list(request):
    context = {
        "competitions": sel.competition_list_for(request.user),
        "may_create": may_create_competitions(request.user),
    }
    return render(request, "projects/competitions/list.html", context)


@console_page
def competition_create(request):
    if not may_create_competitions(request.user):
        raise Http404
    form = CompetitionForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            competition = services.competition_create(
                actor=request.user, request=request, **form.service_kwargs()
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            return redirect("projects:competition_detail", competition.pk)
    context = {"form": form, "back": reverse("projects:competition_list")}
    return render(request, "projects/competitions/form.html", context, status=form_status(form))


@console_page
def competition_detail(request, pk: int):
    competition = sel.competition_get_for(request.user, pk)
    organizer = may_read_as_organizer(request.user, competition)
    manages = may_organize(request.user, competition)
    context = {
        "competition": competition,
        "organizer": organizer,
        "manages": manages,
        "may_publish": may_create_competitions(request.user),
        "entries": sel.entries_for_organizer(competition) if organizer else None,
        "judges": sel.judges_of(competition) if organizer else None,
        "my_entries": sel.entries_of_user(request.user, competition),
        "may_enter": sel.enterable_projects(request.user).exists(),
        "rule": RULE_TEXT,
    }
    if manages:
        context |= {
            "forms": {
                "track": TrackForm(),
                "round": RoundForm(),
                "criterion": CriterionForm(competition=competition),
                "judge": JudgeForm(competition=competition),
                "award_level": AwardLevelForm(),
            }
        }
    return render(request, "projects/competitions/detail.html", context)


def _setup_call(part: str, form, competition, actor, request):
    data = dict(form.cleaned_data)
    common = {"actor": actor, "request": request}
    if part == "track":
        return services.track_add(competition=competition, **data, **common)
    if part == "round":
        return services.round_add(competition=competition, **data, **common)
    if part == "criterion":
        return services.criterion_add(**data, **common)
    if part == "judge":
        return services.judge_add(
            round=data["round"], user=data["phone"], conflicts=data["conflicts"], **common
        )
    return services.award_level_add(competition=competition, **form.service_kwargs(), **common)


SETUP_FORMS = {
    "track": TrackForm,
    "round": RoundForm,
    "criterion": CriterionForm,
    "judge": JudgeForm,
    "award_level": AwardLevelForm,
}


@console_page
def competition_setup(request, pk: int, part: str):
    """The organizers' small forms: a track, a round, a criterion, a judge, an award level."""
    competition = sel.competition_get_for(request.user, pk)
    if part not in SETUP_FORMS or not may_organize(request.user, competition):
        raise Http404
    form_class = SETUP_FORMS[part]
    kwargs = {"competition": competition} if part in ("criterion", "judge") else {}
    form = form_class(posted_data(request), **kwargs)
    back = reverse("projects:competition_detail", args=[competition.pk])
    if request.method == "POST" and form.is_valid():
        try:
            _setup_call(part, form, competition, request.user, request)
        except Refused as exc:
            return refused(request, exc, back)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    context = {"form": form, "competition": competition, "back": back}
    return render(request, "projects/competitions/form.html", context, status=form_status(form))


@console_page
def entry_submit(request, pk: int):
    competition = sel.competition_get_for(request.user, pk)
    projects = sel.enterable_projects(request.user)
    if not projects.exists():
        raise Http404
    form = EntryForm(*posted(request), competition=competition, projects=projects)
    back = reverse("projects:competition_detail", args=[competition.pk])
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_submit(
                actor=request.user, competition=competition, request=request, **form.cleaned_data
            )
        except Refused as exc:
            return refused(request, exc, back)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The entry was submitted."))
            return redirect("projects:entry_detail", entry.pk)
    context = {"form": form, "competition": competition, "back": back, "multipart": True}
    return render(request, "projects/competitions/form.html", context, status=form_status(form))


@console_page
def entry_detail(request, pk: int):
    entry = sel.entry_get_for(request.user, pk)
    competition = entry.competition
    organizer = may_read_as_organizer(request.user, competition)
    manages = may_organize(request.user, competition)
    context = {
        "entry": entry,
        "competition": competition,
        "organizer": organizer,
        "scores": sel.scores_of_entry(entry) if organizer else None,
        "review_form": ReviewForm() if manages else None,
        "award_form": AwardForm(competition=competition) if manages else None,
    }
    return render(request, "projects/competitions/entry.html", context)


@require_POST
@console_page
def entry_review(request, pk: int):
    entry = sel.entry_get_for(request.user, pk)
    form = ReviewForm(request.POST)
    back = reverse("projects:entry_detail", args=[entry.pk])
    if form.is_valid():
        try:
            services.entry_review(actor=request.user, entry=entry, request=request, **form.cleaned_data)
        except Refused as exc:
            return refused(request, exc, back)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The review was saved."))
            return redirect(back)
    if not may_organize(request.user, entry.competition):
        raise Http404
    context = {"form": form, "competition": entry.competition, "back": back}
    return render(request, "projects/competitions/form.html", context, status=form_status(form))


def competition_results(request, pk: int):
    """The public results: the final ranking's aggregates and the awards, never a judge's score."""
    competition = sel.published_get(pk)
    final = competition.rounds.order_by("-number").first()
    context = {
        "competition": competition,
        "final": final,
        "results": sel.results_of(final) if final else [],
        "awards": sel.awards_of(competition),
        "rule": RULE_TEXT,
    }
    return render(request, "projects/competitions/results.html", context)
