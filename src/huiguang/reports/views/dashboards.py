"""The console dashboards (one per scope: the city, a region, an organization; 404 outside the
user's scope), the hourly rate of the impact value, and a team's public figures."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors
from huiguang.core.forms import form_status, show_errors
from huiguang.core.params import BadParam
from huiguang.network.permissions import console_page

from ..forms.assessments import HourlyRateForm
from ..permissions import may_edit_assessments
from ..selectors.dashboards import (
    current_hourly_rate,
    dashboard_figures,
    dashboard_organization_get_for,
    dashboard_region_get_for,
    dashboard_units_for,
    team_figures,
    team_get,
)
from ..services.assessments import hourly_rate_set


def _page(request, unit):
    context = {
        "figures": dashboard_figures(unit),
        "units": dashboard_units_for(request.user),
        "may_edit": may_edit_assessments(request.user),
    }
    return render(request, "reports/dashboards/dashboard.html", context)


@console_page
def dashboard(request):
    units = dashboard_units_for(request.user)
    if not units:
        raise Http404
    return _page(request, units[0])


@console_page
def dashboard_region(request, code):
    return _page(request, dashboard_region_get_for(request.user, code))


@console_page
def dashboard_organization(request, pk):
    return _page(request, dashboard_organization_get_for(request.user, pk))


@console_page
def hourly_rate(request):
    if not may_edit_assessments(request.user):
        raise Http404
    form = HourlyRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hourly_rate_set(actor=request.user, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The hourly rate is saved."))
            return redirect("reports:dashboard")
    context = {"form": form, "rate": current_hourly_rate()}
    return render(request, "reports/dashboards/hourly_rate.html", context, status=form_status(form))


def year_param(raw: str | None, default: int) -> int:
    value = (raw or "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or not 2000 <= int(value) <= default:
        raise BadParam(_("Enter a year from 2000 to %(last)d.") % {"last": default})
    return int(value)


def team(request, pk):
    """A team's figures of a year, public like the team's own page."""
    org = team_get(pk)
    this_year = timezone.localdate().year
    try:
        year = year_param(request.GET.get("year"), this_year)
    except BadParam as exc:
        context = {"team": org, "error": str(exc), "years": range(this_year, this_year - 5, -1)}
        return render(request, "reports/dashboards/team.html", context, status=422)
    context = {
        "figures": team_figures(org, year=year),
        "team": org,
        "years": range(this_year, this_year - 5, -1),
    }
    return render(request, "reports/dashboards/team.html", context)
