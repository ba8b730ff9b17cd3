"""Sign-up endpoints: a volunteer signs up or cancels; an organizer decides applications and signs
up several team members at once.

A refusal answers 409 (422 when the request lacks something, e.g. the accepted agreement) with a
page that says why in the volunteer's words. Objects outside the user's reach answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors
from huiguang.core.formatting import format_time_range
from huiguang.core.forms import INVALID_FORM_STATUS
from huiguang.core.pagination import paginate
from huiguang.network.forms import parse_ids

from ..models import Enrollment, Shift
from ..rules.checks import rule_refusal
from ..rules.context import signup_contexts
from ..rules.reasons import GUARDIAN_PENDING
from ..selectors.enrollments import (
    enrollment_cancellable_get,
    guardian_enrollment_get,
    shift_for_signup,
    shift_organized_get,
    team_members_chosen,
    team_members_for,
)
from ..services import enrollments as services
from ..services.enrollments import EnrollmentRefused
from ..services.guardians import enrollment_guardian_decide
from ..texts import TEAM_NOTES, decision_messages

YES = {"1", "on", "true", "yes"}


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _refused_page(request, shift: Shift, exc: EnrollmentRefused, *, heading: str):
    return render(
        request,
        "activities/enroll/refused.html",
        {
            "heading": heading,
            "message": exc.message,
            "reason": exc.reason,
            "link": exc.link,
            "shift": shift,
            "activity": shift.activity,
            "when": format_time_range(shift.starts_at, shift.ends_at),
            "next": _next_url(request, ""),
        },
        status=exc.status,
    )


# --- a volunteer ---------------------------------------------------------------------------------------


@login_required
@require_POST
def enroll(request, shift_id):
    # The service reads the shift (404 for a draft's) and the user's profile under their locks.
    try:
        enrollment = services.enrollment_create(
            shift=shift_id,
            actor=request.user,
            agreement_accepted=request.POST.get("agreement_accepted", "").lower() in YES,
            request=request,
        )
    except EnrollmentRefused as exc:
        shift = shift_for_signup(shift_id)
        return _refused_page(request, shift, exc, heading=_("You cannot sign up for this shift"))
    shift = enrollment.shift
    text = {
        "shift": f"{shift.activity.title} · {shift.name}",
        "when": format_time_range(shift.starts_at, shift.ends_at),
    }
    if enrollment.status == Enrollment.Status.CONFIRMED:
        messages.success(request, _("You are signed up for %(shift)s (%(when)s).") % text)
    elif enrollment.status == Enrollment.Status.WAITLISTED:
        messages.info(
            request,
            _(
                "Every place is taken: you are on the waitlist for %(shift)s (%(when)s). We will tell you "
                "if a place becomes free."
            )
            % text,
        )
    elif enrollment.reason == GUARDIAN_PENDING:
        messages.info(
            request,
            _("Your sign-up for %(shift)s (%(when)s) waits for your guardian's consent: we have told them.")
            % text,
        )
    else:
        messages.info(
            request,
            _("Your sign-up for %(shift)s (%(when)s) has been sent: the organizer will decide.") % text,
        )
    return redirect(_next_url(request, reverse("activities:detail", args=[shift.activity_id])))


@login_required
@require_POST
def enrollment_cancel(request, pk):
    """The volunteer's own enrollment, or one that the user organizes; anything else is 404."""
    enrollment = enrollment_cancellable_get(request.user, pk)
    was = enrollment.status
    try:
        services.enrollment_cancel(
            enrollment=enrollment, actor=request.user, reason=request.POST.get("reason", ""), request=request
        )
    except EnrollmentRefused as exc:
        return _refused_page(request, enrollment.shift, exc, heading=_("This sign-up cannot be cancelled"))
    shift = enrollment.shift
    text = {
        "shift": f"{shift.activity.title} · {shift.name}",
        "when": format_time_range(shift.starts_at, shift.ends_at),
    }
    if enrollment.volunteer.user_id != request.user.pk:
        messages.success(
            request,
            _("%(name)s's sign-up for %(shift)s is cancelled.") % {**text, "name": enrollment.volunteer},
        )
    elif was == Enrollment.Status.WAITLISTED:
        messages.success(request, _("You left the waitlist of %(shift)s.") % text)
    elif was == Enrollment.Status.APPLIED:
        messages.success(request, _("You withdrew your sign-up for %(shift)s.") % text)
    else:
        messages.success(request, _("Your sign-up for %(shift)s (%(when)s) is cancelled.") % text)
    return redirect(_next_url(request, reverse("activities:my")))


# --- a guardian -------------------------------------------------------------------------------------


