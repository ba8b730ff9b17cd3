"""What the sign-up pages and the API say to an organizer (the rules' messages speak to the volunteer)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, ngettext

from .rules.reasons import Reason

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
