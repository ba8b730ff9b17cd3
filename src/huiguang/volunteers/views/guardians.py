"""A guardian's standing consent to a child's sign-ups (the child's page is ledger:ward)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services


@login_required
@require_POST
def standing_consent(request, pk):
    """`given=1` gives the standing consent, anything else withdraws it; only the guardian (404)."""
    ward = selectors.ward_of_user_get(request.user, pk)
    given = request.POST.get("given", "").lower() in {"1", "on", "true", "yes"}
    ward = services.volunteer_standing_consent_set(
        guardian_user=request.user, ward=ward, given=given, request=request
    )
    text = {"name": ward.real_name}
    if given:
        messages.success(request, _("%(name)s may now sign up without asking you each time.") % text)
    else:
        messages.success(request, _("You will be asked to approve each of %(name)s's sign-ups.") % text)
    return redirect("ledger:ward", pk=ward.pk)
