"""Pages of the network: the public directory, a volunteer's memberships and the console.

Objects outside the user's scope answer 404 (never 403); pages that change something fetch
their object through a "managed by" selector, so read-only roles get 404 there too.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.pagination import paginate

from . import selectors as sel
from . import services
from .forms import OrganizationApplyForm, OrganizationForm, RegionForm, SiteForm, parse_ids
from .models import Membership, Organization, Region, Site
from .permissions import console_view
from .scope import scope_for


def _filters(request, *names) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:100] for name in names}


def _show_errors(form, exc: FieldErrors) -> None:
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _form_page(
    request, form, *, title: str, cancel_url: str, submit: str, status: int = 200, intro: str = ""
):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "submit": submit, "intro": intro}
    return render(request, "network/form.html", context, status=status)


# --- Public ----------------------------------------------------------------------------------


def directory(request):
    filters = _filters(request, "region", "kind", "specialty", "q")
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
        services.membership_apply(actor=request.user, organization=org, request=request)
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
    membership = sel.my_memberships(request.user).filter(pk=pk).select_related("volunteer").first()
    if membership is None:
        raise Http404
    was_applied = membership.status == Membership.Status.APPLIED
    try:
        services.membership_leave(actor=request.user, membership=membership, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return _my_memberships_page(request, status=409)
    if was_applied:
        messages.success(
            request, _("You withdrew your application to %(org)s.") % {"org": membership.organization}
        )
    else:
        messages.success(request, _("You left %(org)s.") % {"org": membership.organization})
    return redirect(_next_url(request, reverse("network:my_memberships")))


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
            org = services.organization_create(
                actor=request.user, as_applicant=True, request=request, **form.service_kwargs()
            )
        except FieldErrors as exc:
            _show_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
            return _form_page(
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
    status = 400 if form.is_bound else 200
    return _form_page(
        request, form, title=title, cancel_url=cancel, submit=_("Apply"), status=status, intro=intro
    )


# --- Console: regions ------------------------------------------------------------------------


@console_view
def region_list(request):
    scope = scope_for(request.user)
    if not (scope.city_wide or scope.region_paths):
        raise Http404
    filters = _filters(request, "level", "q")
    page_obj = paginate(request, sel.region_list_filter(sel.region_list_for(request.user), **filters))
    counts = sel.region_subtree_counts(page_obj.object_list)
    rows = [
        (region, counts[region.pk], sel.region_is_managed_by(request.user, region))
        for region in page_obj.object_list
    ]
    return render(
        request,
        "network/region_list.html",
        {
            "page_obj": page_obj,
            "rows": rows,
            "filters": filters,
            "levels": Region.Level.choices,
        },
    )


@console_view
def region_detail(request, code):
    region = sel.region_get_for(request.user, code)
    children = list(region.children.all())
    counts = sel.region_subtree_counts([region, *children])
    return render(
        request,
        "network/region_detail.html",
        {
            "region": region,
            "counts": counts[region.pk],
            "children": [(child, counts[child.pk]) for child in children],
            "can_edit": sel.region_is_managed_by(request.user, region),
            "parent_visible": region.parent is not None
            and sel.region_is_visible_to(request.user, region.parent),
        },
    )


@console_view
def region_edit(request, code):
    region = sel.region_managed_by(request.user).filter(code=code).first()
    if region is None:
        raise Http404
    form = RegionForm(request.POST or None, initial={"name": region.name, "population": region.population})
    if request.method == "POST" and form.is_valid():
        try:
            services.region_update(actor=request.user, region=region, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:region_detail", code=region.code)
    return _form_page(
        request,
        form,
        title=_("Edit %(region)s") % {"region": region},
        cancel_url=reverse("network:region_detail", args=[region.code]),
        submit=_("Save"),
        status=400 if form.is_bound else 200,
    )


# --- Console: organizations ------------------------------------------------------------------


@console_view
def org_list(request):
    filters = _filters(request, "kind", "status", "region", "q")
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
            "can_create": scope_for(request.user).can_write,
        },
    )


def _org_detail_page(request, org: Organization, status: int = 200):
    user = request.user
    return render(
        request,
        "network/org_detail.html",
        {
            "org": org,
            "members": paginate(request, sel.organization_members(org)),
            "children": sel.organization_children(org),
            "sites": org.sites.select_related("region"),
            "applied": org.memberships.filter(status=Membership.Status.APPLIED).count(),
            "can_manage": sel.organization_is_managed_by(user, org),
            "can_decide": sel.organization_may_approve(user, parent=org.parent, region=org.region),
            "roles": Membership.Role.choices,
        },
        status=status,
    )


@console_view
def org_detail(request, pk):
    return _org_detail_page(request, sel.organization_get_for(request.user, pk))


@console_view
def org_create(request):
    if not scope_for(request.user).can_write:
        raise Http404
    form = OrganizationForm(request.POST or None, request.FILES or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, request=request, **form.service_kwargs())
        except FieldErrors as exc:
            _show_errors(form, exc)
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
    return _form_page(
        request,
        form,
        title=_("New organization"),
        cancel_url=reverse("network:org_list"),
        submit=_("Create"),
        status=400 if form.is_bound else 200,
    )


@console_view
def org_edit(request, pk):
    org = sel.organization_managed_get(request.user, pk)
    initial = {name: getattr(org, name) for name in services.ORG_EDITABLE}
    initial["region"] = org.region
    form = OrganizationForm(request.POST or None, request.FILES or None, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user, organization=org, request=request, **form.service_kwargs()
            )
        except FieldErrors as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:org_detail", pk=org.pk)
    return _form_page(
        request,
        form,
        title=_("Edit %(org)s") % {"org": org},
        cancel_url=reverse("network:org_detail", args=[org.pk]),
        submit=_("Save"),
        status=400 if form.is_bound else 200,
    )


def _org_action(request, pk, action):
    """Runs a decision on an organization shown on its detail page; errors show on that page."""
    org = sel.organization_get_for(request.user, pk)
    if not sel.organization_may_approve(request.user, parent=org.parent, region=org.region):
        raise Http404
    reason = request.POST.get("reason", "")
    try:
        action(org, reason)
    except FieldErrors as exc:
        for msgs in exc.errors.values():
            messages.error(request, " ".join(msgs))
        return _org_detail_page(request, org, status=400)
    except Refused as exc:
        messages.error(request, exc.message)
        return _org_detail_page(request, org, status=409)
    return redirect("network:org_detail", pk=org.pk)


@console_view
@require_POST
def org_decide(request, pk):
    approve = request.POST.get("action") == "approve"

    def action(org, reason):
        services.organization_decide(
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
        services.organization_set_status(
            actor=request.user, organization=org, status=status, reason=reason, request=request
        )
        messages.success(
            request,
            _("%(org)s suspended.") % {"org": org} if suspend else _("%(org)s reactivated.") % {"org": org},
        )

    return _org_action(request, pk, action)


# --- Console: sites --------------------------------------------------------------------------


@console_view
def site_list(request):
    filters = _filters(request, "kind", "region", "q")
    page_obj = paginate(request, sel.site_rows_for(request.user, **filters))
    return render(
        request,
        "network/site_list.html",
        {
            "page_obj": page_obj,
            "filters": filters,
            "kinds": Site.Kind.choices,
            "regions": sel.region_filter_choices(request.user),
            "can_create": scope_for(request.user).can_write,
        },
    )


def _site_form_page(request, form, site: Site | None):
    if request.method == "POST" and form.is_valid():
        try:
            if site is None:
                services.site_create(actor=request.user, request=request, **form.cleaned_data)
            else:
                services.site_update(actor=request.user, site=site, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:site_list")
    return _form_page(
        request,
        form,
        title=_("New service site") if site is None else _("Edit %(site)s") % {"site": site},
        cancel_url=reverse("network:site_list"),
        submit=_("Create") if site is None else _("Save"),
        status=400 if form.is_bound else 200,
    )


@console_view
def site_create(request):
    if not scope_for(request.user).can_write:
        raise Http404
    return _site_form_page(request, SiteForm(request.POST or None, user=request.user), None)


@console_view
def site_edit(request, pk):
    site = sel.site_managed_get(request.user, pk)
    initial = {
        f: getattr(site, f)
        for f in ("name", "kind", "region", "organization", "address", "lat", "lng", "is_active")
    }
    return _site_form_page(request, SiteForm(request.POST or None, user=request.user, initial=initial), site)


# --- Console: memberships --------------------------------------------------------------------


def _membership_list_page(request, status: int = 200):
    filters = _filters(request, "status", "organization", "q")
    if "status" not in request.GET:
        filters["status"] = Membership.Status.APPLIED
    page_obj = paginate(request, sel.membership_rows_for(request.user, **filters))
    return render(
        request,
        "network/membership_list.html",
        {
            "page_obj": page_obj,
            "filters": filters,
            "statuses": Membership.Status.choices,
            "can_decide": scope_for(request.user).can_write,
        },
        status=status,
    )


@console_view
def membership_list(request):
    return _membership_list_page(request)


@console_view
@require_POST
def membership_decide(request):
    if not scope_for(request.user).can_write:
        raise Http404
    one = request.POST.get("approve_one") or request.POST.get("reject_one")
    approve = "approve_one" in request.POST if one else request.POST.get("action") == "approve"
    ids = parse_ids([one] if one else request.POST.getlist("ids"))
    if not ids:
        messages.error(request, _("Tick at least one application."))
        return _membership_list_page(request, status=400)
    decided = services.membership_decide(
        actor=request.user, ids=ids, approve=approve, note=request.POST.get("note", ""), request=request
    )
    n = len(decided)
    if approve:
        messages.success(
            request, ngettext("%(n)d application approved.", "%(n)d applications approved.", n) % {"n": n}
        )
    else:
        messages.success(
            request, ngettext("%(n)d application rejected.", "%(n)d applications rejected.", n) % {"n": n}
        )
    if n < len(ids):
        skipped = len(ids) - n
        messages.warning(
            request,
            ngettext(
                "%(n)d application was not decided: it is outside your scope or no longer waiting.",
                "%(n)d applications were not decided: they are outside your scope or no longer waiting.",
                skipped,
            )
            % {"n": skipped},
        )
    return redirect(_next_url(request, reverse("network:membership_list")))


@console_view
@require_POST
def membership_role(request, pk):
    membership = sel.membership_managed_get(request.user, pk)
    org = membership.organization
    try:
        services.membership_set_role(
            actor=request.user, membership=membership, role=request.POST.get("role", ""), request=request
        )
    except FieldErrors as exc:
        for msgs in exc.errors.values():
            messages.error(request, " ".join(msgs))
        return _org_detail_page(request, sel.organization_get_for(request.user, org.pk), status=400)
    except Refused as exc:
        messages.error(request, exc.message)
        return _org_detail_page(request, sel.organization_get_for(request.user, org.pk), status=409)
    messages.success(
        request,
        _("%(name)s is now %(role)s.")
        % {
            "name": membership.volunteer,
            "role": membership.get_role_display(),
        },
    )
    return redirect(_next_url(request, reverse("network:org_detail", args=[org.pk])))
