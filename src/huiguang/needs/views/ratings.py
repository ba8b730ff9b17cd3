"""评单: the page the SMS link opens, without login. A forged link answers 404, a used or expired
one 410, each with a page that says so; an invalid rating 422."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors

from ..forms import RatingForm
from ..services.ratings import rating_invite_for, rating_submit
from .common import refused


def rate(request, token: str):
    try:
        invite = rating_invite_for(token)
    except Refused as exc:
        return refused(request, exc, back="/", heading=_heading())
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rating = rating_submit(token=token, **form.cleaned_data, request=request)
        except Refused as exc:
            return refused(request, exc, back="/", heading=_heading())
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            return render(request, "needs/ratings/thanks.html", {"rating": rating, "req": invite.request})
    context = {"form": form, "req": invite.request}
    return render(request, "needs/ratings/rate.html", context, status=form_status(form))


def _heading():
    return _("Rate the service")
