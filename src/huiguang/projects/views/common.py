"""What the project pages share: the page that explains a refusal."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from huiguang.core.errors import Refused

PAGE = 30


def refused(request, exc: Refused, back: str):
    """The page that says why not (409), with a way back."""
    context = {"heading": _("Not possible"), "message": exc.message, "reason": exc.reason, "back": back}
    return render(request, "projects/message.html", context, status=exc.status)


def posted(request) -> tuple:
    """(data, files) of a POST, (None, None) otherwise: a form posted empty is bound (and invalid:
    422), not shown afresh as `request.POST or None` would."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def posted_data(request):
    return request.POST if request.method == "POST" else None
