"""Fixtures of the sign-up tests: activities and shifts of org A (当湖街道志愿服务队), volunteers.

Times are relative to now: the default shift starts in 3 days and lasts 4 hours; sign-up is open.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets

import pytest
from django.test import Client
from django.utils import timezone

from huiguang.accounts.services import token_create
from huiguang.activities.models import Activity, Category, Enrollment, Shift
from huiguang.network.models import Membership
from huiguang.volunteers.models import Volunteer

from ..factories import MembershipFactory, VolunteerFactory

_seq = itertools.count(1)


def make_activity(organization, **fields) -> Activity:
    category, _ = Category.objects.get_or_create(code="elderly", defaults={"name": "助老服务"})
    starts = fields.pop("starts_at", timezone.now() + dt.timedelta(days=3))
    values = {
        "organization": organization,
        "title": f"敬老院义剪{next(_seq)}",
        "category": category,
        "region": organization.region,
        "address": "平湖市当湖街道东湖社区",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=4),
        "status": Activity.Status.PUBLISHED,
        "share_token": secrets.token_hex(8),
    }
    values.update(fields)
    return Activity.objects.create(**values)


def make_shift(activity: Activity | None = None, organization=None, **fields) -> Shift:
    if activity is None:
        activity = make_activity(organization, **fields.pop("activity_fields", {}))
    starts = fields.pop("starts_at", activity.starts_at)
    values = {
        "activity": activity,
        "name": "理发岗",
        "starts_at": starts,
        "ends_at": fields.pop("ends_at", starts + dt.timedelta(hours=4)),
        "capacity": 5,
        "waitlist_size": 2,
    }
    values.update(fields)
    return Shift.objects.create(**values)


def member(organization, **fields) -> Volunteer:
    """A new adult volunteer with an active membership in `organization`."""
    volunteer = VolunteerFactory(residence_region=organization.region, **fields)
    MembershipFactory(volunteer=volunteer, organization=organization, status=Membership.Status.ACTIVE)
    return volunteer


def enrol(shift: Shift, volunteer: Volunteer, status=Enrollment.Status.CONFIRMED, **fields) -> Enrollment:
    """An enrollment written directly, with the counters it holds (for setting up a scene)."""
    enrollment = Enrollment.objects.create(shift=shift, volunteer=volunteer, status=status, **fields)
    if status == Enrollment.Status.CONFIRMED:
        Shift.objects.filter(pk=shift.pk).update(taken=shift.taken + 1)
        shift.taken += 1
    elif status == Enrollment.Status.WAITLISTED:
        Shift.objects.filter(pk=shift.pk).update(waitlisted=shift.waitlisted + 1)
        shift.waitlisted += 1
    return enrollment


def bearer(user) -> Client:
    _token, key = token_create(user=user, name="tests", created_by=user)
    return Client(headers={"authorization": f"Bearer {key}"})


@pytest.fixture
def shift(city) -> Shift:
    return make_shift(organization=city.org_a)


@pytest.fixture
def volunteer(city) -> Volunteer:
    """张小明: an active member of org A."""
    return Volunteer.objects.get(user=city.users["volunteer"])
