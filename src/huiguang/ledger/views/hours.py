"""Hours pages: my hours, the same per volunteer in the console, and the .xlsx exports (part G)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from huiguang.core.forms import form_status
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_page
from huiguang.network.selectors import organization_managed_by, volunteer_of
from huiguang.volunteers.selectors import volunteer_get_for

from ..exports import records_xlsx
from ..forms import OrgExportForm
from ..selectors.corrections import own_disputes
from ..selectors.hours import hours_summary
from ..selectors.records import organization_records, records_for_volunteer, volunteer_records
from .common import PAGE, volunteer_or_404


@login_required
def my_hours(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return render(request, "ledger/hours/no_volunteer.html")
    context = {
        "summary": hours_summary(volunteer),
        "page_obj": paginate(request, volunteer_records(volunteer), PAGE),
        "volunteer": volunteer,
        "disputes": own_disputes(volunteer),
    }
    return render(request, "ledger/hours/my_hours.html", context)


@login_required
def my_hours_export(request):
    volunteer = volunteer_or_404(request)
    return records_xlsx(
        request=request,
        records=records_for_volunteer(volunteer),
        filename=f"hours-{volunteer.volunteer_number}",
        audit_obj=volunteer,
        what="own_records",
    )


@console_page
def volunteer_hours(request, pk: int):
    volunteer = volunteer_get_for(request.user, pk)
    context = {
        "summary": hours_summary(volunteer),
        "page_obj": paginate(request, volunteer_records(volunteer), PAGE),
        "volunteer": volunteer,
    }
    return render(request, "ledger/hours/volunteer_hours.html", context)


@console_page
def volunteer_hours_export(request, pk: int):
    volunteer = volunteer_get_for(request.user, pk)
    return records_xlsx(
        request=request,
        records=records_for_volunteer(volunteer),
        filename=f"hours-{volunteer.volunteer_number}",
        audit_obj=volunteer,
        what="volunteer_records",
    )


@console_page
def organization_export(request):
    """An organization's records (and those below it) for a period, as .xlsx."""
    if not organization_managed_by(request.user).exists():
        raise Http404
    today = timezone.localdate()
    bound = "organization" in request.GET
    initial = {"start": today.replace(day=1), "end": today}
    form = OrgExportForm(request.GET if bound else None, user=request.user, initial=initial)
    if not (bound and form.is_valid()):
        return render(request, "ledger/hours/export_form.html", {"form": form}, status=form_status(form))
    data = form.cleaned_data
    org, start, end = data["organization"], data["start"], data["end"]
    return records_xlsx(
        request=request,
        records=organization_records(org, start=start, end=end),
        filename=f"records-{org.code}-{start:%Y%m%d}-{end:%Y%m%d}",
        audit_obj=org,
        what="organization_records",
        period=f"{start}/{end}",
    )
