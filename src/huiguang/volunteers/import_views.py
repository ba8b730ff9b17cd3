"""The console's bulk import: upload → preview with every bad row → confirm. Rules live in importing.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.pagination import paginate
from huiguang.network.models import Organization
from huiguang.network.scope import scope_for

from . import importing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


class UploadForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Organization"))
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    consent = forms.BooleanField(
        label=_("Every person in this file has agreed to the privacy policy (on paper or online)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = importing.import_organizations_for(user)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        self.fields["file"].help_text = gettext("At most %(rows)s rows and %(size)s.") % {
            "rows": importing.max_rows(),
            "size": filesizeformat(importing.max_bytes()),
        }


def _require_importer(user) -> None:
    """Organization, region and city admins import; leaders, auditors and volunteers get a 404."""
    if not scope_for(user).can_write:
        raise Http404


def _posted_organization(request) -> None:
    """An organization outside the user's scope answers 404 (not a form error that confirms it exists)."""
    value = request.POST.get("organization", "")
    if value and not (
        value.isdigit() and importing.import_organizations_for(request.user).filter(pk=value).exists()
    ):
        raise Http404


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@login_required
def upload(request):
    _require_importer(request.user)
    initial: dict[str, object] = {}
    if code := request.GET.get("org"):
        initial["organization"] = importing.import_organizations_for(request.user).filter(code=code).first()
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        _posted_organization(request)
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
        status = 400
    batches = paginate(request, importing.import_batch_list_for(request.user), per_page=20)
    return render(request, "volunteers/import/upload.html", {"form": form, "batches": batches}, status=status)


def _render_preview(request, batch, status: int = 200):
    errors = paginate(request, batch.errors, per_page=100)
    context = {"batch": batch, "errors": errors, "previous": importing.previous_import(batch)}
    return render(request, "volunteers/import/preview.html", context, status=status)


@login_required
@require_GET
def preview(request, pk: int):
    return _render_preview(request, importing.import_batch_get_for(request.user, pk))


@login_required
@require_POST
def confirm(request, pk: int):
    batch = importing.import_batch_get_for(request.user, pk)
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
    batch = importing.import_batch_get_for(request.user, pk)
    name = f"volunteer-import-{batch.pk}-errors.{fmt}"
    if fmt == "xlsx":
        return _download(importing.report_xlsx(batch.errors), XLSX, name)
    if fmt == "csv":
        return _download(importing.report_csv(batch.errors), CSV, name)
    raise Http404


@login_required
@require_GET
def template(request, fmt: str):
    _require_importer(request.user)
    if fmt == "xlsx":
        return _download(importing.template_xlsx(), XLSX, "volunteer-import-template.xlsx")
    if fmt == "csv":
        return _download(importing.template_csv(), CSV, "volunteer-import-template.csv")
    raise Http404
