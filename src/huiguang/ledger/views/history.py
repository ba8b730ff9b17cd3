"""The city admin's history import (issue 15): upload the old platform's files, read the dry-run's
summary and bad rows, confirm, watch the progress; the templates to download."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huiguang.core.errors import Refused
from huiguang.core.forms import form_status
from huiguang.network.permissions import console_page, console_view

from ..exports import XLSX
from ..forms import HistoryUploadForm
from ..history.columns import KIND_LABELS, KINDS, TEMPLATE_FILES
from ..history.console import history_confirm, history_upload
from ..history.export import WORKBOOK_FILE, template_csv, template_xlsx
from ..history.plan import REASONS
from ..history.selectors import history_import_get_for, history_import_list_for
from ..history.tasks import apply_history_import
from ..permissions import may_import_history

SHOWN_ERRORS = 200


@console_page
def history_imports(request):
    if not may_import_history(request.user):
        raise Http404
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = [(f.name, f.read()) for f in form.cleaned_data["uploads"]]
        try:
            done = history_upload(
                actor=request.user,
                files=files,
                source_name=form.cleaned_data["source"],
                verified=form.cleaned_data["verified"],
            )
        except Refused as exc:
            form.add_error("uploads", exc.message)
        else:
            return redirect("ledger:history_detail", pk=done.pk)
    context = {
        "form": form,
        "imports": history_import_list_for(request.user)[:50],
        "templates": [(kind, KIND_LABELS[kind], TEMPLATE_FILES[kind]) for kind in KINDS],
        "workbook_file": WORKBOOK_FILE,
    }
    return render(request, "ledger/history/list.html", context, status=form_status(form))


@console_view
@require_GET
def history_detail(request, pk: int):
    history_import = history_import_get_for(request.user, pk)
    summary = history_import.summary
    context = {
        "item": history_import,
        "errors": history_import.errors[:SHOWN_ERRORS],
        "kind_rows": [
            (
                KIND_LABELS[kind],
                summary.get("rows_by_kind", {}).get(kind, 0),
                summary.get("to_write", {}).get(kind, 0),
            )
            for kind in KINDS
        ],
        "reasons": [(REASONS.get(code, code), n) for code, n in summary.get("errors_by_reason", {}).items()],
    }
    return render(request, "ledger/history/detail.html", context)


@console_view
@require_GET
def history_progress(request, pk: int):
    history_import = history_import_get_for(request.user, pk)
    return render(request, "ledger/history/_progress.html", {"item": history_import})


@console_view
@require_POST
def history_apply(request, pk: int):
    history_import = history_import_get_for(request.user, pk)
    try:
        waiting = history_confirm(actor=request.user, history_import=history_import)
    except PermissionDenied:
        raise Http404 from None
    if waiting:
        apply_history_import.enqueue(history_import.pk, request.user.pk)
        messages.success(request, _("The import has started; this page shows its progress."))
    else:
        messages.error(request, _("This import is not waiting for a confirmation."))
    return redirect("ledger:history_detail", pk=history_import.pk)


@console_view
@require_GET
def history_template(request, kind: str):
    if not may_import_history(request.user) or kind not in KINDS:
        raise Http404
    response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(TEMPLATE_FILES[kind])}"
    return response


@console_view
@require_GET
def history_workbook(request):
    if not may_import_history(request.user):
        raise Http404
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(WORKBOOK_FILE)}"
    return response
