"""Fixtures of the console tests: activities of org A (当湖街道志愿服务队), A1 (its sub-team) and B,
in every state, with shifts and sign-ups; uploaded files go to a temporary media root.

Activities start 10 days from now unless a test says otherwise.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from huiguang.activities.models import Activity, Category, Enrollment, Shift
from huiguang.network.models import Organization
from huiguang.volunteers.models import Volunteer

from .. import factories
from ..factories import enrol, make_shift, member

S = Activity.Status


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def category() -> Category:
    return factories.category("health", "健康义诊")


def make_activity(organization: Organization, *, status=S.DRAFT, days: float = 10, **fields) -> Activity:
    """factories.make_activity with this suite's defaults: a health-care draft 10 days ahead."""
    return factories.make_activity(
        organization, status=status, days=days, **{"category": category(), **fields}
    )


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
