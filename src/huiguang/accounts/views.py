import csv
from io import BytesIO
from itertools import chain

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from huiguang.core.errors import FieldErrors
from huiguang.core.forms import INVALID_FORM_STATUS, form_status, show_errors
from huiguang.core.masking import mask_phone
from huiguang.core.pagination import paginate

from . import selectors, services
from .forms import AuditFilterForm, PhoneLoginForm, TokenCreateForm
from .permissions import may_manage_all_tokens, may_read_audit_log


class PhoneLoginView(LoginView):
    form_class = PhoneLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


login_view = PhoneLoginView.as_view()


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("web:home")


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes: too many failures for this mobile number from this address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = PhoneLoginForm(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": True, "cooloff_minutes": minutes},
        status=429,
    )


# --- API tokens ------------------------------------------------------------------------------


def _render_tokens(request, *, form=None, status=200):
    city_admin = may_manage_all_tokens(request.user)
    all_accounts = city_admin and request.GET.get("all") == "1"
    page_obj = paginate(request, selectors.token_list_for(request.user, all_accounts=all_accounts))
    for token in page_obj:
        token.owner_phone = mask_phone(token.user.phone)
    context = {
        "page_obj": page_obj,
        "all_accounts": all_accounts,
        "city_admin": city_admin,
        "form": form if form is not None else TokenCreateForm(),
        "login_token_days": settings.HUIGUANG_API_TOKEN_DAYS,
    }
    return render(request, "accounts/token_list.html", context, status=status)


def _token_created(request, token, key):
    # The key exists only in this response: never cached, never stored, never in a redirect.
    response = render(request, "accounts/token_created.html", {"token": token, "key": key})
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """Your own tokens (a city admin may list every account's with ?all=1); POST creates one."""
    if request.method == "GET":
        return _render_tokens(request)
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.token_create(
                user=request.user, name=form.cleaned_data["name"], created_by=request.user, request=request
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            return _token_created(request, token, key)
    return _render_tokens(request, form=form, status=INVALID_FORM_STATUS)


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.token_get_for(request.user, pk)
    services.token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    url = reverse("accounts:token_list")
    return redirect(url if token.user_id == request.user.pk else f"{url}?all=1")


# --- Audit log (city admins and auditors) ----------------------------------------------------


@login_required
def audit_list(request):
    """The audit log, newest first, filtered; ?format=csv or xlsx exports the filtered log."""
    if not may_read_audit_log(request.user):
        raise Http404
    form = AuditFilterForm(
        request.GET,
        action_choices=selectors.audit_action_choices(),
        object_type_choices=selectors.audit_object_type_choices(),
    )
    valid = form.is_valid()
    filters = form.filters()
    entries = selectors.audit_list_for(request.user, **filters)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and valid:
        return _audit_export(request, entries, fmt, filters)
    page_obj = paginate(request, entries)
    rows = [selectors.audit_row(entry) for entry in page_obj]
    return render(
        request,
        "accounts/audit_list.html",
        {"form": form, "page_obj": page_obj, "rows": rows},
        status=form_status(form),
    )


class _Echo:
    def write(self, value):
        return value


def _audit_export(request, entries, fmt: str, filters: dict):
    # The export holds the log as it was before this export's own entry was written.
    entries = selectors.audit_entries_until_now(entries)
    rows = min(entries.count(), selectors.AUDIT_EXPORT_MAX_ROWS)
    services.audit_log_exported(actor=request.user, fmt=fmt, rows=rows, filters=filters, request=request)
    filename = f"audit-log-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())
        # A byte-order mark first, so that Excel opens the UTF-8 file with its Chinese intact.
        language = translation.get_language()

        def body_rows():
            # Rows are written while the response streams, after the view has returned.
            with translation.override(language):
                for r in selectors.audit_export_rows(entries):
                    yield writer.writerow(r)

        lines = chain(["\ufeff" + writer.writerow(selectors.audit_export_header())], body_rows())
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("Audit log"))
        ws.append(selectors.audit_export_header())
        for row in selectors.audit_export_rows(entries):
            ws.append(row)
        out = BytesIO()
        wb.save(out)
        response = HttpResponse(  # type: ignore[assignment]
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
