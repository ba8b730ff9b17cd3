"""Activity factories and helpers for the tests of finding activities (part D)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

import factory
import pytest
from django.db.models import F
from django.utils import timezone

from huiguang.activities.models import Activity, Category, Enrollment, Shift

from ..factories import OrganizationFactory

# Pinghu city centre (当湖街道), and points at known distances from it.
PINGHU = (30.70, 121.02)


def point_east(km: float, origin=PINGHU) -> tuple[Decimal, Decimal]:
    """A point `km` east of `origin` (along the parallel), with 6 decimals like the model."""
    import math

    lat, lng = origin
    dlng = km / (111.19508 * math.cos(math.radians(lat)))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng + dlng:.6f}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"类别{n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"志愿活动{n}")
    category = factory.SubFactory(CategoryFactory, code="elderly", name="助老服务")
    description = "陪伴老人聊天，测量血压。"
    region = factory.LazyAttribute(lambda o: o.organization.region)
    address = "平湖市当湖街道新华路1号"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=4))
    status = Activity.Status.PUBLISHED
    share_token = factory.LazyFunction(lambda: secrets.token_hex(8))


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"岗位{n}")
    starts_at = factory.LazyAttribute(lambda o: o.activity.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.activity.ends_at)
    capacity = 10
    waitlist_size = 0


def enroll(volunteer, shift: Shift, status: str = Enrollment.Status.CONFIRMED, **extra) -> Enrollment:
    """An enrollment with the shift's counters kept right (as the services would)."""
    e = Enrollment.objects.create(volunteer=volunteer, shift=shift, status=status, **extra)
    if status == Enrollment.Status.CONFIRMED:
        Shift.objects.filter(pk=shift.pk).update(taken=F("taken") + 1)
    elif status == Enrollment.Status.WAITLISTED:
        Shift.objects.filter(pk=shift.pk).update(waitlisted=F("waitlisted") + 1)
    shift.refresh_from_db()
    return e


def activity_with_shift(**kwargs) -> tuple[Activity, Shift]:
    shift_kwargs = {k[6:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("shift_")}
    activity = ActivityFactory(**kwargs)
    return activity, ShiftFactory(activity=activity, **shift_kwargs)


@pytest.fixture
def volunteer(city):
    return city.users["volunteer"].volunteer


def needs_enroll_urls():
    """Pages of a logged-in volunteer post to part A's enroll/cancel URLs: skip until they exist."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("activities:enroll", args=[1])
        reverse("activities:enrollment_cancel", args=[1])
    except NoReverseMatch:
        pytest.skip("activities:enroll / activities:enrollment_cancel are not there yet (part A)")
