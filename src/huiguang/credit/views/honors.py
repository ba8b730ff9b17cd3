"""Honors in the console: the list (city admin, auditor), one by one and from an .xlsx (city
admin), the import template, the evidence file."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import INVALID_FORM_STATUS, form_status, show_errors
from huiguang.core.pagination import paginate
from huiguang.ledger.exports import XLSX
from huiguang.network.permissions import console_page

from ..forms import AwardHonorsForm, HonorForm, HonorImportForm
from ..permissions import may_manage_credit, may_read_credit_console
from ..selectors.scores import honor_get_for, honor_list_for
from ..services.awards import award_honors_record
from ..services.honors import honor_create
from ..services.honors_import import HonorsInvalid, honors_import, honors_template_xlsx
from .me import posted as _posted


def _manager(request) -> None:
    if not may_manage_credit(request.user):
        raise Http404


@console_page
def honor_list(request):
    if not may_read_credit_console(request.user):
        raise Http404
    page_obj = paginate(request, honor_list_for(request.user))
    return render(
        request,
        "credit/console/honors.html",
        {"page_obj": page_obj, "may_manage": may_manage_credit(request.user)},
    )


@console_page
def honor_awards(request):
    """A published competition's awards as honors of the entries' projects (idempotent)."""
    _manager(request)
    form = AwardHonorsForm(_posted(request))
    status = form_status(form)
    if request.method == "POST" and form.is_valid():
        try:
            written = award_honors_record(
                actor=request.user, competition=form.cleaned_data["competition"], request=request
            )
        except Refused as exc:
            form.add_error("competition", exc.message)
            status = INVALID_FORM_STATUS
        else:
            messages.success(
                request,
                _("%(n)d honors were recorded; awards already recorded were skipped.") % {"n": written},
            )
            return redirect("credit:honors")
    return render(request, "credit/console/honor_awards.html", {"form": form}, status=status)


@console_page
def honor_new(request):
    _manager(request)
    form = HonorForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            honor_create(actor=request.user, request=request, **data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The honor was recorded."))
            return redirect("credit:honors")
    return render(request, "credit/console/honor_form.html", {"form": form}, status=form_status(form))


@console_page
def honor_import(request):
    _manager(request)
    form = HonorImportForm(_posted(request), request.FILES or None)
    errors, status = [], form_status(form)
    if request.method == "POST" and form.is_valid():
        try:
            honors = honors_import(
                actor=request.user, content=form.cleaned_data["file"].read(), request=request
            )
        except Refused as exc:
            form.add_error("file", exc.message)
            status = INVALID_FORM_STATUS
        except HonorsInvalid as exc:
            errors, status = exc.errors, INVALID_FORM_STATUS
        else:
            messages.success(request, _("%(n)d honors were recorded.") % {"n": len(honors)})
            return redirect("credit:honors")
    return render(
        request, "credit/console/honor_import.html", {"form": form, "errors": errors}, status=status
    )


@console_page
def honor_template(request):
    _manager(request)
    response = HttpResponse(honors_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="honors-template.xlsx"'
    return response


@console_page
def honor_evidence(request, pk: int):
    honor = honor_get_for(request.user, pk)
    if not honor.evidence:
        raise Http404
    name = honor.evidence.name.rsplit("/", 1)[-1]
    return FileResponse(honor.evidence.open("rb"), as_attachment=True, filename=f"honor-{honor.pk}-{name}")
