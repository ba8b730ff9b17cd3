"""The answer of the sign-up rules: `Decision`, and the `Reason` codes of every refusal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy


class Reason(models.TextChoices):
    """Why a sign-up (or another enrollment operation) is refused. The label is what a volunteer
    reads; `Decision.message` may say it more precisely (which age, which skill, which shift)."""

    FULL = "FULL", gettext_lazy("This shift is full and its waitlist is full too.")
    OVERLAPS = "OVERLAPS", gettext_lazy("This shift is at the same time as another shift you signed up for.")
    NOT_OPEN = "NOT_OPEN", gettext_lazy("Sign-up for this activity has not opened yet.")
    CLOSED = "CLOSED", gettext_lazy("Sign-up for this shift has closed.")
    STARTED = "STARTED", gettext_lazy("This shift has already started.")
    UNDER_AGE = "UNDER_AGE", gettext_lazy("You are younger than this activity's minimum age.")
    OVER_AGE = "OVER_AGE", gettext_lazy("You are older than this activity's maximum age.")
    MISSING_SKILL = "MISSING_SKILL", gettext_lazy("This activity needs a skill that is not in your profile.")
    MISSING_QUALIFICATION = (
        "MISSING_QUALIFICATION",
        gettext_lazy("This activity needs a qualification you do not hold."),
    )
    QUALIFICATION_EXPIRED = (
        "QUALIFICATION_EXPIRED",
        gettext_lazy("Your qualification for this activity expires before the shift ends."),
    )
    NOT_MEMBER = (
        "NOT_MEMBER",
        gettext_lazy("This activity is only for members of the organizing team: join the team first."),
    )
    POLITICAL_STATUS = (
        "POLITICAL_STATUS",
        gettext_lazy("This activity is only for volunteers of a certain political status."),
    )
    BLOCKED_NO_SHOWS = (
        "BLOCKED_NO_SHOWS",
        gettext_lazy(
            "You did not come to several shifts you had signed up for, so you cannot sign up for now."
        ),
    )
    ALREADY_ENROLLED = "ALREADY_ENROLLED", gettext_lazy("You have already signed up for this shift.")
    NOT_PUBLISHED = "NOT_PUBLISHED", gettext_lazy("This activity is not open for sign-up.")
    AGREEMENT_REQUIRED = (
        "AGREEMENT_REQUIRED",
        gettext_lazy("Read and accept the written agreement to sign up for this activity."),
    )
    VOLUNTEER_INACTIVE = (
        "VOLUNTEER_INACTIVE",
        gettext_lazy("Your volunteer account is not active, so you cannot sign up."),
    )
    NOT_VOLUNTEER = "NOT_VOLUNTEER", gettext_lazy("Register as a volunteer before signing up for activities.")
    # Refusals of the other enrollment operations (cancel, decide, team sign-up).
    CANCEL_TOO_LATE = (
        "CANCEL_TOO_LATE",
        gettext_lazy("It is too late to cancel online: please tell the organizer."),
    )
    NOT_ACTIVE = "NOT_ACTIVE", gettext_lazy("This sign-up has already been cancelled or decided.")
    TEAM_REFUSED = (
        "TEAM_REFUSED",
        gettext_lazy("Nobody was signed up: some of the chosen volunteers cannot take this shift."),
    )
    NOBODY_CHOSEN = "NOBODY_CHOSEN", gettext_lazy("Choose at least one volunteer.")
    # Rule 14: not a refusal but the outcome's reason (Decision.ok is True, outcome "applied").
    GUARDIAN_APPROVAL = (
        "GUARDIAN_APPROVAL",
        gettext_lazy("Your guardian must agree to this sign-up: we will ask them."),
    )
    NO_GUARDIAN = (
        "NO_GUARDIAN",
        gettext_lazy("Young volunteers sign up with a guardian's consent, and none is on record."),
    )


# `Enrollment.reason` of an application that waits for the child's guardian (rule 14); the
# organizer's decisions and counts skip it, the guardian's decision clears it.
GUARDIAN_PENDING = Reason.GUARDIAN_APPROVAL.value

# Refusals that mean "your request is missing something" (422) rather than "not now" (409).
UNPROCESSABLE = frozenset({Reason.AGREEMENT_REQUIRED, Reason.NOBODY_CHOSEN})


@dataclass(frozen=True)
class Decision:
    ok: bool
    # A refusal's code; for a sign-up that waits for the guardian (ok, outcome "applied"):
    # GUARDIAN_APPROVAL.
    reason: str | None
    message: str
    outcome: str | None  # "confirmed" | "applied" | "waitlisted" when ok
    link: str = ""  # where to go about a refusal (the course that grants a missing qualification)


def refuse(reason: Reason, message: str | None = None) -> Decision:
    """A refusal for `reason`, with its label unless a more precise message is given."""
    return Decision(ok=False, reason=reason.value, message=str(message or reason.label), outcome=None)
