"""The organizers' console: activity list, editor, review queue, shifts, rosters, series.

Objects come through the scoped selectors (outside the scope: 404). A page that changes
something answers 404 as well to a user who may read the object but not change it (a leader on a
published activity, an auditor anywhere): the services raise PermissionDenied, turned into 404
here, like the network console does.
"""

from __future__ import annotations

from functools import wraps
from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.masking import mask_phone, safe_cell
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_view
from huiguang.volunteers.models import Volunteer

from .. import permissions as perms
from ..models import Activity, Enrollment
from ..selectors import console as sel
from ..services import lifecycle
from ..services import series as series_services
from .console_forms import (
    ActivityForm,
    CopyForm,
    OutcomeForm,
    PhotoForm,
    SeriesEditForm,
    SeriesForm,
    ShiftForm,
    ShiftGridForm,
    default_series_start,
    show_errors,
)

ROSTER_PAGE = 100
MAX_EXPORT_ROWS = 20000


def organizer_view(view):
    """A console page; a PermissionDenied from a service answers 404 (not yours to change)."""

    @console_view
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    return wrapped


def _posted(request):
    """(data, files) of a POST — bound even when empty, so that an empty form says what is missing."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _filters(request, *names) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:100] for name in names}


def _form_page(
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


def _run(form, call):
    """Call a service; its FieldErrors become form errors (400), a Refused a form-wide one (409)."""
    try:
        return call(), 200
    except FieldErrors as exc:
        show_errors(form, exc)
        return None, 400
    except Refused as exc:
        form.add_error(None, exc.message)
        return None, 409


def _status_for(form, status: int) -> int:
    if status != 200:
        return status
    return 400 if form.is_bound else 200


# --- list, review queue ---------------------------------------------------------------------------------


@organizer_view
def console_list(request):
    filters = _filters(request, "status", "organization", "date_from", "date_to", "q")
    page_obj = paginate(request, sel.activity_rows_for(request.user, **filters))
    return render(
        request,
        "activities/console/list.html",
        {
            "page_obj": page_obj,
            "filters": filters,
            "statuses": Activity.Status.choices,
            "organizations": sel.activity_filter_organizations(request.user),
            "can_create": perms.may_create_activities(request.user),
            "can_review": perms.is_reviewer(request.user),
        },
    )


@organizer_view
def review_queue(request):
    if not perms.is_reviewer(request.user):
        raise Http404
    page_obj = paginate(request, sel.review_queue_for(request.user))
    return render(request, "activities/console/review_queue.html", {"page_obj": page_obj})


# --- detail and decisions --------------------------------------------------------------------------------


def _detail_page(request, activity: Activity, status: int = 200):
    return render(
        request,
        "activities/console/detail.html",
        {
            "activity": activity,
            "can": perms.activity_permissions(request.user, activity),
            "shifts": sel.activity_shifts(activity),
            "photos": sel.activity_photos(activity),
            "skills": activity.required_skills.all(),
            "series_rule": series_services.rule_display(activity.series)
            if activity.series is not None
            else "",
            "political_label": dict(Volunteer.Political.choices).get(activity.political_status, ""),
            "photo_form": PhotoForm(),
        },
        status=status,
    )


@organizer_view
def console_detail(request, pk):
    return _detail_page(request, sel.activity_get_for(request.user, pk))


def _decision(request, pk, action, success: str):
    """A POST from the detail page: run it, show the outcome there."""
    activity = sel.activity_get_for(request.user, pk)
    try:
        action(activity)
    except FieldErrors as exc:
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.error(request, msg)
        return _detail_page(request, activity, status=400)
    except Refused as exc:
        messages.error(request, exc.message)
        return _detail_page(request, activity, status=409)
    messages.success(request, success % {"activity": activity.title})
    return redirect("activities:console_detail", pk=activity.pk)


@organizer_view
@require_POST
def console_submit(request, pk):
    def action(activity):
        lifecycle.activity_submit(actor=request.user, activity=activity, request=request)
        if activity.status == Activity.Status.PUBLISHED:
            messages.info(request, _("It is published at once: volunteers can sign up."))

    return _decision(request, pk, action, _("%(activity)s was submitted."))


@organizer_view
@require_POST
def console_review(request, pk):
    choice = request.POST.get("action", "")
    if choice not in ("approve", "reject"):
        activity = sel.activity_get_for(request.user, pk)
        if not perms.may_review(request.user, activity):
            raise Http404
        messages.error(request, _("Choose to approve or to return the activity."))
        return _detail_page(request, activity, status=400)

    def action(activity):
        lifecycle.activity_review(
            actor=request.user,
            activity=activity,
            approve=choice == "approve",
            reason=request.POST.get("reason", ""),
            request=request,
        )

    success = (
        _("%(activity)s is approved and published.")
        if choice == "approve"
        else _("%(activity)s was returned for changes; the organizer is told why.")
    )
    return _decision(request, pk, action, success)


@organizer_view
@require_POST
def console_cancel(request, pk):
    def action(activity):
        n = lifecycle.activity_cancel(
            actor=request.user, activity=activity, reason=request.POST.get("reason", ""), request=request
        )
        if n:
            messages.info(request, _("%(n)d sign-ups were cancelled and the volunteers told.") % {"n": n})

    return _decision(request, pk, action, _("%(activity)s was cancelled."))


@organizer_view
@require_POST
def console_archive(request, pk):
    def action(activity):
        lifecycle.activity_archive(actor=request.user, activity=activity, request=request)

    return _decision(request, pk, action, _("%(activity)s was archived."))


# --- editor ----------------------------------------------------------------------------------------------


@organizer_view
def console_create(request):
    if not perms.may_create_activities(request.user):
        raise Http404
    form = ActivityForm(*_posted(request), user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        activity, status = _run(
            form,
            lambda: lifecycle.activity_create(
                actor=request.user, organization=form.cleaned_data["organization"], request=request, **data
            ),
        )
        if activity is not None:
            messages.success(request, _("The draft is saved. Add its shifts, then submit it for review."))
            return redirect("activities:console_detail", pk=activity.pk)
    return _form_page(
        request,
        form,
        title=_("New activity"),
        cancel_url=reverse("activities:console_list"),
        submit=_("Save the draft"),
        status=_status_for(form, status),
        template="activities/console/activity_form.html",
    )


@organizer_view
def console_edit(request, pk):
    activity = sel.activity_get_for(request.user, pk)
    if not perms.may_edit(request.user, activity):
        raise Http404
    form = ActivityForm(
        *_posted(request),
        user=request.user,
        activity=activity,
        initial=ActivityForm.initial_for(activity),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        result, status = _run(
            form,
            lambda: lifecycle.activity_update(
                actor=request.user,
                activity=activity,
                remove_cover=form.cleaned_data.get("remove_cover", False),
                move_shifts=form.cleaned_data.get("move_shifts", True),
                request=request,
                **data,
            ),
        )
        if result is not None:
            messages.success(request, _("Saved."))
            return redirect("activities:console_detail", pk=activity.pk)
    intro = ""
    if activity.series_id and not activity.series_detached:
        intro = _("This activity is part of a series: saving changes this date only, apart from the series.")
    elif activity.status == Activity.Status.PUBLISHED:
        intro = _(
            "The activity is published: volunteers who signed up are told when its time or place changes."
        )
    return _form_page(
        request,
        form,
        title=_("Edit %(activity)s") % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Save"),
        status=_status_for(form, status),
        intro=intro,
        activity=activity,
        template="activities/console/activity_form.html",
    )


@organizer_view
def console_copy(request, pk):
    activity = sel.activity_get_for(request.user, pk)
    if not perms.organization_may_edit_activities(request.user, activity.organization):
        raise Http404
    form = CopyForm(_posted(request)[0])
    status = 200
    if request.method == "POST" and form.is_valid():
        copy, status = _run(
            form,
            lambda: lifecycle.activity_copy(
                actor=request.user, activity=activity, on=form.cleaned_data["on"], request=request
            ),
        )
        if copy is not None:
            messages.success(request, _("The copy is saved as a draft."))
            return redirect("activities:console_detail", pk=copy.pk)
    return _form_page(
        request,
        form,
        title=_("Copy %(activity)s") % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Copy"),
        status=_status_for(form, status),
        activity=activity,
    )


def _outcome_page(request, pk, *, finishing: bool):
    activity = sel.activity_get_for(request.user, pk)
    if finishing:
        allowed = perms.organization_may_manage_activities(request.user, activity.organization)
    else:
        allowed = perms.organization_may_edit_activities(request.user, activity.organization)
    if not allowed:
        raise Http404
    form = OutcomeForm(_posted(request)[0], initial=OutcomeForm.initial_for(activity))
    status = 200
    if request.method == "POST" and form.is_valid():
        service = lifecycle.activity_finish if finishing else lifecycle.activity_outcome_update
        result, status = _run(
            form, lambda: service(actor=request.user, activity=activity, request=request, **form.cleaned_data)
        )
        if result is not None:
            messages.success(
                request,
                _("%(activity)s is finished.") % {"activity": activity.title} if finishing else _("Saved."),
            )
            return redirect("activities:console_detail", pk=activity.pk)
    return _form_page(
        request,
        form,
        title=(_("Finish %(activity)s") if finishing else _("Outcome of %(activity)s"))
        % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Finish the activity") if finishing else _("Save"),
        status=_status_for(form, status),
        intro=_("Record what the activity achieved; photos of it can be added on its page.")
        if finishing
        else "",
        activity=activity,
    )


@organizer_view
def console_finish(request, pk):
    return _outcome_page(request, pk, finishing=True)


@organizer_view
def console_outcome(request, pk):
    return _outcome_page(request, pk, finishing=False)


# --- photos ---------------------------------------------------------------------------------------------


@organizer_view
@require_POST
def photo_add(request, pk):
    activity = sel.activity_get_for(request.user, pk)
    if not perms.organization_may_edit_activities(request.user, activity.organization):
        raise Http404
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for msgs in form.errors.values():
            for msg in msgs:
                messages.error(request, msg)
        return _detail_page(request, activity, status=400)

    def action(activity):
        lifecycle.photo_add(
            actor=request.user,
            activity=activity,
            upload=form.cleaned_data["image"],
            kind=form.cleaned_data["kind"],
            caption=form.cleaned_data["caption"],
            request=request,
        )

    return _decision(request, pk, action, _("The photo was added to %(activity)s."))


@organizer_view
@require_POST
def photo_delete(request, pk):
    photo = sel.photo_get_for(request.user, pk)
    activity_pk = photo.activity_id
    try:
        lifecycle.photo_delete(actor=request.user, photo=photo, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return _detail_page(request, sel.activity_get_for(request.user, activity_pk), status=409)
    messages.success(request, _("The photo was removed."))
    return redirect("activities:console_detail", pk=activity_pk)


# --- shifts ---------------------------------------------------------------------------------------------


def _editable_activity(request, pk) -> Activity:
    activity = sel.activity_get_for(request.user, pk)
    if not perms.may_edit(request.user, activity):
        raise Http404
    return activity


@organizer_view
def shift_create(request, pk):
    activity = _editable_activity(request, pk)
    form = ShiftForm(
        _posted(request)[0], initial={"starts_at": activity.starts_at, "ends_at": activity.ends_at}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        shift, status = _run(
            form,
            lambda: lifecycle.shift_create(
                actor=request.user, activity=activity, request=request, **form.cleaned_data
            ),
        )
        if shift is not None:
            messages.success(request, _("Shift %(shift)s added.") % {"shift": shift.name})
            return redirect("activities:console_detail", pk=activity.pk)
    return _form_page(
        request,
        form,
        title=_("New shift for %(activity)s") % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Add the shift"),
        status=_status_for(form, status),
        intro=_("The activity runs %(when)s.")
        % {"when": lifecycle.when_text(activity.starts_at, activity.ends_at)},
        activity=activity,
    )


@organizer_view
def shift_grid(request, pk):
    activity = _editable_activity(request, pk)
    form = ShiftGridForm(_posted(request)[0], initial={"on": timezone.localtime(activity.starts_at).date()})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created, status = _run(
            form,
            lambda: lifecycle.shifts_create_grid(
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
    return _form_page(
        request,
        form,
        title=_("Shifts as a grid: positions × time slots"),
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Create the shifts"),
        status=_status_for(form, status),
        intro=_(
            "Every position gets a shift in every time slot. Example: 量血压, 理发, 磨刀 × 08:30-10:00, "
            "10:00-11:30 makes six shifts. The activity runs %(when)s."
        )
        % {"when": lifecycle.when_text(activity.starts_at, activity.ends_at)},
        activity=activity,
    )


def _editable_shift(request, pk):
    shift = sel.shift_get_for(request.user, pk)
    if not perms.may_edit(request.user, shift.activity):
        raise Http404
    return shift


@organizer_view
def shift_edit(request, pk):
    shift = _editable_shift(request, pk)
    initial = {
        f: getattr(shift, f)
        for f in ("name", "description", "starts_at", "ends_at", "capacity", "waitlist_size")
    }
    form = ShiftForm(_posted(request)[0], initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        result, status = _run(
            form,
            lambda: lifecycle.shift_update(
                actor=request.user, shift=shift, request=request, **form.cleaned_data
            ),
        )
        if result is not None:
            messages.success(request, _("Saved."))
            return redirect("activities:console_detail", pk=shift.activity_id)
    return _form_page(
        request,
        form,
        title=_("Edit shift %(shift)s") % {"shift": shift.name},
        cancel_url=reverse("activities:console_detail", args=[shift.activity_id]),
        submit=_("Save"),
        status=_status_for(form, status),
        intro=_("%(taken)d of %(capacity)d places are taken, %(waitlisted)d on the waitlist.")
        % {"taken": shift.taken, "capacity": shift.capacity, "waitlisted": shift.waitlisted},
        activity=shift.activity,
    )


@organizer_view
@require_POST
def shift_delete(request, pk):
    shift = _editable_shift(request, pk)

    def action(activity):
        lifecycle.shift_delete(actor=request.user, shift=shift, request=request)

    return _decision(request, shift.activity_id, action, _("The shift was deleted from %(activity)s."))


# --- roster ------------------------------------------------------------------------------------------------


def _phone(enrollment: Enrollment, full: bool) -> str:
    phone = enrollment.volunteer.user.phone
    return phone if full else mask_phone(phone)


@organizer_view
def roster(request, pk):
    shift = sel.shift_get_for(request.user, pk)
    activity = shift.activity
    status = request.GET.get("status", "")
    page_obj = paginate(request, sel.roster_for(shift, status=status), per_page=ROSTER_PAGE)
    can = perms.activity_permissions(request.user, activity)
    counts = sel.roster_counts(shift)
    rows = [(e, _phone(e, can["phone"])) for e in page_obj.object_list]
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


@organizer_view
def roster_export(request, pk):
    """The roster as .xlsx: masked as on the page, formula cells neutralized, audited."""
    from openpyxl import Workbook

    shift = sel.shift_get_for(request.user, pk)
    activity = shift.activity
    full_phone = perms.phone_visible(request.user, activity)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Roster"))
    ws.append(
        [
            safe_cell(x)
            for x in (activity.title, shift.name, lifecycle.when_text(shift.starts_at, shift.ends_at))
        ]
    )
    ws.append(
        [
            _("Volunteer number"),
            _("Real name"),
            _("ID number"),
            _("Mobile number"),
            _("Status"),
            _("Signed up"),
            _("Signed up by"),
            _("Note"),
        ]
    )
    rows = 0
    for e in sel.roster_for(shift)[:MAX_EXPORT_ROWS].iterator(chunk_size=1000):
        ws.append(
            [
                safe_cell(x)
                for x in (
                    e.volunteer.volunteer_number,
                    e.volunteer.real_name,
                    e.volunteer.id_masked,
                    _phone(e, full_phone),
                    e.get_status_display(),
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                    str(e.signed_up_by) if e.signed_up_by_id else "",
                    e.reason,
                )
            ]
        )
        rows += 1
    out = BytesIO()
    wb.save(out)
    audit_log(
        action="export",
        actor=request.user,
        obj=shift,
        request=request,
        what="roster",
        rows=rows,
        phones="full" if full_phone else "masked",
    )
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="roster-{shift.pk}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


# --- series ---------------------------------------------------------------------------------------------


@organizer_view
def series_create(request, pk):
    activity = sel.activity_get_for(request.user, pk)
    if not perms.organization_may_manage_activities(request.user, activity.organization):
        raise Http404
    form = SeriesForm(
        _posted(request)[0],
        initial={
            "starts_on": default_series_start(activity),
            "horizon_months": settings.HUIGUANG_SERIES_HORIZON_MONTHS,
            "weekdays": [timezone.localtime(activity.starts_at).isoweekday()],
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        series, status = _run(
            form,
            lambda: series_services.series_create(
                actor=request.user, template=activity, request=request, **form.cleaned_data
            ),
        )
        if series is not None:
            n = series.occurrences.exclude(pk=activity.pk).count()
            messages.success(request, _("The series is set up: %(n)d dates were generated.") % {"n": n})
            return redirect("activities:series_detail", pk=series.pk)
    return _form_page(
        request,
        form,
        title=_("Make %(activity)s recurring") % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Create the series"),
        status=_status_for(form, status),
        intro=_(
            "Each date copies this activity with its shifts and is published at once (the series is "
            "reviewed through this activity). Dates are generated some months ahead, and extended daily."
        ),
        activity=activity,
        template="activities/console/series_form.html",
    )


@organizer_view
def series_detail(request, pk):
    series = sel.series_get_for(request.user, pk)
    return render(
        request,
        "activities/console/series_detail.html",
        {
            "series": series,
            "rule": series_services.rule_display(series),
            "occurrences": sel.series_occurrences(series),
            "can_edit": perms.organization_may_manage_activities(request.user, series.organization),
        },
    )


@organizer_view
def series_edit(request, pk):
    series = sel.series_get_for(request.user, pk)
    if (
        not perms.organization_may_manage_activities(request.user, series.organization)
        or series.template is None
    ):
        raise Http404
    form = SeriesEditForm(_posted(request)[0], initial=SeriesEditForm.initial_for(series))
    status = 200
    if request.method == "POST" and form.is_valid():
        result, status = _run(
            form,
            lambda: series_services.series_update(
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
    return _form_page(
        request,
        form,
        title=_("Edit the whole series %(series)s") % {"series": series.title},
        cancel_url=reverse("activities:series_detail", args=[series.pk]),
        submit=_("Save for all future dates"),
        status=_status_for(form, status),
        intro=_(
            "Changes apply to every future date of the series that was not edited on its own. Dates that "
            "already have sign-ups keep their times."
        ),
    )
