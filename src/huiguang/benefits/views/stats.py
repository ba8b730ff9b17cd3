"""Offer statistics: a partner's (for its managers) and the whole city's (city admins, auditors),
each with its .xlsx export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..exports.offers import statistics_xlsx
from ..permissions import may_read_partner_statistics
from ..selectors.offers import monthly_statistics, offer_statistics, statistics_totals
from ..selectors.partners import partner_acting_for


def _render(request, partner):
    context = {
        "partner": partner,
        "offers": offer_statistics(partner),
        "months": monthly_statistics(partner),
        "totals": statistics_totals(partner),
    }
    return render(request, "benefits/stats/page.html", context)


@login_required
@require_GET
def partner_stats(request, pk):
    return _render(request, partner_acting_for(request.user, pk, manager=True))


@login_required
@require_GET
def partner_stats_export(request, pk):
    partner = partner_acting_for(request.user, pk, manager=True)
    return statistics_xlsx(user=request.user, partner=partner, request=request)


def _city(request) -> None:
    if not may_read_partner_statistics(request.user):
        raise Http404


@login_required
@require_GET
def city_stats(request):
    _city(request)
    return _render(request, None)


@login_required
@require_GET
def city_stats_export(request):
    _city(request)
    return statistics_xlsx(user=request.user, partner=None, request=request)
