"""The figures of the home pages, read through each app's own selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.activities.selectors.mine import my_upcoming
from huiguang.ledger.selectors.hours import hours_summary
from huiguang.network.models import Grant, Membership, Organization, Region, Site
from huiguang.network.selectors import membership_list_for, organization_list_for
from huiguang.reports.selectors.dashboards import headline_figures
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.selectors import volunteer_list_for


def city_overview() -> dict:
    return {
        "city_name": settings.HUIGUANG_CITY_NAME,
        "volunteers": Volunteer.objects.count(),
        "organizations": Organization.objects.filter(status=Organization.Status.ACTIVE).count(),
        "sites": Site.objects.filter(is_active=True).count(),
        "towns": Region.objects.filter(level=Region.Level.TOWN).count(),
        "headline": headline_figures(),  # registered, participations, hours, activities (rollups)
    }


def console_overview(user) -> dict:
    orgs = organization_list_for(user)
    return {
        "grants": Grant.objects.filter(user=user).select_related("region", "organization"),
        "organizations": orgs.count(),
        "volunteers": volunteer_list_for(user).count(),
        "pending_memberships": membership_list_for(user).filter(status=Membership.Status.APPLIED).count(),
        "pending_organizations": orgs.filter(status=Organization.Status.PENDING).count(),
    }


# How many upcoming shifts the volunteer's home lists (the rest are on "My activities").
HOME_UPCOMING = 5
WAITING = (Enrollment.Status.APPLIED, Enrollment.Status.WAITLISTED)


@dataclass
class VolunteerHome:
    next_shift: Enrollment | None  # the soonest confirmed shift that has not ended
    check_in_today: bool  # it is on today (or under way): the home offers the check-in
    upcoming: list[Enrollment]  # the next few shifts with a confirmed or waiting place
    waiting: int  # sign-ups awaiting approval or on the waitlist
    hours: dict  # ledger.selectors.hours.hours_summary


def volunteer_home(volunteer, *, now: dt.datetime | None = None) -> VolunteerHome:
    """A logged-in volunteer's home: a fixed number of queries whatever the history holds."""
    now = now or timezone.now()
    upcoming = list(my_upcoming(volunteer, now=now).filter(status__in=Enrollment.ACTIVE)[:HOME_UPCOMING])
    confirmed = [e for e in upcoming if e.status == Enrollment.Status.CONFIRMED]
    next_shift = confirmed[0] if confirmed else None
    today = timezone.localdate(now)
    check_in_today = next_shift is not None and (
        timezone.localdate(next_shift.shift.starts_at) == today or next_shift.shift.starts_at <= now
    )
    waiting = my_upcoming(volunteer, now=now).filter(status__in=WAITING).count()
    return VolunteerHome(next_shift, check_in_today, upcoming, waiting, hours_summary(volunteer))
