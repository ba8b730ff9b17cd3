"""Console: regions (city-wide roles and region admins)."""

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
from ..forms import RegionForm
from ..models import Region
from ..permissions import console_view, may_list_regions, region_is_managed_by, region_is_visible_to
from ..services import regions as region_services
from .common import filters_from, form_page


@console_view
def region_list(request):
    if not may_list_regions(request.user):
        raise Http404
    filters = filters_from(request, "level", "q")
    page_obj = paginate(request, sel.region_list_filter(sel.region_list_for(request.user), **filters))
    counts = sel.region_subtree_counts(page_obj.object_list)
    rows = [
        (region, counts[region.pk], region_is_managed_by(request.user, region))
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
            "can_edit": region_is_managed_by(request.user, region),
            "parent_visible": region.parent is not None and region_is_visible_to(request.user, region.parent),
        },
    )


@console_view
def region_edit(request, code):
    region = sel.region_managed_get(request.user, code)
    form = RegionForm(request.POST or None, initial={"name": region.name, "population": region.population})
    if request.method == "POST" and form.is_valid():
        try:
            region_services.region_update(
                actor=request.user, region=region, request=request, **form.cleaned_data
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:region_detail", code=region.code)
    return form_page(
        request,
        form,
        title=_("Edit %(region)s") % {"region": region},
        cancel_url=reverse("network:region_detail", args=[region.code]),
        submit=_("Save"),
        status=form_status(form),
    )
