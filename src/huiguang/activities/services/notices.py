"""What the activity and sign-up services tell people (notifications.notify), in one place.

Notifications are stored once and read later: they are written in the site's language, not in the
language of whoever triggered them (`site_language`).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from huiguang.core.formatting import format_time_range
from huiguang.notifications.services import notify

from ..models import Activity, Enrollment, Shift
from ..selectors.console import reviewer_grants_for


def site_language():
    return translation.override(settings.LANGUAGE_CODE)


def _console_url(activity: Activity) -> str:
    return reverse("activities:console_detail", args=[activity.pk])


def activity_url(activity: Activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


# --- about an activity ---------------------------------------------------------------------------


def tell_organizer(activity: Activity, actor, *, kind: str, title, body) -> None:
    """Notify the activity's organizer of a decision someone else took."""
    user = activity.created_by
    if user is None or (actor is not None and user.pk == getattr(actor, "pk", None)):
        return
    notify(user=user, kind=kind, title=title, body=body, url=_console_url(activity))


def tell_reviewers(activity: Activity) -> None:
    """Tell the region and parent-organization admins who may review it (city admins see the queue)."""
    for user in reviewer_grants_for(activity.organization):
        notify(
            user=user,
            kind="activity_submitted",
            title=_("An activity waits for your review: %(activity)s") % {"activity": activity.title},
            body=_("%(org)s submitted %(activity)s (%(when)s) for publication.")
            % {
                "org": activity.organization.name,
                "activity": activity.title,
                "when": format_time_range(activity.starts_at, activity.ends_at),
            },
            url=reverse("activities:review_queue"),
        )


def tell_enrolled(activity: Activity, *, shifts=None, what: str) -> int:
    """Tell everyone holding an active enrollment (of `shifts`, default all) that the time or place
    changed. One notice per volunteer."""
    enrollments = Enrollment.objects.filter(shift__activity=activity, status__in=Enrollment.ACTIVE)
    if shifts is not None:
        enrollments = enrollments.filter(shift__in=shifts)
    seen = set()
    for enrollment in enrollments.select_related("volunteer__user", "shift").order_by("pk"):
        if enrollment.volunteer_id in seen:
            continue
        seen.add(enrollment.volunteer_id)
        shift = enrollment.shift
        notify(
            user=enrollment.volunteer.user,
            kind="activity_changed",
            title=_("Changed: %(activity)s") % {"activity": activity.title},
            body=_(
                "%(what)s Your shift %(shift)s is now %(when)s at %(place)s. If you can no longer "
                "come, please cancel your sign-up."
            )
            % {
                "what": what,
                "shift": shift.name,
                "when": format_time_range(shift.starts_at, shift.ends_at),
                "place": activity.address
                or (activity.site.name if activity.site is not None else activity.region.name),
            },
            url=activity_url(activity),
        )
    return len(seen)


# --- about a sign-up ------------------------------------------------------------------------------


def shift_text(shift: Shift) -> dict:
    return {
        "activity": shift.activity.title,
        "shift": shift.name,
        "when": format_time_range(shift.starts_at, shift.ends_at),
    }


def tell_volunteer(
    enrollment: Enrollment, shift: Shift, *, kind: str, title: str, body: str, key: str = ""
) -> None:
    notify(
        user=enrollment.volunteer.user,
        kind=kind,
        title=title,
        body=body,
        url=activity_url(shift.activity),
        dedupe_key=f"{kind}:{enrollment.pk}{key}",
    )


def tell_promoted(enrollment: Enrollment, shift: Shift) -> None:
    with site_language():
        tell_volunteer(
            enrollment,
            shift,
            kind="enrollment_promoted",
            title=_("You have a place: %(activity)s") % shift_text(shift),
            body=_(
                "A place became free on %(shift)s (%(when)s) and you moved up from the waitlist: you are "
                "now confirmed. If you cannot come, cancel so that the next person can go."
            )
            % shift_text(shift),
        )


def tell_cancelled_by_organizer(enrollment: Enrollment, shift: Shift, reason: str) -> None:
    with site_language():
        tell_volunteer(
            enrollment,
            shift,
            kind="enrollment_cancelled",
            title=_("Your sign-up was cancelled: %(activity)s") % shift_text(shift),
            body=(_("The organizer cancelled your sign-up for %(shift)s (%(when)s).") % shift_text(shift))
            + (f" {reason}" if reason else ""),
        )


def tell_decision(enrollment: Enrollment, shift: Shift, status: str, note: str) -> None:
    with site_language():
        text = shift_text(shift)
        if status == Enrollment.Status.CONFIRMED:
            title = _("Your sign-up was approved: %(activity)s") % text
            body = _("You are confirmed for %(shift)s (%(when)s).") % text
        elif status == Enrollment.Status.WAITLISTED:
            title = _("You are on the waitlist: %(activity)s") % text
            body = (
                _(
                    "Your sign-up for %(shift)s (%(when)s) was approved, but every place is taken: you are "
                    "on the waitlist and will be told if a place becomes free."
                )
                % text
            )
        else:
            title = _("Your sign-up was not accepted: %(activity)s") % text
            body = _("Your sign-up for %(shift)s (%(when)s) was not accepted.") % text + (
                f" {note}" if note else ""
            )
        tell_volunteer(enrollment, shift, kind=f"enrollment_{status}", title=title, body=body)


def tell_team_member(enrollment: Enrollment, shift: Shift, organizer) -> None:
    with site_language():
        tell_volunteer(
            enrollment,
            shift,
            kind="enrollment_team",
            title=_("You were signed up: %(activity)s") % shift_text(shift),
            body=_(
                "%(organizer)s signed you up for %(shift)s (%(when)s). "
                "If you cannot come, cancel in “My activities”."
            )
            % {**shift_text(shift), "organizer": organizer.display_name or organizer.phone},
        )


def tell_activity_cancelled(enrollment: Enrollment, shift: Shift, activity: Activity, reason: str) -> None:
    with site_language():
        notify(
            user=enrollment.volunteer.user,
            kind="activity_cancelled",
            title=_("Activity cancelled: %(activity)s") % {"activity": activity.title},
            body=(
                _("%(activity)s (%(shift)s, %(when)s) has been cancelled; your sign-up is cancelled too.")
                % shift_text(shift)
            )
            + (f" {reason}" if reason else ""),
            url=activity_url(activity),
            dedupe_key=f"activity_cancelled:{enrollment.pk}",
        )
