import csv
from io import BytesIO
from itertools import chain

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

from huiguang.core.errors import FieldErrors
from huiguang.core.masking import mask_phone
from huiguang.core.pagination import paginate
from huiguang.network.scope import scope_for

from . import selectors, services
from .forms import (
    AuditFilterForm,
    GrantCreateForm,
    GrantFilterForm,
    PartnerTokenCreateForm,
    PhoneLoginForm,
    TokenCreateForm,
)


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
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = PhoneLoginForm(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": True, "cooloff_minutes": minutes},
        status=429,
    )


# --- API tokens ------------------------------------------------------------------------------


def _render_tokens(request, *, form=None, partner_form=None, status=200):
    city_admin = scope_for(request.user).city_admin
    all_accounts = city_admin and request.GET.get("all") == "1"
    if partner_form is None and city_admin:
        partner_form = PartnerTokenCreateForm()
    page_obj = paginate(request, selectors.token_list_for(request.user, all_accounts=all_accounts))
    for token in page_obj:
        token.owner_phone = mask_phone(token.user.phone)
    context = {
        "page_obj": page_obj,
        "all_accounts": all_accounts,
        "city_admin": city_admin,
        "form": form if form is not None else TokenCreateForm(),
        "partner_form": partner_form,
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
            form.add_domain_errors(exc)
        else:
            return _token_created(request, token, key)
    return _render_tokens(request, form=form, status=400)


@login_required
@require_POST
def token_create_partner(request):
    """A city admin issues a token to another account (a partner system's)."""
    if not scope_for(request.user).city_admin:
        raise Http404
    form = PartnerTokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.token_create(
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                created_by=request.user,
                request=request,
            )
        except FieldErrors as exc:
            form.add_domain_errors(exc)
        else:
            return _token_created(request, token, key)
    return _render_tokens(request, partner_form=form, status=400)


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.token_get_for(request.user, pk)
    services.token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    url = reverse("accounts:token_list")
    return redirect(url if token.user_id == request.user.pk else f"{url}?all=1")


# --- Roles (city admins) ---------------------------------------------------------------------


def _require_city_admin(user) -> None:
    if not scope_for(user).city_admin:
        raise Http404


def _render_grants(request, *, form=None, errors=(), status=200):
    filter_form = GrantFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    grants = selectors.grant_list_for(request.user, role=filters.get("role", ""), q=filters.get("q", ""))
    page_obj = paginate(request, grants)
    for grant in page_obj:
        grant.phone_masked = mask_phone(grant.user.phone)
    context = {
        "page_obj": page_obj,
        "filter_form": filter_form,
        "form": form if form is not None else GrantCreateForm(),
        "errors": errors,
    }
    return render(request, "accounts/grant_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def grant_list(request):
    """Every role grant in the city; POST grants a role."""
    _require_city_admin(request.user)
    if request.method == "GET":
        return _render_grants(request)
    form = GrantCreateForm(request.POST)
    if form.is_valid():
        try:
            grant = services.grant_create(actor=request.user, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("%(user)s is now %(grant)s.") % {"user": grant.user, "grant": grant})
            return redirect("accounts:grant_list")
    return _render_grants(request, form=form, status=400)


@login_required
@require_POST
def grant_revoke(request, pk):
    _require_city_admin(request.user)
    grant = selectors.grant_get_for(request.user, pk)
    try:
        services.grant_revoke(actor=request.user, grant=grant, request=request)
    except FieldErrors as exc:
        return _render_grants(request, errors=[m for msgs in exc.errors.values() for m in msgs], status=409)
    messages.success(request, _("Revoked: %(user)s, %(grant)s.") % {"user": grant.user, "grant": grant})
    return redirect("accounts:grant_list")


# --- Audit log (city admins and auditors) ----------------------------------------------------


@login_required
def audit_list(request):
    """The audit log, newest first, filtered; ?format=csv or xlsx exports the filtered log."""
    if not selectors.can_read_audit_log(request.user):
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
        status=200 if valid else 400,
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
        from openpyxl import Workbook

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
