"""iCalendar (RFC 5545) for shifts: the .ics of an activity and a volunteer's secret feed.

Written by hand (no dependency) and kept to what calendar apps need:

- lines end with CRLF and are folded at 75 octets (continuation lines start with one space;
  a UTF-8 character is never split across lines: Chinese text takes 3 octets per character);
- TEXT values escape backslash, semicolon, comma and newlines (§3.3.11);
- times are UTC ("20260501T010000Z"), so no VTIMEZONE is needed; X-WR-TIMEZONE tells apps
  the city's zone for display;
- each shift is one VEVENT whose UID is stable (`shift-<id>@<host>`), so the activity's .ics and
  the volunteer's feed describe the same event and re-imports update rather than duplicate it.

Also the one write of this module: `calendar_token_regenerate`, the service that (re)creates
a volunteer's feed secret.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.links import absolute_url, site_host

from .models import Activity, CalendarToken, Enrollment, Shift
from .selectors.public import activity_coordinates

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//Huiguang//Volunteer service//ZH"


def escape_text(value) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    text = str(value or "")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded to at most 75 octets per physical line (§3.1), without the final CRLF."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:
        return line
    parts = []
    start, limit = 0, MAX_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        # Step back to the start of a UTF-8 character (continuation bytes are 0b10xxxxxx).
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, MAX_OCTETS - 1  # the leading space counts
    return (CRLF + " ").join(parts)


def utc_stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _uri(value: str) -> str:
    # A URI value is not TEXT-escaped, but must stay on its content line.
    return value.replace("\r", "").replace("\n", "")


@dataclass
class Event:
    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    geo: tuple[float, float] | None = None
    status: str = "CONFIRMED"  # CONFIRMED | TENTATIVE | CANCELLED
    last_modified: dt.datetime | None = None

    def lines(self, stamp: str) -> list[str]:
        out = [
            "BEGIN:VEVENT",
            f"UID:{escape_text(self.uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(self.start)}",
            f"DTEND:{utc_stamp(self.end)}",
            f"SUMMARY:{escape_text(self.summary)}",
            f"STATUS:{self.status}",
        ]
        if self.description:
            out.append(f"DESCRIPTION:{escape_text(self.description)}")
        if self.location:
            out.append(f"LOCATION:{escape_text(self.location)}")
        if self.geo is not None:
            out.append(f"GEO:{self.geo[0]:.6f};{self.geo[1]:.6f}")
        if self.url:
            out.append(f"URL:{_uri(self.url)}")
        if self.last_modified is not None:
            out.append(f"LAST-MODIFIED:{utc_stamp(self.last_modified)}")
        out.append("END:VEVENT")
        return out


def render_calendar(events: Iterable[Event], *, name: str, now: dt.datetime | None = None) -> str:
    """A VCALENDAR with the events, as the text to serve (CRLF line ends, folded lines)."""
    stamp = utc_stamp(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for event in events:
        lines.extend(event.lines(stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


# --- shifts as events ------------------------------------------------------------------------


def _place(activity: Activity) -> str:
    parts = [activity.site.name if activity.site_id and activity.site else "", activity.address]
    return " ".join(p for p in parts if p)


def shift_event(shift: Shift, *, enrollment: Enrollment | None = None) -> Event:
    """The event of a shift (its activity must be loaded, with its organization and site)."""
    activity = shift.activity
    summary = f"{activity.title} · {shift.name}"
    status = "CONFIRMED"
    description = [activity.organization.name]
    if shift.description:
        description.append(shift.description)
    if enrollment is not None:
        description.append(_("My sign-up: %(status)s") % {"status": enrollment.get_status_display()})
        if enrollment.status != Enrollment.Status.CONFIRMED:
            status = "TENTATIVE"
            summary = _("(not confirmed) %(title)s") % {"title": summary}
    if activity.status == Activity.Status.CANCELLED:
        status = "CANCELLED"
        summary = _("(cancelled) %(title)s") % {"title": summary}
    url = absolute_url(reverse("activities:detail", args=[activity.pk]))
    description.append(url)
    return Event(
        uid=f"shift-{shift.pk}@{site_host()}",
        start=shift.starts_at,
        end=shift.ends_at,
        summary=summary,
        description="\n".join(description),
        location=_place(activity),
        url=url,
        geo=activity_coordinates(activity),
        status=status,
        last_modified=activity.updated_at,
    )


def activity_calendar(activity: Activity, *, now: dt.datetime | None = None) -> str:
    """Every shift of an activity (shifts prefetched, organization and site loaded)."""
    events = [shift_event(s) for s in activity.shifts.all()]
    return render_calendar(events, name=activity.title, now=now)


def volunteer_calendar(enrollments: Iterable[Enrollment], *, now: dt.datetime | None = None) -> str:
    """A volunteer's feed: their enrollments with shift, activity, organization and site loaded."""
    events = [shift_event(e.shift, enrollment=e) for e in enrollments]
    return render_calendar(events, name=_("My volunteer shifts · Huiguang"), now=now)


# --- the feed secret -------------------------------------------------------------------------


def new_calendar_secret() -> str:
    return secrets.token_urlsafe(32)  # 43 characters of [A-Za-z0-9_-]


@transaction.atomic
def calendar_token_regenerate(*, volunteer, actor, request=None) -> CalendarToken:
    """Create the volunteer's calendar-feed secret, or replace it: every old link stops working."""
    token, created = CalendarToken.objects.select_for_update().get_or_create(
        volunteer=volunteer, defaults={"token": new_calendar_secret()}
    )
    if not created:
        token.token = new_calendar_secret()
        token.created_at = timezone.now()
        token.save(update_fields=["token", "created_at"])
    audit_log(
        action="calendar_link_regenerated", actor=actor, obj=volunteer, request=request, created=created
    )
    return token
