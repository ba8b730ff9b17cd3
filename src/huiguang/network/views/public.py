"""Public pages (the directory, an organization's page) and a volunteer's own memberships."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate

from .. import selectors as sel
from ..forms import OrganizationApplyForm
from ..models import Membership, Organization
from ..services import memberships, organizations
from .common import filters_from, form_page, next_url


def directory(request):
    filters = filters_from(request, "region", "kind", "specialty", "q")
    page_obj = paginate(request, sel.public_directory(**filters), per_page=24)
    return render(
        request,
        "network/directory.html",
        {
            "page_obj": page_obj,
            "filters": filters,
            "towns": sel.public_towns(),
            "kinds": Organization.Kind.choices,
            "specialties": sel.public_specialties(),
        },
    )


def _org_public_page(request, org: Organization, status: int = 200):
    return render(
        request,
        "network/org_public.html",
        {
            "org": org,
            "sites": sel.public_organization_sites(org),
            "children": sel.public_organization_children(org),
            "membership": sel.membership_of(request.user, org),
            "volunteer": sel.volunteer_of(request.user),
        },
        status=status,
    )


def org_public(request, code):
    return _org_public_page(request, sel.public_organization_get(code))


@login_required
@require_POST
def org_join(request, code):
    org = sel.public_organization_get(code)
    try:
        memberships.membership_apply(actor=request.user, organization=org, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return _org_public_page(request, org, status=409)
    messages.success(request, _("Your application has been sent to the organization."))
    return redirect("network:org_public", code=org.code)


def _my_memberships_page(request, status: int = 200):
    return render(
        request,
        "network/my_memberships.html",
        {
            "memberships": sel.my_memberships(request.user),
            "applications": sel.my_organization_applications(request.user),
            "volunteer": sel.volunteer_of(request.user),
        },
        status=status,
    )


@login_required
def my_memberships(request):
    return _my_memberships_page(request)


@login_required
@require_POST
def my_membership_leave(request, pk):
    membership = sel.my_membership_get(request.user, pk)
    was_applied = membership.status == Membership.Status.APPLIED
    try:
        memberships.membership_leave(actor=request.user, membership=membership, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return _my_memberships_page(request, status=409)
    if was_applied:
        messages.success(
            request, _("You withdrew your application to %(org)s.") % {"org": membership.organization}
        )
    else:
        messages.success(request, _("You left %(org)s.") % {"org": membership.organization})
    return redirect(next_url(request, reverse("network:my_memberships")))


@login_required
def org_apply(request):
    form = OrganizationApplyForm(request.POST or None)
    title = _("Register a new organization")
    intro = _(
        "Your application goes to the admin of the parent organization or of the region. "
        "When it is approved you become the organization's admin."
    )
    cancel = reverse("network:my_memberships")
    if request.method == "POST" and form.is_valid():
        try:
            org = organizations.organization_create(
                actor=request.user, as_applicant=True, request=request, **form.service_kwargs()
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
            return form_page(
                request, form, title=title, cancel_url=cancel, submit=_("Apply"), status=409, intro=intro
            )
        else:
            if org.status == Organization.Status.ACTIVE:
                messages.success(request, _("%(org)s is registered and you are its admin.") % {"org": org})
            else:
                messages.success(
                    request, _("Your application to register %(org)s has been sent.") % {"org": org}
                )
            return redirect("network:my_memberships")
    return form_page(
        request,
        form,
        title=title,
        cancel_url=cancel,
        submit=_("Apply"),
        status=form_status(form),
        intro=intro,
    )
