"""Fixtures of the notification tests: tasks run in-process, SMS go to a list, and a small
activity (organization A, town A) with shifts whose start we choose."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.utils import timezone

from huiguang.activities.models import Activity, Category, Enrollment, Shift
from huiguang.notifications import sms
from huiguang.volunteers.models import Volunteer

from ..factories import UserFactory, VolunteerFactory

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _channels(settings):
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}
    settings.HUIGUANG_SMS_BACKEND = "huiguang.notifications.sms.LocmemSmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.HUIGUANG_SITE_URL = "https://zyz.example"
    settings.HUIGUANG_REMINDER_HOURS = [24, 2]
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def category(db) -> Category:
    return Category.objects.get_or_create(code="elderly", defaults={"name": "助老服务"})[0]


@pytest.fixture
def make_shift(city, category):
    """make_shift(starts_in=timedelta(hours=20)) → a shift of a published activity of org A."""

    def make(*, starts_in: dt.timedelta, status=Activity.Status.PUBLISHED, capacity=50, title="敬老院陪伴"):
        start = timezone.now() + starts_in
        activity = Activity.objects.create(
            organization=city.org_a,
            title=title,
            category=category,
            region=city.town_a,
            address="当湖街道东湖路1号",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            status=status,
            share_token=secrets.token_hex(8),
            created_by=city.users["org_admin"],
        )
        return Shift.objects.create(
            activity=activity,
            name="陪老人聊天",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            capacity=capacity,
            waitlist_size=5,
        )

    return make


@pytest.fixture
def enroll():
    """enroll(shift, volunteer, status=confirmed) → an Enrollment row (counters kept right)."""

    def make(shift: Shift, volunteer: Volunteer, status=Enrollment.Status.CONFIRMED) -> Enrollment:
        enrollment = Enrollment.objects.create(shift=shift, volunteer=volunteer, status=status)
        if status == Enrollment.Status.CONFIRMED:
            Shift.objects.filter(pk=shift.pk).update(taken=shift.taken + 1)
            shift.taken += 1
        elif status == Enrollment.Status.WAITLISTED:
            Shift.objects.filter(pk=shift.pk).update(waitlisted=shift.waitlisted + 1)
            shift.waitlisted += 1
        return enrollment

    return make


@pytest.fixture
def volunteer(city) -> Volunteer:
    return Volunteer.objects.select_related("user").get(user=city.users["volunteer"])


@pytest.fixture
def make_volunteer(city):
    def make(n: int) -> Volunteer:
        return VolunteerFactory(user=UserFactory(phone=f"1370000{n:04d}"), residence_region=city.town_a)

    return make
