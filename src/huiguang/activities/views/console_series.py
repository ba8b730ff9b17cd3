"""The console's series pages: making an activity recurring, a series, editing the whole series."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.network.permissions import console_page

from .. import permissions as perms
from ..forms import SeriesEditForm, SeriesForm, default_series_start
from ..selectors import console as sel
from ..services import series as series_services
from ..services.series import rule_display
from ..services.series_edit import series_update
from .organizer import form_page, posted, run_service, status_for


@console_page
def series_create(request, pk):
    activity = sel.activity_get_for(request.user, pk)
    if not perms.organization_may_manage_activities(request.user, activity.organization):
        raise Http404
    form = SeriesForm(
        posted(request)[0],
        initial={
            "starts_on": default_series_start(activity),
            "horizon_months": settings.HUIGUANG_SERIES_HORIZON_MONTHS,
            "weekdays": [timezone.localtime(activity.starts_at).isoweekday()],
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        series, status = run_service(
            form,
            lambda: series_services.series_create(
                actor=request.user, template=activity, request=request, **form.cleaned_data
            ),
        )
        if series is not None:
            n = series.occurrences.exclude(pk=activity.pk).count()
            messages.success(request, _("The series is set up: %(n)d dates were generated.") % {"n": n})
            return redirect("activities:series_detail", pk=series.pk)
    return form_page(
        request,
        form,
        title=_("Make %(activity)s recurring") % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Create the series"),
        status=status_for(form, status),
        intro=_(
            "Each date copies this activity with its shifts and is published at once (the series is "
            "reviewed through this activity). Dates are generated some months ahead, and extended daily."
        ),
        activity=activity,
        template="activities/console/series_form.html",
    )


@console_page
def series_detail(request, pk):
    series = sel.series_get_for(request.user, pk)
    return render(
        request,
        "activities/console/series_detail.html",
        {
            "series": series,
            "rule": rule_display(series),
            "occurrences": sel.series_occurrences(series),
            "can_edit": perms.organization_may_manage_activities(request.user, series.organization),
        },
    )


@console_page
def series_edit(request, pk):
    series = sel.series_get_for(request.user, pk)
    if (
        not perms.organization_may_manage_activities(request.user, series.organization)
        or series.template is None
    ):
        raise Http404
    form = SeriesEditForm(posted(request)[0], initial=SeriesEditForm.initial_for(series))
    status = 200
    if request.method == "POST" and form.is_valid():
        result, status = run_service(
            form,
            lambda: series_update(
                actor=request.user, series=series, request=request, **form.service_kwargs(series)
            ),
        )
        if result is not None:
            messages.success(request, _("%(n)d future dates were updated.") % {"n": len(result.updated)})
            if result.times_kept:
                messages.warning(
                    request,
                    _(
                        "%(n)d dates already have sign-ups and kept their times: %(dates)s. Change them one "
                        "by one if needed (their volunteers are then told)."
                    )
                    % {
                        "n": len(result.times_kept),
                        "dates": ", ".join(
                            f"{timezone.localtime(a.starts_at):%Y-%m-%d}" for a in result.times_kept
                        ),
                    },
                )
            if result.cancelled:
                messages.info(
                    request, _("%(n)d dates after the new end were cancelled.") % {"n": len(result.cancelled)}
                )
            return redirect("activities:series_detail", pk=series.pk)
    return form_page(
        request,
        form,
        title=_("Edit the whole series %(series)s") % {"series": series.title},
        cancel_url=reverse("activities:series_detail", args=[series.pk]),
        submit=_("Save for all future dates"),
        status=status_for(form, status),
        intro=_(
            "Changes apply to every future date of the series that was not edited on its own. Dates that "
            "already have sign-ups keep their times."
        ),
    )
