"""Fixtures of the console tests: activities of org A (当湖街道志愿服务队), A1 (its sub-team) and B,
in every state, with shifts and sign-ups; uploaded files go to a temporary media root.

Activities start 10 days from now unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import secrets
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from huiguang.activities.models import Activity, Category, Enrollment, Shift
from huiguang.network.models import Membership, Organization
from huiguang.volunteers.models import Volunteer

from ..factories import MembershipFactory, VolunteerFactory

_seq = itertools.count(1)
S = Activity.Status


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def category() -> Category:
    return Category.objects.get_or_create(code="health", defaults={"name": "健康义诊"})[0]


def make_activity(
    organization: Organization, *, status=S.DRAFT, days: float = 10, hours: int = 4, **fields
) -> Activity:
    starts = fields.pop("starts_at", None) or timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    values = {
        "organization": organization,
        "title": f"金平湖志愿服务日{next(_seq)}",
        "category": category(),
        "region": organization.region,
        "address": "平湖市当湖街道东湖社区",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=hours),
        "status": status,
        "share_token": secrets.token_urlsafe(16),
    }
    values.update(fields)
    return Activity.objects.create(**values)


def make_shift(activity: Activity, **fields) -> Shift:
    values = {
        "activity": activity,
        "name": "量血压",
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "capacity": 5,
        "waitlist_size": 2,
    }
    values.update(fields)
    return Shift.objects.create(**values)


def member(organization: Organization, **fields) -> Volunteer:
    volunteer = VolunteerFactory(residence_region=organization.region, **fields)
    MembershipFactory(volunteer=volunteer, organization=organization, status=Membership.Status.ACTIVE)
    return volunteer


def enrol(shift: Shift, volunteer: Volunteer, status=Enrollment.Status.CONFIRMED, **fields) -> Enrollment:
    """An enrollment written directly with the counter it holds (setting up a scene)."""
    enrollment = Enrollment.objects.create(shift=shift, volunteer=volunteer, status=status, **fields)
    if status == Enrollment.Status.CONFIRMED:
        Shift.objects.filter(pk=shift.pk).update(taken=shift.taken + 1)
        shift.taken += 1
    elif status == Enrollment.Status.WAITLISTED:
        Shift.objects.filter(pk=shift.pk).update(waitlisted=shift.waitlisted + 1)
        shift.waitlisted += 1
    return enrollment


def image_upload(fmt: str = "PNG", size=(400, 300), name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 16, 46)).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type.get(fmt, "image/png"))


@dataclass
class Scene:
    draft: Activity  # org A, by the org admin, with one shift
    pending: Activity  # org A, waiting for review (town admin / city admin review it)
    published: Activity  # org A, with a shift holding one confirmed and one applied sign-up
    started: Activity  # org A, published, began an hour ago
    finished: Activity  # org A
    pending_a1: Activity  # org A1 (under org A): the org admin reviews it
    published_b: Activity  # org B
    shift: Shift  # the published activity's shift
    shift_b: Shift
    confirmed: Enrollment
    applied: Enrollment


@pytest.fixture
def scene(city) -> Scene:
    org_admin = city.users["org_admin"]
    draft = make_activity(city.org_a, created_by=org_admin)
    make_shift(draft)
    pending = make_activity(city.org_a, status=S.PENDING, created_by=city.users["leader"])
    make_shift(pending)
    published = make_activity(city.org_a, status=S.PUBLISHED, created_by=org_admin)
    shift = make_shift(published, name="理发")
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    confirmed = enrol(shift, volunteer)
    applied = enrol(shift, member(city.org_a, real_name="赵申请"), Enrollment.Status.APPLIED)
    started = make_activity(city.org_a, status=S.PUBLISHED, created_by=org_admin, days=-1 / 24)
    make_shift(started)
    finished = make_activity(city.org_a, status=S.FINISHED, created_by=org_admin, days=-7)
    make_shift(finished)
    pending_a1 = make_activity(city.org_a1, status=S.PENDING, created_by=org_admin)
    make_shift(pending_a1)
    published_b = make_activity(city.org_b, status=S.PUBLISHED)
    shift_b = make_shift(published_b)
    return Scene(
        draft=draft,
        pending=pending,
        published=published,
        started=started,
        finished=finished,
        pending_a1=pending_a1,
        published_b=published_b,
        shift=shift,
        shift_b=shift_b,
        confirmed=confirmed,
        applied=applied,
    )
