"""`enrollment_check`: the one function that decides every sign-up."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.volunteers.models import Volunteer

from ..models import Enrollment, Shift
from .checks import capacity_outcome, guardian_approval_needed, rule_refusal
from .context import SignupContext, signup_context
from .reasons import Decision, Reason, refuse


def enrollment_check(
    volunteer: Volunteer,
    shift: Shift,
    *,
    context: SignupContext | None = None,
    now: dt.datetime | None = None,
    agreement_accepted: bool = True,
    guardian_approved: bool = False,
) -> Decision:
    """May `volunteer` sign up for `shift`, and with which outcome? See the docstring of activities.rules.

    With a `context` (signup_context) and a shift that comes with its activity and the activity's
    required skills, this makes no query at all. `guardian_approved`: the guardian has just
    approved this sign-up (rule 14 is then satisfied).
    """
    now = now or (context.now if context is not None else timezone.now())
    if context is None:
        context = signup_context(volunteer, now=now)
    refusal = rule_refusal(volunteer, shift, context=context, now=now, agreement_accepted=agreement_accepted)
    if refusal is not None:
        return refusal
    outcome = capacity_outcome(shift)
    if outcome is None:
        return refuse(Reason.FULL)
    if not guardian_approved and guardian_approval_needed(volunteer, now):
        if volunteer.guardian_id is None:
            return refuse(
                Reason.NO_GUARDIAN,
                _(
                    "Volunteers under %(age)d sign up with a guardian's consent, and none is on record: "
                    "please ask the organizer."
                )
                % {"age": settings.HUIGUANG_GUARDIAN_AGE},
            )
        return Decision(
            ok=True,
            reason=Reason.GUARDIAN_APPROVAL.value,
            message=str(Reason.GUARDIAN_APPROVAL.label),
            outcome=str(Enrollment.Status.APPLIED),
        )
    messages: dict[str, str] = {
        Enrollment.Status.CONFIRMED: _("You can sign up: a place is free."),
        Enrollment.Status.WAITLISTED: _("Every place is taken: you can join the waitlist."),
        Enrollment.Status.APPLIED: _("You can apply: the organizer decides on each sign-up."),
    }
    return Decision(ok=True, reason=None, message=str(messages[outcome]), outcome=str(outcome))
