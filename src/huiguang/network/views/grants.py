"""The roles console (city admins): every role grant in the city; grant and revoke.

Its pages keep their addresses under /accounts/console/roles/ (bookmarks, the audit trail of
links); the code lives here because Grant is the network's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huiguang.core.errors import FieldErrors
from huiguang.core.forms import form_status, show_errors
from huiguang.core.masking import mask_phone
from huiguang.core.pagination import paginate

from ..forms import GrantCreateForm, GrantFilterForm
from ..permissions import may_manage_roles
from ..selectors import grant_get_for, grant_list_for
from ..services import grants as grant_services


def _render_grants(request, *, form=None, errors=(), status=200):
    filter_form = GrantFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page_obj = paginate(
        request, grant_list_for(request.user, role=filters.get("role", ""), q=filters.get("q", ""))
    )
    for grant in page_obj:
        grant.phone_masked = mask_phone(grant.user.phone)
    context = {
        "page_obj": page_obj,
        "filter_form": filter_form,
        "form": form if form is not None else GrantCreateForm(),
        "errors": errors,
    }
    return render(request, "network/grant_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def grant_list(request):
    """Every role grant in the city; POST grants a role."""
    if not may_manage_roles(request.user):
        raise Http404
    if request.method == "GET":
        return _render_grants(request)
    form = GrantCreateForm(request.POST)
    if form.is_valid():
        try:
            grant = grant_services.grant_create(actor=request.user, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("%(user)s is now %(grant)s.") % {"user": grant.user, "grant": grant})
            return redirect("network:grant_list")
    return _render_grants(request, form=form, status=form_status(form))


@login_required
@require_POST
def grant_revoke(request, pk):
    if not may_manage_roles(request.user):
        raise Http404
    grant = grant_get_for(request.user, pk)
    try:
        grant_services.grant_revoke(actor=request.user, grant=grant, request=request)
    except FieldErrors as exc:
        return _render_grants(request, errors=[m for msgs in exc.errors.values() for m in msgs], status=409)
    messages.success(request, _("Revoked: %(user)s, %(grant)s.") % {"user": grant.user, "grant": grant})
    return redirect("network:grant_list")
