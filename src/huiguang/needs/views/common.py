"""What the needs pages share: the page that explains a refusal."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from huiguang.core.errors import Refused


def refused(request, exc: Refused, back: str, *, heading=None):
    """The page that says why not (the refusal's status: 409, 410, 400), with a way back."""
    return render(
        request,
        "needs/message.html",
        {"heading": heading or _("Not possible"), "message": exc.message, "reason": exc.reason, "back": back},
        status=exc.status,
    )
