"""Pages for finding activities: the list, an activity, shifts I can take, my activities, calendars.

Who sees which activity is decided in selectors/public.py (published and visible; 404 otherwise).
"""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors
from huiguang.core.forms import INVALID_FORM_STATUS
from huiguang.core.links import absolute_url
from huiguang.core.pagination import paginate

from .. import ical
from ..models import Activity, Enrollment
from ..selectors import mine, places, search
from ..selectors import public as sel

PAGE_SIZE = 20


def _filters(request) -> tuple[search.ActivityFilters, dict[str, list[str]]]:
    try:
        return search.parse_activity_filters(request.GET), {}
    except FieldErrors as exc:
        return search.ActivityFilters(), exc.errors


def _filter_context(request, filters: search.ActivityFilters, errors) -> dict:
    choices = sel.filter_choices()
    other = None
    if filters.region and filters.region not in {t.code for t in choices["towns"]}:
        other = {"code": filters.region, "name": filters.region_name}
    return {
        "raw": {
            k: request.GET.get(k, "")[:64]
            for k in ("q", "region", "category", "date_from", "date_to", "lat", "lng", "km", "when", "centre")
        },
        "errors": errors,
        "filters": filters,
        "km_choices": (1, 3, 5, 10, 20, 50),
        "region_other": other,
        # The centre of a distance search: a town or street, or a well-known site, grouped by town.
        "centre_groups": places.group_sites_by_town(
            places.located_sites(), {t.code: t.name for t in choices["towns"]}, _("Whole city")
        ),
        **choices,
    }


def activity_list(request):
    filters, errors = _filters(request)
    results = Activity.objects.none() if errors else sel.activity_search(request.user, filters)
    page_obj = paginate(request, results, per_page=PAGE_SIZE)
    page_obj.object_list = sel.with_places(page_obj.object_list)
    context = {"page_obj": page_obj, "filters": filters, **_filter_context(request, filters, errors)}
    return render(
        request, "activities/public/list.html", context, status=INVALID_FORM_STATUS if errors else 200
    )


def activity_detail(request, pk: int):
    activity = sel.activity_get_public(request.user, pk)
    page = sel.activity_page(request.user, activity)
    return render(request, "activities/public/detail.html", {"page": page, "activity": activity})


def activity_ics(request, pk: int):
    activity = sel.activity_get_public(request.user, pk)
    response = HttpResponse(ical.activity_calendar(activity), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
    return response


def activity_share_qr(request, pk: int):
    """An SVG QR code of the activity's address on the site, to print or show on a screen."""
    activity = sel.activity_get_public(request.user, pk)
    buffer = io.BytesIO()
    qr = segno.make(absolute_url(reverse("activities:detail", args=[activity.pk])), error="m")
    qr.save(buffer, kind="svg", scale=8, border=2, dark="#111", title=activity.title)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
def can_take(request):
    volunteer = sel.volunteer_of(request.user)
    filters, errors = _filters(request)
    options = [] if errors or volunteer is None else mine.shifts_i_can_take(volunteer, filters)
    page_obj = Paginator(options, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page_obj, "volunteer": volunteer, **_filter_context(request, filters, errors)}
    return render(
        request, "activities/public/can_take.html", context, status=INVALID_FORM_STATUS if errors else 200
    )


@login_required
def my_activities(request):
    volunteer = sel.volunteer_of(request.user)
    context: dict = {"volunteer": volunteer}
    if volunteer is not None:
        now = timezone.now()
        token = mine.calendar_token_of(volunteer)
        feed = absolute_url(reverse("activities:ical_feed", args=[token.token])) if token else ""
        context |= {
            "now": now,
            "active_statuses": Enrollment.ACTIVE,
            "upcoming": list(mine.my_upcoming(volunteer, now=now)),
            "page_obj": paginate(request, mine.my_past(volunteer, now=now), per_page=PAGE_SIZE),
            "calendar_url": feed,
            "webcal_url": "webcal://" + feed.split("://", 1)[1] if feed else "",
        }
    return render(request, "activities/public/my.html", context)


@login_required
@require_POST
def calendar_regenerate(request):
    volunteer = sel.volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    had_one = mine.calendar_token_of(volunteer) is not None
    ical.calendar_token_regenerate(volunteer=volunteer, actor=request.user, request=request)
    if had_one:
        messages.success(request, _("Your calendar link was replaced: the old link no longer works."))
    else:
        messages.success(request, _("Your calendar link is ready: add it to your phone's calendar."))
    return redirect(reverse("activities:my") + "#calendar")


def ical_feed(request, token: str):
    enrollments = mine.calendar_feed_enrollments(token)
    response = HttpResponse(ical.volunteer_calendar(enrollments), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
