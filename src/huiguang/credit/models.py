"""The volunteer credit score (志愿信用分) and honors (表彰): docs/credit.md.

A CreditPolicy is versioned: a change is a new row, and every CreditSnapshot names the version it
was computed under and keeps its own copy of the components (inputs, formula, points, cap), so
a later policy never rewrites an old snapshot. Scale 0–1000; a newcomer scores about 300.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CreditPolicy(models.Model):
    """The published rules of the score. `components` holds every weight, cap and prior
    (scoring.DEFAULT_COMPONENTS shows the shape); `bands` is a list of {"min", "label"}."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    base = models.IntegerField(_("base points"))
    components = models.JSONField(_("components"))
    bands = models.JSONField(_("bands"))
    description = models.TextField(_("description"), blank=True)
    effective_from = models.DateTimeField(_("in force from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit policy")
        verbose_name_plural = _("credit policies")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"


class CreditSnapshot(models.Model):
    """A volunteer's score as computed at one moment under one policy version (never changed)."""

    class Source(models.TextChoices):
        NIGHTLY = "nightly", _("nightly recompute")
        ON_DEMAND = "on_demand", _("computed on request")
        REVIEW = "review", _("review outcome")

    # No index of their own: (volunteer, -id) below serves the volunteer's look-ups, and policies
    # are never looked up by snapshot (an index fewer for the nightly insert of every volunteer).
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.CASCADE, related_name="credit_snapshots", db_index=False
    )
    policy = models.ForeignKey(
        CreditPolicy, on_delete=models.PROTECT, related_name="snapshots", db_index=False
    )
    policy_version = models.PositiveIntegerField(_("policy version"))
    score = models.IntegerField(_("score"))
    band = models.CharField(_("band"), max_length=40, blank=True)
    components = models.JSONField(_("components"))  # [{"key", "inputs", "formula", "points", "cap"}]
    inputs_key = models.CharField(max_length=200)  # the inputs and the policy version (scoring.inputs_key)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("credit snapshot")
        verbose_name_plural = _("credit snapshots")
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "-id"], name="credit_snap_volunteer_latest")]

    def __str__(self):
        return f"{self.volunteer_id}: {self.score} (v{self.policy_version})"

    def component(self, key: str) -> dict | None:
        return next((c for c in self.components if c["key"] == key), None)


class CreditReview(models.Model):
    """A volunteer asks a person to review the automated score (PIPL art. 24); a city admin keeps
    it or corrects it by an adjustment in points, with a reason. Both answers are audited."""

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting review")
        KEPT = "kept", _("kept")
        CORRECTED = "corrected", _("corrected")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.CASCADE, related_name="credit_reviews"
    )
    snapshot = models.ForeignKey(
        CreditSnapshot, verbose_name=_("score reviewed"), on_delete=models.PROTECT, related_name="reviews"
    )
    request_text = models.CharField(_("what should be reviewed"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    adjustment = models.IntegerField(_("adjustment in points"), default=0)
    answer = models.CharField(_("reason"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    outcome = models.OneToOneField(
        CreditSnapshot,
        verbose_name=_("corrected snapshot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_outcome",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit review")
        verbose_name_plural = _("credit reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"], condition=Q(status="open"), name="one_open_credit_review"
            ),
            models.CheckConstraint(
                condition=Q(adjustment__gte=-1000, adjustment__lte=1000), name="credit_adjustment_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.volunteer_id}: {self.get_status_display()}"


def evidence_path(instance, filename: str) -> str:
    # A random name: the stored file says nothing about the honoured person.
    return f"credit/honors/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Honor(models.Model):
    """表彰: an honor for exactly one recipient — a volunteer, an organization or a service project.
    Only a volunteer's honors feed the growth component of the score (and go into the volunteer's
    record export); a project's honors are shown on the project's pages. An award of a published
    competition becomes its project's honor once: `award` is unique (docs/credit.md)."""

    class Level(models.TextChoices):
        CITY = "city", pgettext_lazy("honor level", "city")
        PROVINCE = "province", pgettext_lazy("honor level", "province")
        NATIONAL = "national", pgettext_lazy("honor level", "national")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    # The competition award this honor records (one honor per award: recording twice writes once).
    # SET_NULL: the honor stays on the project's record if the entry is ever withdrawn.
    award = models.OneToOneField(
        "projects.Award",
        verbose_name=_("competition award"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="honor",
    )
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    issuer = models.CharField(_("issuer"), max_length=200)
    awarded_on = models.DateField(_("date"))
    citation = models.TextField(_("citation"), max_length=2000, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True, max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("honor")
        verbose_name_plural = _("honors")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(volunteer__isnull=False) & Q(organization__isnull=True) & Q(project__isnull=True)
                )
                | (Q(volunteer__isnull=True) & Q(organization__isnull=False) & Q(project__isnull=True))
                | (Q(volunteer__isnull=True) & Q(organization__isnull=True) & Q(project__isnull=False)),
                name="honor_for_exactly_one_recipient",
            ),
            # An award's honor is its entry's project's (never a volunteer's or an organization's).
            models.CheckConstraint(
                condition=Q(award__isnull=True) | Q(project__isnull=False),
                name="honor_award_for_a_project",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "level"])]

    def __str__(self):
        return self.title

    @property
    def recipient(self):
        return self.volunteer or self.organization or self.project
