"""What the ledger's pages share: a console page that answers 404 for PermissionDenied, the page
that explains a refusal, the signed-in volunteer."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from huiguang.core.errors import Refused
from huiguang.network.selectors import volunteer_of

PAGE = 30


def volunteer_or_404(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


def refused(request, exc: Refused, back: str, *, message: str = "", status: int = 0):
    """The page that says why not (409 for a refusal), with a way back."""
    return render(
        request,
        "ledger/hours/message.html",
        {"heading": _("Not possible"), "message": message or exc.message, "reason": exc.reason, "back": back},
        status=status or exc.status,
    )
