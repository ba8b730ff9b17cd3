"""Courses, qualification types and the city's training policy: every write, audited."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Organization

from ..models import Course, QualificationType, TrainingPolicy
from ..permissions import may_manage_course, may_manage_provider, may_manage_types, may_set_policy

COURSE_FIELDS = (
    "title",
    "category",
    "syllabus",
    "hours",
    "pass_rule",
    "grants",
    "validity_months",
    "is_active",
)


def _check_course(data: dict) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = [_("Give the course a title.")]
    if data.get("category") not in Course.Category.values:
        errors["category"] = [_("Choose a category.")]
    hours = data.get("hours")
    if hours is None or Decimal(hours) <= 0 or Decimal(hours) > 999:
        errors["hours"] = [_("The hours must lie between 0.1 and 999.")]
    if data.get("grants") is not None and not data.get("validity_months"):
        # A qualification from a course is renewed by a refresher: it expires (None is for
        # outside certificates that do not).
        errors["validity_months"] = [_("Say for how many months the qualification is valid.")]
    if errors:
        raise FieldErrors(errors)


def course_create(*, actor, provider: Organization, request=None, **data) -> Course:
    if not may_manage_provider(actor, provider):
        raise PermissionDenied
    values = {k: data.get(k) for k in COURSE_FIELDS if k in data}
    values.setdefault("is_active", True)
    _check_course(values)
    with transaction.atomic():
        course = Course.objects.create(provider=provider, created_by=actor, **values)
        audit_log(action="course_created", actor=actor, obj=course, request=request, provider=provider.name)
    return course


def course_update(
    *, actor, course: Course, provider: Organization | None = None, request=None, **data
) -> Course:
    if not may_manage_course(actor, course) or (
        provider is not None and not may_manage_provider(actor, provider)
    ):
        raise PermissionDenied
    values = {k: data[k] for k in COURSE_FIELDS if k in data}
    merged = {k: getattr(course, k) for k in COURSE_FIELDS} | values
    _check_course(merged)
    with transaction.atomic():
        for name, value in values.items():
            setattr(course, name, value)
        if provider is not None:
            course.provider = provider
        course.save()
        audit_log(action="course_updated", actor=actor, obj=course, request=request, fields=sorted(values))
    return course


def qualification_type_create(*, actor, code: str, name: str, description: str = "", request=None):
    if not may_manage_types(actor):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if QualificationType.objects.filter(code=code).exists():
        errors["code"] = [_("This code is already used.")]
    if QualificationType.objects.filter(name=name).exists():
        errors["name"] = [_("A qualification of this name exists already.")]
    if errors:
        raise FieldErrors(errors)
    try:
        with transaction.atomic():
            kind = QualificationType.objects.create(code=code, name=name, description=description)
            audit_log(action="qualification_type_created", actor=actor, obj=kind, request=request)
    except IntegrityError:  # the same type created twice at once
        raise FieldErrors({"code": [_("This code is already used.")]}) from None
    return kind


def training_policy_set(*, actor, count_hours: bool, request=None) -> TrainingPolicy:
    """Whether training sessions count as (non-credit) volunteer hours: city admins decide."""
    if not may_set_policy(actor):
        raise PermissionDenied
    with transaction.atomic():
        policy, _created = TrainingPolicy.objects.select_for_update().get_or_create(pk=1)
        policy.count_hours = count_hours
        policy.updated_by = actor
        policy.save()
        audit_log(
            action="training_policy_changed",
            actor=actor,
            obj=policy,
            request=request,
            count_hours=count_hours,
        )
    return policy
