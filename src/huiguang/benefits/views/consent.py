"""谁能看我的数据: the volunteer's consents (recipient, purpose, fields, period, state) with a
withdraw button, and every read a partner made of their data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huiguang.core.pagination import paginate

from ..selectors.consent import access_list_of, consent_get_of, consent_list_of
from ..services.consent import consent_withdraw
from .common import volunteer_or_404


@login_required
@require_GET
def my_data(request):
    volunteer = volunteer_or_404(request)
    context = {
        "consents": consent_list_of(volunteer),
        "page_obj": paginate(request, access_list_of(volunteer)),
    }
    return render(request, "benefits/consent/my_data.html", context)


@login_required
@require_POST
def consent_withdraw_view(request, pk):
    volunteer = volunteer_or_404(request)
    consent = consent_get_of(volunteer, pk)
    consent_withdraw(consent=consent, user=request.user)
    messages.success(
        request,
        _("Consent withdrawn: %(partner)s can no longer read your data.") % {"partner": consent.partner.name},
    )
    return redirect("benefits:my_data")
