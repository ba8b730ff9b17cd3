"""The console's bulk import: upload → preview with every bad row → confirm. Rules live in importing/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from huiguang.core.forms import form_status
from huiguang.core.pagination import paginate

from .. import importing, selectors
from ..forms import UploadForm
from ..permissions import importer_view, may_import_into

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@importer_view
def upload(request):
    code = request.GET.get("org")
    initial = {"organization": selectors.import_organization_by_code_for(request.user, code)} if code else {}
    posting = request.method == "POST"
    form = UploadForm(
        request.POST if posting else None,
        request.FILES if posting else None,
        user=request.user,
        initial=initial,
    )
    if posting:
        # An organization outside the user's scope answers 404 (not a form error that confirms it exists).
        posted = request.POST.get("organization", "")
        if posted and not may_import_into(request.user, posted):
            raise Http404
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                importing.check_size(upload_file.size)
                batch = importing.import_preview(
                    organization=form.cleaned_data["organization"],
                    actor=request.user,
                    content=upload_file.read(),
                    file_name=upload_file.name,
                )
            except importing.ImportRefused as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("volunteers:import_preview", pk=batch.pk)
    batches = paginate(request, selectors.import_batch_list_for(request.user), per_page=20)
    context = {"form": form, "batches": batches}
    return render(request, "volunteers/import/upload.html", context, status=form_status(form))


def _render_preview(request, batch, status: int = 200):
    errors = paginate(request, batch.errors, per_page=100)
    context = {"batch": batch, "errors": errors, "previous": selectors.import_batch_previous(batch)}
    return render(request, "volunteers/import/preview.html", context, status=status)


@login_required
@require_GET
def preview(request, pk: int):
    return _render_preview(request, selectors.import_batch_get_for(request.user, pk))


@login_required
@require_POST
def confirm(request, pk: int):
    batch = selectors.import_batch_get_for(request.user, pk)
    try:
        result = importing.import_apply(batch=batch, actor=request.user, request=request)
    except importing.ImportRowsInvalid as exc:
        messages.error(
            request,
            gettext(
                "Some rows are no longer valid; nothing was imported. Fix the rows below and "
                "upload the file again."
            ),
        )
        return _render_preview(request, exc.batch or batch, status=422)
    except importing.ImportRefused as exc:
        messages.error(request, exc.message)
        batch.refresh_from_db()
        return _render_preview(request, batch, status=409)
    messages.success(
        request,
        gettext("Imported: %(created)d new, %(joined)d joined, %(already)d already members.")
        % {"created": result.created, "joined": result.joined, "already": result.already},
    )
    return redirect("volunteers:import_preview", pk=batch.pk)


@login_required
@require_GET
def report(request, pk: int, fmt: str):
    batch = selectors.import_batch_get_for(request.user, pk)
    name = f"volunteer-import-{batch.pk}-errors.{fmt}"
    if fmt == "xlsx":
        return _download(importing.report_xlsx(batch.errors), XLSX, name)
    if fmt == "csv":
        return _download(importing.report_csv(batch.errors), CSV, name)
    raise Http404


@login_required  # anonymous visitors go to the login page, a POST is 405, before the importer check
@require_GET
@importer_view
def template(request, fmt: str):
    if fmt == "xlsx":
        return _download(importing.template_xlsx(), XLSX, "volunteer-import-template.xlsx")
    if fmt == "csv":
        return _download(importing.template_csv(), CSV, "volunteer-import-template.csv")
    raise Http404
