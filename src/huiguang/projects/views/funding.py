"""Funding pages: the city's funding console (funders, programmes, overdue milestones), a
programme's view and export, a grant's milestones and disbursements, mentors, the project's
milestone reports, and the mentor's phone pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.network.permissions import console_page

from ..exports import programme_xlsx
from ..forms.common import fen
from ..forms.funding import (
    DisbursementForm,
    FunderForm,
    GrantForm,
    MentorForm,
    MilestoneForm,
    MilestoneReportForm,
    ProgrammeForm,
    ReviewForm,
)
from ..permissions import is_mentor, may_manage_funding, may_manage_project, may_read_funding
from ..selectors.funding import (
    funder_list,
    grant_get_for,
    mentor_milestones,
    mentor_report_get_for,
    mentor_report_list,
    milestone_get_for,
    milestones_of_grant,
    overdue_milestones,
    programme_get_for,
    programme_list_for,
    programme_rows,
    programme_totals,
)
from ..selectors.projects import project_get_for, project_mentor
from ..services import funding as services
from .common import posted, posted_data, refused


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


@console_page
def funding_home(request):
    _require(may_read_funding(request.user))
    context = {
        "programmes": programme_list_for(request.user),
        "funders": funder_list(),
        "overdue": overdue_milestones(),
        "may_manage": may_manage_funding(request.user),
    }
    return render(request, "projects/funding/home.html", context)


def _simple_form(request, form_class, create, *, title: str, template: str = "projects/funding/form.html"):
    form = form_class(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            create(form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:funding_home")
    context = {"form": form, "title": title, "back": reverse("projects:funding_home")}
    return render(request, template, context, status=form_status(form))


@console_page
def funder_create(request):
    _require(may_manage_funding(request.user))
    return _simple_form(
        request,
        FunderForm,
        lambda data: services.funder_create(actor=request.user, request=request, **data),
        title=_("New funder"),
    )


@console_page
def programme_create(request):
    _require(may_manage_funding(request.user))

    def create(data):
        data = dict(data)
        data["budget_fen"] = fen(data.pop("budget"))
        return services.programme_create(actor=request.user, request=request, **data)

    return _simple_form(request, ProgrammeForm, create, title=_("New funding programme"))


@console_page
def programme_detail(request, pk: int):
    programme = programme_get_for(request.user, pk)
    context = {
        "programme": programme,
        "rows": programme_rows(programme),
        "totals": programme_totals(programme),
    }
    return render(request, "projects/funding/programme.html", context)


@console_page
def programme_export(request, pk: int):
    programme = programme_get_for(request.user, pk)
    data = programme_xlsx(programme, programme_rows(programme), programme_totals(programme))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}.xlsx"'
    return response


@console_page
def grant_create(request, pk: int):
    _require(may_manage_funding(request.user))
    project = project_get_for(request.user, pk)
    form = GrantForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            grant = services.grant_create(
                actor=request.user,
                project=project,
                amount_fen=fen(data.pop("amount")),
                request=request,
                **data,
            )
        except Refused as exc:
            return refused(request, exc, reverse("projects:project_detail", args=[project.pk]))
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The grant was recorded."))
            return redirect("projects:grant_detail", grant.pk)
    context = {
        "form": form,
        "title": _("New grant to %(p)s") % {"p": project.name},
        "back": reverse("projects:project_detail", args=[project.pk]),
    }
    return render(request, "projects/funding/form.html", context, status=form_status(form))


@console_page
def grant_detail(request, pk: int):
    return _grant_page(request, grant_get_for(request.user, pk))


def _grant_page(request, grant, *, milestone_form=None, disbursement_form=None, status: int = 200):
    may_manage = may_manage_funding(request.user)
    context = {
        "grant": grant,
        "today": timezone.localdate(),
        "milestones": milestones_of_grant(grant),
        "disbursements": grant.disbursements.select_related("milestone"),
        "may_manage": may_manage,
        "may_report": may_manage_project(request.user, grant.project),
        "milestone_form": milestone_form or (MilestoneForm() if may_manage else None),
        "disbursement_form": disbursement_form or (DisbursementForm(grant=grant) if may_manage else None),
    }
    return render(request, "projects/funding/grant.html", context, status=status)


@require_POST
@console_page
def milestone_create(request, pk: int):
    _require(may_manage_funding(request.user))
    grant = grant_get_for(request.user, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_create(actor=request.user, grant=grant, request=request, **form.cleaned_data)
        except Refused as exc:
            return refused(request, exc, reverse("projects:grant_detail", args=[grant.pk]))
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The milestone was added."))
            return redirect("projects:grant_detail", grant.pk)
    return _grant_page(request, grant, milestone_form=form, status=form_status(form))


@require_POST
@console_page
def disbursement_create(request, pk: int):
    _require(may_manage_funding(request.user))
    grant = grant_get_for(request.user, pk)
    form = DisbursementForm(request.POST, grant=grant)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.disbursement_create(
                actor=request.user, grant=grant, amount_fen=fen(data.pop("amount")), request=request, **data
            )
        except Refused as exc:
            return refused(request, exc, reverse("projects:grant_detail", args=[grant.pk]))
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("projects:grant_detail", grant.pk)
    return _grant_page(request, grant, disbursement_form=form, status=form_status(form))


@console_page
def mentor_assign(request, pk: int):
    _require(may_manage_funding(request.user))
    project = project_get_for(request.user, pk)
    current = project_mentor(project)
    form = MentorForm(posted_data(request), initial={"phone": current.user.phone if current else ""})
    if request.method == "POST" and form.is_valid():
        services.mentor_assign(
            actor=request.user, project=project, user=form.cleaned_data["phone"], request=request
        )
        messages.success(request, _("The mentor was assigned."))
        return redirect("projects:project_detail", project.pk)
    context = {
        "form": form,
        "title": _("Mentor of %(p)s") % {"p": project.name},
        "back": reverse("projects:project_detail", args=[project.pk]),
    }
    return render(request, "projects/funding/form.html", context, status=form_status(form))


@console_page
def milestone_report(request, pk: int):
    """The project's managers report on a milestone: text, photos, spending with receipts."""
    milestone = milestone_get_for(request.user, pk)
    _require(may_manage_project(request.user, milestone.grant.project))
    asked = _whole(request.GET.get("lines")) or _whole(request.GET.get("line"))
    form = MilestoneReportForm(*posted(request), lines=asked)
    back = reverse("projects:grant_detail", args=[milestone.grant_id])
    if request.method == "GET" and request.GET.get("line") and form.lines == asked:
        # "Add a line" (HTMX): the new line's fields and, out of band, the button for the next one.
        context = {"row": form.spending_rows()[-1], "form": form, "milestone": milestone}
        return render(request, "projects/funding/_spending_line_added.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_report_submit(
                actor=request.user,
                milestone=milestone,
                text=form.cleaned_data["text"],
                photos=form.cleaned_data["photos"],
                spending=form.spending_lines(),
                request=request,
            )
        except Refused as exc:
            return refused(request, exc, back)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The report was sent to the mentor."))
            return redirect(back)
    context = {"form": form, "milestone": milestone, "back": back}
    return render(request, "projects/funding/report_form.html", context, status=form_status(form))