@login_required
@require_POST
def guardian_decide(request, pk):
    """The guardian approves (`decision=approve`) or declines (`decline`) a child's sign-up that
    waits for them; only the child's guardian finds it (404 otherwise)."""
    enrollment = guardian_enrollment_get(request.user, pk)
    decision = request.POST.get("decision", "")
    back = _next_url(request, reverse("ledger:ward", args=[enrollment.volunteer_id]))
    if decision not in {"approve", "decline"}:
        return render(
            request,
            "activities/enroll/message.html",
            {"heading": _("Nothing was decided"), "message": _("Choose approve or decline."), "back": back},
            status=INVALID_FORM_STATUS,
        )
    try:
        done = enrollment_guardian_decide(
            actor=request.user, enrollment=enrollment, approve=decision == "approve", request=request
        )
    except EnrollmentRefused as exc:
        return _refused_page(request, enrollment.shift, exc, heading=_("This sign-up cannot be approved now"))
    shift = enrollment.shift
    text = {"name": enrollment.volunteer.real_name, "shift": f"{shift.activity.title} · {shift.name}"}
    if done.status == Enrollment.Status.REJECTED:
        messages.success(request, _("You declined %(name)s's sign-up for %(shift)s.") % text)
    else:
        text["status"] = done.get_status_display()
        messages.success(request, _("You approved %(name)s's sign-up for %(shift)s: %(status)s.") % text)
    return redirect(back)


# --- organizers ---------------------------------------------------------------------------------------


def _team_page(request, shift: Shift, *, failures=(), error: str = "", status: int = 200):
    activity = shift.activity
    q = request.GET.get("q", "").strip()[:64]
    page_obj = paginate(request, team_members_for(shift, q))
    now = timezone.now()
    contexts = signup_contexts(page_obj.object_list, now=now)
    rows = []
    for volunteer in page_obj.object_list:
        # The agreement is accepted for the whole team with one tick: not a per-member refusal here.
        refusal = rule_refusal(
            volunteer, shift, context=contexts[volunteer.pk], now=now, agreement_accepted=True
        )
        note = (TEAM_NOTES.get(str(refusal.reason)) or refusal.message) if refusal else ""
        rows.append({"volunteer": volunteer, "refusal": refusal, "note": note})
    return render(
        request,
        "activities/enroll/team_signup.html",
        {
            "shift": shift,
            "activity": activity,
            "when": format_time_range(shift.starts_at, shift.ends_at),
            "rows": rows,
            "page_obj": page_obj,
            "q": q,
            "failures": failures,
            "error": error,
            "chosen": set(parse_ids(request.POST.getlist("ids"))) if request.method == "POST" else set(),
        },
        status=status,
    )


@login_required
def team_signup(request, shift_id):
    shift = shift_organized_get(request.user, shift_id)
    if request.method != "POST":
        return _team_page(request, shift)
    ids = parse_ids(request.POST.getlist("ids"))
    try:
        created = services.team_signup(
            actor=request.user,
            shift=shift,
            volunteers=team_members_chosen(shift, ids),
            agreement_accepted=request.POST.get("agreement_accepted", "").lower() in YES,
            request=request,
        )
    except EnrollmentRefused as exc:
        failures = [(v, reason, TEAM_NOTES.get(reason) or message) for v, reason, message in exc.failures]
        return _team_page(request, shift, failures=failures, error=str(exc.message), status=exc.status)
    except FieldErrors as exc:
        return _team_page(
            request, shift, error=" ".join(exc.errors["volunteer_ids"]), status=INVALID_FORM_STATUS
        )
    n = len(created)
    messages.success(
        request,
        ngettext("%(n)d volunteer is signed up.", "%(n)d volunteers are signed up.", n) % {"n": n},
    )
    return redirect(_next_url(request, reverse("activities:roster", args=[shift.pk])))


@login_required
@require_POST
def enrollment_decide(request, shift_id):
    shift = shift_organized_get(request.user, shift_id)
    one = request.POST.get("approve_one") or request.POST.get("reject_one")
    approve = "approve_one" in request.POST if one else request.POST.get("action") == "approve"
    ids = parse_ids([one] if one else request.POST.getlist("ids"))
    back = _next_url(request, reverse("activities:roster", args=[shift.pk]))
    if not ids:
        return render(
            request,
            "activities/enroll/message.html",
            {"heading": _("Nothing was decided"), "message": _("Tick at least one sign-up."), "back": back},
            status=INVALID_FORM_STATUS,
        )
    counts = services.enrollment_decide(
        actor=request.user,
        shift=shift,
        ids=ids,
        approve=approve,
        reason=request.POST.get("reason", ""),
        request=request,
    )
    for message in decision_messages(counts):
        messages.success(request, message)
    return redirect(back)
