"""The console's shift pages: a shift, a grid of shifts, editing and deleting one, its roster and
the roster's export."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.formatting import format_time_range
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_page

from .. import permissions as perms
from ..exports import XLSX, roster_phone
from ..exports import roster_export as roster_workbook
from ..forms import ShiftForm, ShiftGridForm
from ..models import Activity, Enrollment
from ..selectors import console as sel
from ..services import shifts
from .organizer import decision, form_page, posted, run_service, status_for

ROSTER_PAGE = 100
SHIFT_FORM = "activities/console/shift_form.html"


def _editable_activity(request, pk) -> Activity:
    activity = sel.activity_get_for(request.user, pk)
    if not perms.may_edit(request.user, activity):
        raise Http404
    return activity


@console_page
def shift_create(request, pk):
    activity = _editable_activity(request, pk)
    form = ShiftForm(
        posted(request)[0], initial={"starts_at": activity.starts_at, "ends_at": activity.ends_at}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        shift, status = run_service(
            form,
            lambda: shifts.shift_create(
                actor=request.user, activity=activity, request=request, **form.cleaned_data
            ),
        )
        if shift is not None:
            messages.success(request, _("Shift %(shift)s added.") % {"shift": shift.name})
            return redirect("activities:console_detail", pk=activity.pk)
    return form_page(
        request,
        form,
        title=_("New shift for %(activity)s") % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Add the shift"),
        status=status_for(form, status),
        intro=_("The activity runs %(when)s.")
        % {"when": format_time_range(activity.starts_at, activity.ends_at)},
        activity=activity,
        template=SHIFT_FORM,
    )


@console_page
def shift_grid(request, pk):
    activity = _editable_activity(request, pk)
    form = ShiftGridForm(posted(request)[0], initial={"on": timezone.localtime(activity.starts_at).date()})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created, status = run_service(
            form,
            lambda: shifts.shifts_create_grid(
                actor=request.user,
                activity=activity,
                positions=data["positions"],
                slots=data["slots"],
                on=data["on"],
                capacity=data["capacity"],
                waitlist_size=data["waitlist_size"],
                request=request,
            ),
        )
        if created is not None:
            messages.success(request, _("%(n)d shifts added.") % {"n": len(created)})
            return redirect("activities:console_detail", pk=activity.pk)
    return form_page(
        request,
        form,
        title=_("Shifts as a grid: positions × time slots"),
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Create the shifts"),
        status=status_for(form, status),
        intro=_(
            "Every position gets a shift in every time slot. Example: 量血压, 理发, 磨刀 × 08:30-10:00, "
            "10:00-11:30 makes six shifts. The activity runs %(when)s."
        )
        % {"when": format_time_range(activity.starts_at, activity.ends_at)},
        activity=activity,
    )


def _editable_shift(request, pk):
    shift = sel.shift_get_for(request.user, pk)
    if not perms.may_edit(request.user, shift.activity):
        raise Http404
    return shift


@console_page
def shift_edit(request, pk):
    shift = _editable_shift(request, pk)
    form = ShiftForm(posted(request)[0], initial=ShiftForm.initial_for(shift))
    status = 200
    if request.method == "POST" and form.is_valid():
        result, status = run_service(
            form,
            lambda: shifts.shift_update(
                actor=request.user, shift=shift, request=request, **form.cleaned_data
            ),
        )
        if result is not None:
            messages.success(request, _("Saved."))
            return redirect("activities:console_detail", pk=shift.activity_id)
    return form_page(
        request,
        form,
        title=_("Edit shift %(shift)s") % {"shift": shift.name},
        cancel_url=reverse("activities:console_detail", args=[shift.activity_id]),
        submit=_("Save"),
        status=status_for(form, status),
        intro=_("%(taken)d of %(capacity)d places are taken, %(waitlisted)d on the waitlist.")
        % {"taken": shift.taken, "capacity": shift.capacity, "waitlisted": shift.waitlisted},
        activity=shift.activity,
        template=SHIFT_FORM,
    )


@console_page
@require_POST
def shift_delete(request, pk):
    shift = _editable_shift(request, pk)

    def action(activity):
        shifts.shift_delete(actor=request.user, shift=shift, request=request)

    return decision(request, shift.activity_id, action, _("The shift was deleted from %(activity)s."))


# --- roster ------------------------------------------------------------------------------------------------


@console_page
def roster(request, pk):
    shift = sel.shift_get_for(request.user, pk)
    activity = shift.activity
    status = request.GET.get("status", "")
    page_obj = paginate(request, sel.roster_for(shift, status=status), per_page=ROSTER_PAGE)
    can = perms.activity_permissions(request.user, activity)
    counts = sel.roster_counts(shift)
    rows = [(e, roster_phone(e, can["phone"])) for e in page_obj.object_list]
    return render(
        request,
        "activities/console/roster.html",
        {
            "shift": shift,
            "activity": activity,
            "page_obj": page_obj,
            "rows": rows,
            "counts": counts,
            "status_tabs": [(v, label, counts[v]) for v, label in Enrollment.Status.choices if counts.get(v)],
            "status": status,
            "can": can,
        },
    )


@console_page
def roster_export(request, pk):
    """The roster as .xlsx: masked as on the page, formula cells neutralized, audited."""
    shift = sel.shift_get_for(request.user, pk)
    content = roster_workbook(
        actor=request.user,
        shift=shift,
        full_phone=perms.phone_visible(request.user, shift.activity),
        request=request,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="roster-{shift.pk}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response