def _whole(value) -> int:
    """A small whole number from the query string (0 for anything else)."""
    return int(value) if value and value.isdigit() and len(value) < 4 else 0


# --- the mentor's phone pages ----------------------------------------------------------------------


@login_required
def mentor_home(request):
    if not is_mentor(request.user):
        raise Http404
    context = {
        "milestones": mentor_milestones(request.user),
        "reports": mentor_report_list(request.user)[:50],
        "today": timezone.localdate(),
    }
    return render(request, "projects/funding/mentor_home.html", context)


@login_required
def mentor_report(request, pk: int):
    report = mentor_report_get_for(request.user, pk)
    project = report.milestone.grant.project
    may_review = (
        report.status == report.Status.SUBMITTED
        and is_mentor(request.user)
        and project.mentors.filter(user=request.user, active=True).exists()
    )
    form = ReviewForm(posted_data(request)) if may_review else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.milestone_report_review(
                    actor=request.user,
                    report=report,
                    accept=form.cleaned_data["decision"] == "accept",
                    comment=form.cleaned_data["comment"],
                    request=request,
                )
            except PermissionDenied:
                raise Http404 from None
            except Refused as exc:
                return refused(request, exc, reverse("projects:mentor_home"))
            except FieldErrors as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("Your review was saved."))
                return redirect("projects:mentor_home")
    context = {"report": report, "project": project, "form": form}
    return render(request, "projects/funding/mentor_report.html", context, status=form_status(form))
