"""Console: organizations; decisions on them are shown on their detail page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import INVALID_FORM_STATUS, form_status, show_errors
from huiguang.core.pagination import paginate
from huiguang.core.text import posted_text

from .. import selectors as sel
from ..forms import OrganizationForm
from ..models import Membership, Organization
from ..permissions import console_view, may_write, organization_is_managed_by, organization_may_approve
from ..services import organizations
from .common import filters_from, form_page


@console_view
def org_list(request):
    filters = filters_from(request, "kind", "status", "region", "q")
    page_obj = paginate(request, sel.organization_rows_for(request.user, **filters))
    return render(
        request,
        "network/org_list.html",
        {
            "page_obj": page_obj,
            "filters": filters,
            "kinds": Organization.Kind.choices,
            "statuses": Organization.Status.choices,
            "regions": sel.region_filter_choices(request.user),
            "can_create": may_write(request.user),
        },
    )


def org_detail_page(request, org: Organization, status: int = 200):
    user = request.user
    return render(
        request,
        "network/org_detail.html",
        {
            "org": org,
            "members": paginate(request, sel.organization_members(org)),
            "children": sel.organization_children(org),
            "sites": sel.organization_sites(org),
            "applied": sel.organization_applied_count(org),
            "can_manage": organization_is_managed_by(user, org),
            "can_decide": organization_may_approve(user, parent=org.parent, region=org.region),
            "roles": Membership.Role.choices,
        },
        status=status,
    )


@console_view
def org_detail(request, pk):
    return org_detail_page(request, sel.organization_get_for(request.user, pk))


@console_view
def org_create(request):
    if not may_write(request.user):
        raise Http404
    form = OrganizationForm(request.POST or None, request.FILES or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            org = organizations.organization_create(
                actor=request.user, request=request, **form.service_kwargs()
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            if org.status == Organization.Status.ACTIVE:
                messages.success(request, _("%(org)s is registered.") % {"org": org})
            else:
                messages.info(
                    request,
                    _("%(org)s waits for the approval of its region's or parent's admin.") % {"org": org},
                )
            if sel.organization_list_for(request.user).filter(pk=org.pk).exists():
                return redirect("network:org_detail", pk=org.pk)
            return redirect("network:org_list")
    return form_page(
        request,
        form,
        title=_("New organization"),
        cancel_url=reverse("network:org_list"),
        submit=_("Create"),
        status=form_status(form),
    )


@console_view
def org_edit(request, pk):
    org = sel.organization_managed_get(request.user, pk)
    initial = {name: getattr(org, name) for name in organizations.ORG_EDITABLE}
    initial["region"] = org.region
    form = OrganizationForm(request.POST or None, request.FILES or None, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organizations.organization_update(
                actor=request.user, organization=org, request=request, **form.service_kwargs()
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:org_detail", pk=org.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(org)s") % {"org": org},
        cancel_url=reverse("network:org_detail", args=[org.pk]),
        submit=_("Save"),
        status=form_status(form),
    )


def _org_action(request, pk, action):
    """Runs a decision on an organization shown on its detail page; errors show on that page."""
    org = sel.organization_get_for(request.user, pk)
    if not organization_may_approve(request.user, parent=org.parent, region=org.region):
        raise Http404
    try:
        action(org, posted_text(request, "reason", max_length=500))
    except FieldErrors as exc:
        for msgs in exc.errors.values():
            messages.error(request, " ".join(msgs))
        return org_detail_page(request, org, status=INVALID_FORM_STATUS)
    except Refused as exc:
        messages.error(request, exc.message)
        return org_detail_page(request, org, status=409)
    return redirect("network:org_detail", pk=org.pk)


@console_view
@require_POST
def org_decide(request, pk):
    approve = request.POST.get("action") == "approve"

    def action(org, reason):
        organizations.organization_decide(
            actor=request.user, organization=org, approve=approve, reason=reason, request=request
        )
        messages.success(
            request,
            _("%(org)s approved.") % {"org": org} if approve else _("%(org)s rejected.") % {"org": org},
        )

    return _org_action(request, pk, action)


@console_view
@require_POST
def org_set_status(request, pk):
    suspend = request.POST.get("action") == "suspend"

    def action(org, reason):
        status = Organization.Status.SUSPENDED if suspend else Organization.Status.ACTIVE
        organizations.organization_set_status(
            actor=request.user, organization=org, status=status, reason=reason, request=request
        )
        messages.success(
            request,
            _("%(org)s suspended.") % {"org": org} if suspend else _("%(org)s reactivated.") % {"org": org},
        )

    return _org_action(request, pk, action)
