"""The console's volunteer list and profiles (404 for users without a console role)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_view

from .. import exports, selectors, services
from ..forms import VolunteerFilterForm
from ..permissions import may_reveal_id


@console_view
def console_list(request):
    form = VolunteerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.volunteer_console_list_for(
        request.user,
        q=filters.get("q", ""),
        region_code=filters.get("region", ""),
        status=filters.get("status", ""),
        sort=request.GET.get("sort", ""),
    )
    if request.GET.get("format") == "xlsx":
        return exports.volunteer_list_xlsx(request=request, queryset=qs)
    page = paginate(request, qs)
    context = {"form": form, "page_obj": page, "sort": selectors.volunteer_sort_key(request.GET.get("sort"))}
    return render(request, "volunteers/console_list.html", context)


@console_view
def console_detail(request, pk):
    volunteer = selectors.volunteer_get_for(request.user, pk)
    context = {
        "volunteer": volunteer,
        "memberships": selectors.membership_list_of(volunteer),
        "skills": volunteer.skills.all(),
        "may_reveal": may_reveal_id(request.user, volunteer),
    }
    return render(request, "volunteers/console_detail.html", context)


@login_required  # anonymous visitors go to the login page, a GET is 405, before the console check
@require_POST
@console_view
def console_reveal_id(request, pk):
    volunteer = selectors.volunteer_get_for(request.user, pk)
    try:
        number = services.volunteer_reveal_id(actor=request.user, volunteer=volunteer, request=request)
    except PermissionDenied:
        raise Http404 from None
    return render(request, "volunteers/_id_full.html", {"number": number})
