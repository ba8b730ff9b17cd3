"""Correction pages: a volunteer's dispute and rating; the console's make-up requests (补录) and
disputes. Writes go through services/corrections.py; PermissionDenied from a service answers 404,
Refused shows its message with status 409, FieldErrors re-render the form with status 422.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.formatting import hours_from_minutes
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate
from huiguang.core.text import posted_text
from huiguang.network.permissions import console_page

from ..forms import AnswerForm, DisputeForm, MakeupForm, RatingForm
from ..models import ActivityRating, Dispute, MakeupRequest
from ..permissions import may_answer_dispute, may_decide_makeup, may_request_makeup
from ..selectors.corrections import (
    dispute_get_for,
    dispute_list_for,
    makeup_get_for,
    makeup_list_for,
    rated_activity_get,
)
from ..selectors.records import own_record_get
from ..services import corrections
from .common import PAGE, refused, volunteer_or_404

# --- the volunteer ------------------------------------------------------------------------------------


@login_required
def dispute_create(request, pk: int):
    volunteer = volunteer_or_404(request)
    record = own_record_get(request.user, pk)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hours = form.cleaned_data["claimed_hours"]
        try:
            corrections.dispute_open(
                volunteer=volunteer,
                record=record,
                reason=form.cleaned_data["reason"],
                claimed_minutes=int(hours * 60) if hours is not None else None,
                request=request,
            )
        except Refused as exc:
            return refused(request, exc, back=reverse("ledger:my_hours"))
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Your dispute was sent to the organization."))
            return redirect("ledger:my_hours")
    context = {"form": form, "record": record}
    return render(request, "ledger/hours/dispute_form.html", context, status=form_status(form))


@login_required
def activity_rate(request, pk: int):
    volunteer = volunteer_or_404(request)
    activity = rated_activity_get(volunteer, pk)  # only an activity with confirmed hours exists here
    current = ActivityRating.objects.filter(activity=activity, volunteer=volunteer).first()
    initial = {"rating": current.rating, "comment": current.comment} if current else {"rating": 5}
    form = RatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            corrections.activity_rate(volunteer=volunteer, activity=activity, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Thank you for rating the activity."))
            return redirect("ledger:my_hours")
    context = {"form": form, "activity": activity}
    return render(request, "ledger/hours/rate_form.html", context, status=form_status(form))


# --- the console: make-up requests ------------------------------------------------------------------------


def _status_filter(request, statuses, default: str) -> str:
    """The status tab: a known status, or "" for all (?status=all)."""
    status = request.GET.get("status", default)
    return status if status in statuses.values else ""


@console_page
def makeup_list(request):
    status = _status_filter(request, MakeupRequest.Status, MakeupRequest.Status.PENDING)
    qs = makeup_list_for(request.user)
    page = paginate(request, qs.filter(status=status) if status else qs, PAGE)
    for makeup in page:
        makeup.can_decide = makeup.status == MakeupRequest.Status.PENDING and may_decide_makeup(
            request.user, makeup
        )
    context = {"page_obj": page, "status": status, "statuses": MakeupRequest.Status.choices}
    return render(request, "ledger/hours/makeup_list.html", context)


@console_page
def makeup_create(request):
    if not may_request_makeup(request.user):
        raise Http404
    form = MakeupForm(request.POST or None, user=request.user)
    status = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            corrections.makeup_request_create(
                actor=request.user,
                volunteer=data["volunteer_number"],
                organization=data["activity"].organization,
                activity=data["activity"],
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                reason=data["reason"],
                request=request,
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("The request waits for a second administrator's approval."))
            return redirect("ledger:makeup_list")
    return render(
        request, "ledger/hours/makeup_form.html", {"form": form}, status=status or form_status(form)
    )


@require_POST
@console_page
def makeup_decide(request, pk: int):
    makeup = makeup_get_for(request.user, pk)
    back = reverse("ledger:makeup_list")
    try:
        if request.POST.get("decision") == "approve":
            corrections.makeup_request_approve(actor=request.user, makeup=makeup, request=request)
            messages.success(request, _("Approved: the hours are on the volunteer's record."))
        else:
            note = posted_text(request, "note", max_length=300)
            corrections.makeup_request_reject(actor=request.user, makeup=makeup, note=note, request=request)
            messages.success(request, _("Rejected: the volunteer has been told."))
    except Refused as exc:
        return refused(request, exc, back=back)
    except FieldErrors as exc:
        message = " ".join(m for msgs in exc.errors.values() for m in msgs)
        return refused(request, Refused("INVALID", message), back=back, status=422)
    return redirect("ledger:makeup_list")


# --- the console: disputes --------------------------------------------------------------------------------


@console_page
def dispute_list(request):
    status = _status_filter(request, Dispute.Status, Dispute.Status.OPEN)
    qs = dispute_list_for(request.user)
    page = paginate(request, qs.filter(status=status) if status else qs, PAGE)
    context = {"page_obj": page, "status": status, "statuses": Dispute.Status.choices}
    return render(request, "ledger/hours/dispute_list.html", context)


def _answer(request, dispute: Dispute, data: dict) -> None:
    if data["decision"] != "accept":
        corrections.dispute_reject(
            actor=request.user, dispute=dispute, answer=data["answer"], request=request
        )
        return
    if data["hours"] is None:
        raise FieldErrors({"hours": [_("Give the hours the record should count.")]})
    corrections.dispute_accept(
        actor=request.user,
        dispute=dispute,
        minutes=int(data["hours"] * 60),
        answer=data["answer"],
        request=request,
    )


@console_page
def dispute_answer(request, pk: int):
    dispute = dispute_get_for(request.user, pk)
    record = dispute.record
    may_answer = dispute.status == Dispute.Status.OPEN and may_answer_dispute(request.user, dispute)
    minutes = dispute.claimed_minutes if dispute.claimed_minutes is not None else record.minutes
    initial = {"decision": "accept", "hours": hours_from_minutes(minutes)}
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_answer:
            raise Http404
        if form.is_valid():
            try:
                _answer(request, dispute, form.cleaned_data)
            except FieldErrors as exc:
                show_errors(form, exc)
            except Refused as exc:
                return refused(request, exc, back=reverse("ledger:disputes"))
            else:
                messages.success(request, _("The dispute is answered; the volunteer has been told."))
                return redirect("ledger:disputes")
    context = {"dispute": dispute, "record": record, "form": form, "may_answer": may_answer}
    return render(request, "ledger/hours/dispute_answer.html", context, status=form_status(form))
