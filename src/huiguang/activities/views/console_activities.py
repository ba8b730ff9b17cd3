"""The console's activity pages: the list, the review queue, an activity and its decisions, the
editor, copies, the outcome and photos (views/organizer.py has what they share)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import Refused
from huiguang.core.forms import INVALID_FORM_STATUS
from huiguang.core.pagination import paginate
from huiguang.core.params import read_filters
from huiguang.core.text import posted_text
from huiguang.network.permissions import console_page

from .. import permissions as perms
from ..forms import ActivityForm, CopyForm, OutcomeForm, PhotoForm
from ..models import Activity
from ..selectors import console as sel
from ..services import activities, outcomes, photos
from .organizer import (
    decision,
    detail_page,
    errors_page,
    filters_of,
    form_page,
    posted,
    run_service,
    status_for,
)

# --- list, review queue ---------------------------------------------------------------------------------


@console_page
def console_list(request):
    values, errors = read_filters(
        request.GET, texts=("status", "q"), dates=("date_from", "date_to"), ids=("organization",)
    )
    page_obj = paginate(request, sel.activity_rows_for(request.user, **values))
    return render(
        request,
        "activities/console/list.html",
        {
            "page_obj": page_obj,
            "filters": filters_of(request, "status", "organization", "date_from", "date_to", "q"),
            "filter_errors": errors,
            "statuses": Activity.Status.choices,
            "organizations": sel.activity_filter_organizations(request.user),
            "can_create": perms.may_create_activities(request.user),
            "can_review": perms.is_reviewer(request.user),
        },
        status=INVALID_FORM_STATUS if errors else 200,
    )


@console_page
def review_queue(request):
    if not perms.is_reviewer(request.user):
        raise Http404
    page_obj = paginate(request, sel.review_queue_for(request.user))
    return render(request, "activities/console/review_queue.html", {"page_obj": page_obj})


# --- detail and decisions --------------------------------------------------------------------------------


@console_page
def console_detail(request, pk):
    return detail_page(request, sel.activity_get_for(request.user, pk))


@console_page
@require_POST
def console_submit(request, pk):
    def action(activity):
        activities.activity_submit(actor=request.user, activity=activity, request=request)
        if activity.status == Activity.Status.PUBLISHED:
            messages.info(request, _("It is published at once: volunteers can sign up."))

    return decision(request, pk, action, _("%(activity)s was submitted."))


@console_page
@require_POST
def console_review(request, pk):
    choice = request.POST.get("action", "")
    if choice not in ("approve", "reject"):
        activity = sel.activity_get_for(request.user, pk)
        if not perms.may_review(request.user, activity):
            raise Http404
        return errors_page(request, activity, {"action": [_("Choose to approve or to return the activity.")]})

    def action(activity):
        activities.activity_review(
            actor=request.user,
            activity=activity,
            approve=choice == "approve",
            reason=posted_text(request, "reason", max_length=500),
            request=request,
        )

    success = (
        _("%(activity)s is approved and published.")
        if choice == "approve"
        else _("%(activity)s was returned for changes; the organizer is told why.")
    )
    return decision(request, pk, action, success)


@console_page
@require_POST
def console_cancel(request, pk):
    def action(activity):
        n = activities.activity_cancel(
            actor=request.user,
            activity=activity,
            reason=posted_text(request, "reason", max_length=500),
            request=request,
        )
        if n:
            messages.info(request, _("%(n)d sign-ups were cancelled and the volunteers told.") % {"n": n})

    return decision(request, pk, action, _("%(activity)s was cancelled."))


@console_page
@require_POST
def console_archive(request, pk):
    def action(activity):
        outcomes.activity_archive(actor=request.user, activity=activity, request=request)

    return decision(request, pk, action, _("%(activity)s was archived."))


# --- editor ----------------------------------------------------------------------------------------------


@console_page
def console_create(request):
    if not perms.may_create_activities(request.user):
        raise Http404
    form = ActivityForm(*posted(request), user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        activity, status = run_service(
            form,
            lambda: activities.activity_create(
                actor=request.user, organization=form.cleaned_data["organization"], request=request, **data
            ),
        )
        if activity is not None:
            messages.success(request, _("The draft is saved. Add its shifts, then submit it for review."))
            return redirect("activities:console_detail", pk=activity.pk)
    return form_page(
        request,
        form,
        title=_("New activity"),
        cancel_url=reverse("activities:console_list"),
        submit=_("Save the draft"),
        status=status_for(form, status),
        template="activities/console/activity_form.html",
    )


@console_page
def console_edit(request, pk):
    activity = sel.activity_get_for(request.user, pk)
    if not perms.may_edit(request.user, activity):
        raise Http404
    form = ActivityForm(
        *posted(request),
        user=request.user,
        activity=activity,
        initial=ActivityForm.initial_for(activity),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        result, status = run_service(
            form,
            lambda: activities.activity_update(
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
    return form_page(
        request,
        form,
        title=_("Edit %(activity)s") % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Save"),
        status=status_for(form, status),
        intro=intro,
        activity=activity,
        template="activities/console/activity_form.html",
    )


@console_page
def console_copy(request, pk):
    activity = sel.activity_get_for(request.user, pk)
    if not perms.organization_may_edit_activities(request.user, activity.organization):
        raise Http404
    form = CopyForm(posted(request)[0])
    status = 200
    if request.method == "POST" and form.is_valid():
        copy, status = run_service(
            form,
            lambda: activities.activity_copy(
                actor=request.user, activity=activity, on=form.cleaned_data["on"], request=request
            ),
        )
        if copy is not None:
            messages.success(request, _("The copy is saved as a draft."))
            return redirect("activities:console_detail", pk=copy.pk)
    return form_page(
        request,
        form,
        title=_("Copy %(activity)s") % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Copy"),
        status=status_for(form, status),
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
    form = OutcomeForm(posted(request)[0], initial=OutcomeForm.initial_for(activity))
    status = 200
    if request.method == "POST" and form.is_valid():
        service = outcomes.activity_finish if finishing else outcomes.activity_outcome_update
        result, status = run_service(
            form, lambda: service(actor=request.user, activity=activity, request=request, **form.cleaned_data)
        )
        if result is not None:
            messages.success(
                request,
                _("%(activity)s is finished.") % {"activity": activity.title} if finishing else _("Saved."),
            )
            return redirect("activities:console_detail", pk=activity.pk)
    return form_page(
        request,
        form,
        title=(_("Finish %(activity)s") if finishing else _("Outcome of %(activity)s"))
        % {"activity": activity.title},
        cancel_url=reverse("activities:console_detail", args=[activity.pk]),
        submit=_("Finish the activity") if finishing else _("Save"),
        status=status_for(form, status),
        intro=_("Record what the activity achieved; photos of it can be added on its page.")
        if finishing
        else "",
        activity=activity,
    )


@console_page
def console_finish(request, pk):
    return _outcome_page(request, pk, finishing=True)


@console_page
def console_outcome(request, pk):
    return _outcome_page(request, pk, finishing=False)


# --- photos ---------------------------------------------------------------------------------------------


@console_page
@require_POST
def photo_add(request, pk):
    activity = sel.activity_get_for(request.user, pk)
    if not perms.organization_may_edit_activities(request.user, activity.organization):
        raise Http404
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return errors_page(request, activity, form.errors)

    def action(activity):
        photos.photo_add(
            actor=request.user,
            activity=activity,
            upload=form.cleaned_data["image"],
            kind=form.cleaned_data["kind"],
            caption=form.cleaned_data["caption"],
            request=request,
        )

    return decision(request, pk, action, _("The photo was added to %(activity)s."))


@console_page
@require_POST
def photo_delete(request, pk):
    photo = sel.photo_get_for(request.user, pk)
    activity_pk = photo.activity_id
    try:
        photos.photo_delete(actor=request.user, photo=photo, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return detail_page(request, sel.activity_get_for(request.user, activity_pk), status=409)
    messages.success(request, _("The photo was removed."))
    return redirect("activities:console_detail", pk=activity_pk)
