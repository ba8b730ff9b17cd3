"""Reminders before a shift: 24 h and 2 h before it starts (settings.HUIGUANG_REMINDER_HOURS).

Run every few minutes (the `send_due_reminders` task, or `huiguang send_reminders` from cron).
Each run looks at the confirmed enrollments of the shifts that start within the largest window
and sends each one the reminder of the *nearest* window it is in: a shift 20 h away gets the
24 h reminder, 90 minutes away the 2 h one — never the 24 h one any more (someone who signed
up 1 h before the start gets one reminder, not two at once). Each reminder carries the
dedupe key `reminder-<H>h:<enrollment id>`, so a second run (or two runs at once) sends
nothing new: notify() refuses the duplicate through the unique (user, dedupe_key) constraint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from huiguang.notifications.kinds import REMINDER
from huiguang.notifications.models import Notification
from huiguang.notifications.services import notify

from .models import Activity, Enrollment, Shift

BATCH = 500  # shifts per enrollment query


def reminder_key(hours: int, enrollment_id: int) -> str:
    return f"reminder-{hours}h:{enrollment_id}"


def reminder_hours() -> list[int]:
    return sorted({int(h) for h in settings.HUIGUANG_REMINDER_HOURS if int(h) > 0})


def nearest_window(starts_at: dt.datetime, now: dt.datetime, hours: list[int]) -> int | None:
    """The smallest window (in hours) that the start falls in, or None (started / too far)."""
    if starts_at <= now:
        return None
    for h in hours:  # ascending
        if starts_at - now <= dt.timedelta(hours=h):
            return h
    return None


def _due_shift_ids(now: dt.datetime, horizon: dt.datetime) -> list[int]:
    # Range scan on the shift start index; only shifts of published activities hold places.
    return list(
        Shift.objects.filter(
            starts_at__gt=now, starts_at__lte=horizon, activity__status=Activity.Status.PUBLISHED
        )
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
    )


def due_reminders(*, now: dt.datetime | None = None) -> Iterator[tuple[int, Enrollment]]:
    """(window hours, enrollment) for every confirmed enrollment owed a reminder now, in batches:
    one query for the shifts, then per batch of shifts one query for their enrollments (with
    shift, activity, site, volunteer, user and the user's channel choice) and one for the
    reminders already sent."""
    now = now or timezone.now()
    hours = reminder_hours()
    if not hours:
        return
    shift_ids = _due_shift_ids(now, now + dt.timedelta(hours=hours[-1]))
    for start in range(0, len(shift_ids), BATCH):
        enrollments = list(
            Enrollment.objects.filter(
                shift_id__in=shift_ids[start : start + BATCH], status=Enrollment.Status.CONFIRMED
            )
            .select_related("shift__activity__site", "volunteer__user__notification_preference")
            .order_by("shift__starts_at", "pk")
        )
        owed = []
        for enrollment in enrollments:
            window = nearest_window(enrollment.shift.starts_at, now, hours)
            if window is not None:
                owed.append((window, enrollment))
        if not owed:
            continue
        sent = set(
            Notification.objects.filter(
                user_id__in={e.volunteer.user_id for _, e in owed},
                dedupe_key__in=[reminder_key(h, e.pk) for h, e in owed],
            ).values_list("dedupe_key", flat=True)
        )
        for window, enrollment in owed:
            if reminder_key(window, enrollment.pk) not in sent:
                yield window, enrollment


def _when(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {formats.time_format(local, 'H:i')}"


def _link(activity: Activity) -> str:
    try:
        return reverse("activities:detail", args=[activity.pk])
    except NoReverseMatch:  # the public pages are not mounted (a console-only deployment)
        return ""


def reminder_send(*, enrollment: Enrollment, hours: int) -> Notification | None:
    """Send one reminder (None when it was sent before)."""
    shift = enrollment.shift
    activity = shift.activity
    place = activity.address or (activity.site.name if activity.site is not None else "")
    with translation.override(settings.LANGUAGE_CODE):
        text = {"activity": activity.title, "shift": shift.name, "when": _when(shift.starts_at)}
        title = _("Reminder: %(activity)s starts %(when)s") % text
        lines = [_("Your shift: %(shift)s, from %(when)s.") % text]
        if place:
            lines.append(_("Place: %(place)s.") % {"place": place})
        lines.append(
            _(
                "If you cannot come, cancel in “My activities” so that the next volunteer on the "
                "waitlist gets your place."
            )
        )
    return notify(
        user=enrollment.volunteer.user,
        kind=REMINDER,
        title=title,
        body="\n".join(lines),
        url=_link(activity),
        dedupe_key=reminder_key(hours, enrollment.pk),
    )


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Send every reminder owed now; returns how many were sent (0 on a repeated run)."""
    sent = 0
    for hours, enrollment in due_reminders(now=now):
        if reminder_send(enrollment=enrollment, hours=hours) is not None:
            sent += 1
    return sent
