"""What every page of the organizers' console shares: the decorator, the form page, running a
service on a form, the activity's page with the outcome of a decision.

Objects come through the scoped selectors (outside the scope: 404). A page that changes
something answers 404 as well to a user who may read the object but not change it (a leader on a
published activity, an auditor anywhere): the services raise PermissionDenied, turned into 404
here, like the network console does. An invalid form answers 422, a refusal 409.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import INVALID_FORM_STATUS, form_status, show_errors
from huiguang.volunteers.models import Volunteer

from .. import permissions as perms
from ..forms import PhotoForm
from ..models import Activity
from ..selectors import console as sel
from ..services.series import rule_display


def posted(request):
    """(data, files) of a POST — bound even when empty, so that an empty form says what is missing."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def filters_of(request, *names) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:100] for name in names}


def form_page(
    request, form, *, title, cancel_url, submit, status=200, intro="", activity=None, template=None
):
    return render(
        request,
        template or "activities/console/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "submit": submit,
            "intro": intro,
            "activity": activity,
        },
        status=status,
    )


def run_service(form, call):
    """Call a service; its FieldErrors become form errors (422), a Refused a form-wide one (409)."""
    try:
        return call(), 200
    except FieldErrors as exc:
        show_errors(form, exc)
        return None, INVALID_FORM_STATUS
    except Refused as exc:
        form.add_error(None, exc.message)
        return None, 409


def status_for(form, status: int) -> int:
    """The status of a form page: the service's refusal, else 200 or 422 (core.forms.form_status)."""
    return status if status != 200 else form_status(form)


def detail_page(request, activity: Activity, status: int = 200):
    return render(
        request,
        "activities/console/detail.html",
        {
            "activity": activity,
            "can": perms.activity_permissions(request.user, activity),
            "shifts": sel.activity_shifts(activity),
            "photos": sel.activity_photos(activity),
            "skills": activity.required_skills.all(),
            "series_rule": rule_display(activity.series) if activity.series is not None else "",
            "political_label": dict(Volunteer.Political.choices).get(activity.political_status, ""),
            "photo_form": PhotoForm(),
        },
        status=status,
    )


def errors_page(request, activity: Activity, errors: Mapping[str, Iterable[Any]]):
    """The activity's page with the messages of an invalid request (422)."""
    for msgs in errors.values():
        for msg in msgs:
            messages.error(request, str(msg))
    return detail_page(request, activity, status=INVALID_FORM_STATUS)


def decision(request, pk, action, success: str):
    """A POST from the detail page: run it, show the outcome there."""
    activity = sel.activity_get_for(request.user, pk)
    try:
        action(activity)
    except FieldErrors as exc:
        return errors_page(request, activity, exc.errors)
    except Refused as exc:
        messages.error(request, exc.message)
        return detail_page(request, activity, status=409)
    messages.success(request, success % {"activity": activity.title})
    return redirect("activities:console_detail", pk=activity.pk)
