"""Training personas and scenes: a trainer (a leader of 当湖街道志愿服务队), the qualification type
急救员, the course that grants it and builders for sessions (activities with the course)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from huiguang.activities.models import Activity, Enrollment, Shift
from huiguang.network.models import Grant, Membership
from huiguang.training.models import Course, QualificationType

from ..factories import (
    GrantFactory,
    MembershipFactory,
    UserFactory,
    VolunteerFactory,
    make_activity,
    make_shift,
)


@dataclass
class Training:
    first_aider: QualificationType
    course: Course
    trainer: object  # the trainer's user


@pytest.fixture
def training(city) -> Training:
    kind = QualificationType.objects.create(code="first-aider", name="急救员")
    course = Course.objects.create(
        title="心肺复苏与急救",
        category=Course.Category.FIRST_AID,
        provider=city.org_a,
        syllabus="心肺复苏、AED使用、止血包扎",
        hours=4,
        pass_rule="实操考核合格",
        grants=kind,
        validity_months=24,
    )
    trainer = VolunteerFactory(
        user=UserFactory(phone="13700000009"), real_name="陈教员", residence_region=city.town_a
    )
    MembershipFactory(volunteer=trainer, organization=city.org_a, role=Membership.Role.LEADER)
    GrantFactory(user=trainer.user, role=Grant.Role.LEADER, organization=city.org_a)
    return Training(kind, course, trainer.user)


def make_session(course: Course, organization, *, days: float = 5, capacity: int = 30, **fields) -> Shift:
    """A published session of `course` (an activity with one shift), `days` from now (negative: past)."""
    activity = make_activity(
        organization, days=days, hours=3, title=f"{course.title}培训班", course=course, **fields
    )
    return make_shift(activity, name="学员", capacity=capacity, waitlist_size=0)


def make_requiring_shift(organization, kind: QualificationType, *, days: float = 10, **fields) -> Shift:
    """A published activity that requires `kind`."""
    shift = make_shift(
        organization=organization, activity_fields={"title": "马拉松医疗保障", "days": days, **fields}
    )
    shift.activity.required_qualifications.add(kind)
    return Shift.objects.select_related("activity").get(pk=shift.pk)


def attended(shift: Shift, volunteer) -> Enrollment:
    """A place on the shift, checked in (status attended)."""
    return Enrollment.objects.create(shift=shift, volunteer=volunteer, status=Enrollment.Status.ATTENDED)


def png(size: int = 400) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("证书.png", out.getvalue(), content_type="image/png")


def local_day(shift: Shift) -> dt.date:
    return timezone.localtime(shift.starts_at).date()


__all__ = ["Activity", "attended", "local_day", "make_requiring_shift", "make_session", "png"]
