"""Console: service sites (阵地)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate

from .. import selectors as sel
from ..forms import SiteForm
from ..models import Site
from ..permissions import console_view, may_write
from ..services import sites as site_services
from .common import filters_from, form_page


@console_view
def site_list(request):
    filters = filters_from(request, "kind", "region", "q")
    page_obj = paginate(request, sel.site_rows_for(request.user, **filters))
    return render(
        request,
        "network/site_list.html",
        {
            "page_obj": page_obj,
            "filters": filters,
            "kinds": Site.Kind.choices,
            "regions": sel.region_filter_choices(request.user),
            "can_create": may_write(request.user),
        },
    )


def _siteform_page(request, form, site: Site | None):
    if request.method == "POST" and form.is_valid():
        try:
            if site is None:
                site_services.site_create(actor=request.user, request=request, **form.cleaned_data)
            else:
                site_services.site_update(actor=request.user, site=site, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:site_list")
    return form_page(
        request,
        form,
        title=_("New service site") if site is None else _("Edit %(site)s") % {"site": site},
        cancel_url=reverse("network:site_list"),
        submit=_("Create") if site is None else _("Save"),
        status=form_status(form),
    )


@console_view
def site_create(request):
    if not may_write(request.user):
        raise Http404
    return _siteform_page(request, SiteForm(request.POST or None, user=request.user), None)


@console_view
def site_edit(request, pk):
    site = sel.site_managed_get(request.user, pk)
    initial = {
        f: getattr(site, f)
        for f in ("name", "kind", "region", "organization", "address", "lat", "lng", "is_active")
    }
    return _siteform_page(request, SiteForm(request.POST or None, user=request.user, initial=initial), site)
