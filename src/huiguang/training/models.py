"""Courses, qualification types and each volunteer's qualifications (DESIGN §4 training).

A training *session* is not a model of this app: it is an `activities.Activity` whose `course` is
set (recruitment, capacity, waitlist, reminders, check-in and the roster are the activity's). The
apps above (activities, the ledger) call this app's services and selectors down the layers.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class QualificationType(models.Model):
    """A qualification an activity or shift may require (急救员, 导医, 助残): city-wide."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("qualification type")
        verbose_name_plural = _("qualification types")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Course(models.Model):
    class Category(models.TextChoices):
        MEDICAL = "medical", _("medical care")
        FIRST_AID = "first_aid", _("first aid and emergency rescue")
        LEGAL_AID = "legal_aid", _("legal aid")
        ANTI_FRAUD = "anti_fraud", _("anti-fraud")
        CARE = "care", _("elderly and disability care")
        CULTURE = "culture", _("culture")
        INDUCTION = "induction", _("general induction")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    provider = models.ForeignKey(
        "network.Organization",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    syllabus = models.TextField(_("syllabus"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    pass_rule = models.CharField(_("pass rule"), max_length=200, blank=True)
    grants = models.ForeignKey(
        QualificationType,
        verbose_name=_("qualification granted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    # None: the qualification never expires.
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), null=True, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["category", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="course_hours_positive"),
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True) | Q(validity_months__gte=1),
                name="course_validity_positive",
            ),
        ]

    def __str__(self):
        return self.title


class Qualification(models.Model):
    """One volunteer's qualification: granted by passing a course session, or recorded by an
    admin from an outside certificate (with a photo of it as evidence). Revoked, never deleted."""

    class Source(models.TextChoices):
        COURSE = "course", _("course session")
        CERTIFICATE = "certificate", _("outside certificate")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="qualifications",
    )
    type = models.ForeignKey(
        QualificationType,
        verbose_name=_("qualification"),
        on_delete=models.PROTECT,
        related_name="qualifications",
    )
    issued_on = models.DateField(_("issued"))
    expires_on = models.DateField(_("expires"), null=True, blank=True)  # None: never
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What granted it, in words ("心肺复苏培训 · 2026-03-02") and as a key that makes a grant
    # idempotent ("enrollment:<id>" for a session's pass mark).
    source_label = models.CharField(_("granted by"), max_length=200, blank=True)
    source_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    evidence = models.ImageField(_("evidence"), upload_to="training/evidence/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "type"]),
            models.Index(fields=["expires_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="qualification_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="qualification_revoked_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.type}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= day)


class TrainingPolicy(models.Model):
    """The city's training settings, one row (pk 1). Whether the time spent in a training session
    also counts as volunteer hours: by default not; if so, as non-credit hours (荣誉时数)."""

    count_hours = models.BooleanField(_("training time counts as volunteer hours"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("training policy")
        verbose_name_plural = _("training policy")

    def __str__(self):
        return str(self._meta.verbose_name)
