"""Sign-up endpoints: a volunteer signs up or cancels; an organizer decides applications and signs
up several team members at once.

A refusal answers 409 (422 when the request lacks something, e.g. the accepted agreement) with a
page that says why in the volunteer's words. Objects outside the user's reach answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors
from huiguang.core.pagination import paginate
from huiguang.network.forms import parse_ids
from huiguang.network.selectors import volunteer_of
from huiguang.volunteers.models import Volunteer

from ..models import Activity, Enrollment, Shift
from ..rules import (
    Reason,
    enrollments_organized_by,
    rule_refusal,
    shifts_organized_by,
    signup_contexts,
    team_members_q,
)
from ..services import enrollments as services
from ..services.enrollments import EnrollmentRefused

# Activities that have been public at some point: a sign-up for them is answered with a reason;
# drafts and activities under review do not exist for volunteers (404).
SIGNUP_VISIBLE = (
    Activity.Status.PUBLISHED,
    Activity.Status.FINISHED,
    Activity.Status.CANCELLED,
    Activity.Status.ARCHIVED,
)
YES = {"1", "on", "true", "yes"}


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _when(shift: Shift) -> str:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _refused_page(request, shift: Shift, exc: EnrollmentRefused, *, heading: str):
    return render(
        request,
        "activities/enroll/refused.html",
        {
            "heading": heading,
            "message": exc.message,
            "reason": exc.reason,
            "shift": shift,
            "activity": shift.activity,
            "when": _when(shift),
            "next": _next_url(request, ""),
        },
        status=exc.status,
    )


# --- a volunteer ---------------------------------------------------------------------------------------


@login_required
@require_POST
def enroll(request, shift_id):
    shift = (
        Shift.objects.select_related("activity")
        .filter(pk=shift_id, activity__status__in=SIGNUP_VISIBLE)
        .first()
    )
    if shift is None:
        raise Http404
    try:
        enrollment = services.enrollment_create(
            volunteer=volunteer_of(request.user),
            shift=shift,
            actor=request.user,
            agreement_accepted=request.POST.get("agreement_accepted", "").lower() in YES,
            request=request,
        )
    except EnrollmentRefused as exc:
        return _refused_page(request, shift, exc, heading=_("You cannot sign up for this shift"))
    text = {"shift": f"{shift.activity.title} · {shift.name}", "when": _when(shift)}
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
    volunteer = volunteer_of(request.user)
    own = Q(volunteer=volunteer) if volunteer is not None else Q(pk__in=[])
    enrollment = (
        Enrollment.objects.filter(own | Q(pk__in=enrollments_organized_by(request.user).values("pk")))
        .select_related("shift", "shift__activity", "volunteer")
        .filter(pk=pk)
        .first()
    )
    if enrollment is None:
        raise Http404
    was = enrollment.status
    try:
        services.enrollment_cancel(
            enrollment=enrollment, actor=request.user, reason=request.POST.get("reason", ""), request=request
        )
    except EnrollmentRefused as exc:
        return _refused_page(request, enrollment.shift, exc, heading=_("This sign-up cannot be cancelled"))
    shift = enrollment.shift
    text = {"shift": f"{shift.activity.title} · {shift.name}", "when": _when(shift)}
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


# --- organizers ---------------------------------------------------------------------------------------


# The team page speaks to the organizer about a member (the rules' messages speak to the volunteer).
TEAM_NOTES: dict[str, object] = {
    Reason.ALREADY_ENROLLED: gettext_lazy("already signed up"),
    Reason.OVERLAPS: gettext_lazy("signed up for another shift at that time"),
    Reason.UNDER_AGE: gettext_lazy("below the minimum age"),
    Reason.OVER_AGE: gettext_lazy("above the maximum age"),
    Reason.MISSING_SKILL: gettext_lazy("lacks a required skill"),
    Reason.NOT_MEMBER: gettext_lazy("not a member"),
    Reason.POLITICAL_STATUS: gettext_lazy("political status does not match"),
    Reason.BLOCKED_NO_SHOWS: gettext_lazy("blocked after missed shifts"),
    Reason.VOLUNTEER_INACTIVE: gettext_lazy("account not active"),
}


def _organized_shift(user, shift_id) -> Shift:
    shift = (
        shifts_organized_by(user).prefetch_related("activity__required_skills").filter(pk=shift_id).first()
    )
    if shift is None:
        raise Http404
    return shift


def team_members_chosen(shift: Shift, ids: list[int]) -> list[Volunteer]:
    """The chosen volunteers, who must all be active members of the organizing team. Any other id
    is refused as a whole, without telling whether such a volunteer exists (422)."""
    members = list(
        Volunteer.objects.filter(pk__in=ids)
        .filter(team_members_q(shift.activity))
        .distinct()
        .select_related("user")
    )
    strangers = sorted(set(ids) - {v.pk for v in members})
    if strangers:
        raise FieldErrors(
            {
                "volunteer_ids": [
                    _("These are not active members of the organizing team: %(ids)s.")
                    % {"ids": ", ".join(map(str, strangers))}
                ]
            }
        )
    return members


def _team_page(request, shift: Shift, *, failures=(), error: str = "", status: int = 200):
    activity = shift.activity
    q = request.GET.get("q", "").strip()[:64]
    members = (
        Volunteer.objects.filter(team_members_q(activity))
        .distinct()
        .select_related("user")
        .order_by("real_name", "pk")
    )
    if q:
        members = members.filter(Q(real_name__icontains=q) | Q(volunteer_number=q) | Q(user__phone=q))
    page_obj = paginate(request, members)
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
            "when": _when(shift),
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
    shift = _organized_shift(request.user, shift_id)
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
        return _team_page(request, shift, error=" ".join(exc.errors["volunteer_ids"]), status=422)
    n = len(created)
    messages.success(
        request,
        ngettext("%(n)d volunteer is signed up.", "%(n)d volunteers are signed up.", n) % {"n": n},
    )
    return redirect(_next_url(request, reverse("activities:roster", args=[shift.pk])))


@login_required
@require_POST
def enrollment_decide(request, shift_id):
    shift = _organized_shift(request.user, shift_id)
    one = request.POST.get("approve_one") or request.POST.get("reject_one")
    approve = "approve_one" in request.POST if one else request.POST.get("action") == "approve"
    ids = parse_ids([one] if one else request.POST.getlist("ids"))
    back = _next_url(request, reverse("activities:roster", args=[shift.pk]))
    if not ids:
        return render(
            request,
            "activities/enroll/message.html",
            {"heading": _("Nothing was decided"), "message": _("Tick at least one sign-up."), "back": back},
            status=400,
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


def decision_messages(counts: dict[str, int]) -> list[str]:
    """What the organizer reads after a bulk decision (also used by the API's `detail`)."""
    out = []
    if counts["confirmed"]:
        n = counts["confirmed"]
        out.append(ngettext("%(n)d sign-up approved.", "%(n)d sign-ups approved.", n) % {"n": n})
    if counts["waitlisted"]:
        n = counts["waitlisted"]
        out.append(
            ngettext(
                "%(n)d approved onto the waitlist: every place is taken.",
                "%(n)d approved onto the waitlist: every place is taken.",
                n,
            )
            % {"n": n}
        )
    if counts["full"]:
        n = counts["full"]
        out.append(
            ngettext(
                "%(n)d could not be approved: the shift and its waitlist are full; the volunteer was told.",
                "%(n)d could not be approved: the shift and its waitlist are full; the volunteers were told.",
                n,
            )
            % {"n": n}
        )
    rejected = counts["rejected"] - counts["full"]
    if rejected:
        out.append(
            ngettext("%(n)d sign-up rejected.", "%(n)d sign-ups rejected.", rejected) % {"n": rejected}
        )
    if counts["skipped"]:
        n = counts["skipped"]
        out.append(
            ngettext(
                "%(n)d was skipped: it is not an application waiting for a decision.",
                "%(n)d were skipped: they are not applications waiting for a decision.",
                n,
            )
            % {"n": n}
        )
    return out
