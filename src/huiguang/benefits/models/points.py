"""积分入学: the education bureau's yearly policy turning a parent's credit hours into
school-admission points, and the parents' applications for a child.

The child's ID number is kept like a volunteer's (DESIGN §6): AES-GCM encrypted, unique per
policy through an HMAC blind index, shown masked everywhere. The applicant is the child's guardian
and declares it; the consent for the education bureau is the guardian's (Consent.Field.CHILD).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiguang.core import crypto
from huiguang.core.masking import mask_id_number

from .consent import Consent
from .partners import Partner

CHILD_ID_CONTEXT = "benefits.child_id_number"


class PointsPolicy(models.Model):
    """One year's rule: `points_per_unit` points for every full `hours_per_unit` hours served
    within [window_start, window_end], at most `cap` points; `credit_only`: only credit hours
    (信用时数, attendance-verified) count; `new_residents_only`: only new residents (新居民) apply."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("education partner"), on_delete=models.PROTECT, related_name="points_policies"
    )
    year = models.PositiveSmallIntegerField(_("school year"), validators=[MinValueValidator(2000)])
    window_start = models.DateField(_("service counted from"))
    window_end = models.DateField(_("service counted until"))
    hours_per_unit = models.PositiveSmallIntegerField(_("hours per step"), validators=[MinValueValidator(1)])
    points_per_unit = models.DecimalField(_("points per step"), max_digits=5, decimal_places=2)
    cap = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    credit_only = models.BooleanField(_("credit hours only"), default=True)
    new_residents_only = models.BooleanField(_("new residents only"), default=True)
    open = models.BooleanField(_("open for applications"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("points policy")
        verbose_name_plural = _("points policies")
        ordering = ["-year", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "year"], name="one_points_policy_per_year"),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")), name="points_window_has_a_period"
            ),
        ]

    def __str__(self):
        return f"{self.partner} {self.year}"


class PointsApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting the education bureau")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    class Grade(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("kindergarten")
        PRIMARY_1 = "primary_1", _("primary school, grade 1")
        JUNIOR_1 = "junior_1", _("junior middle school, grade 1")
        OTHER = "other", _("other grade (transfer)")

    policy = models.ForeignKey(
        PointsPolicy, verbose_name=_("points policy"), on_delete=models.PROTECT, related_name="applications"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        related_name="points_applications",
    )
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="+"
    )
    child_name = models.CharField(_("child's name"), max_length=64)
    child_id_encrypted = models.TextField(editable=False)
    child_id_blind_index = models.CharField(max_length=64, editable=False)
    child_id_masked = models.CharField(_("child's ID number"), max_length=32, editable=False)
    grade = models.CharField(_("school and grade wanted"), max_length=20, choices=Grade.choices)
    guardian_declared = models.BooleanField(_("declared guardian"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    minutes = models.IntegerField(_("minutes counted"))
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    breakdown = models.JSONField(_("breakdown"))
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    certificate_number = models.CharField(
        _("certificate number"), max_length=32, null=True, blank=True, unique=True
    )
    certificate = models.TextField(_("signed certificate"), blank=True, editable=False)

    class Meta:
        verbose_name = _("points application")
        verbose_name_plural = _("points applications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "decided_at"]), models.Index(fields=["created_at"])]
        constraints = [
            # One live application per child and year (a refused one may be followed by another).
            models.UniqueConstraint(
                fields=["policy", "child_id_blind_index"],
                condition=~Q(status="refused"),
                name="one_points_application_per_child",
            ),
            models.CheckConstraint(condition=Q(guardian_declared=True), name="points_applicant_is_guardian"),
        ]

    def __str__(self):
        return f"{self.child_name} ({self.policy})"

    @staticmethod
    def blind_index_for(number: str) -> str:
        return crypto.blind_index(number, context=CHILD_ID_CONTEXT)

    def set_child_id_number(self, number: str) -> None:
        self.child_id_encrypted = crypto.encrypt(number, context=CHILD_ID_CONTEXT)
        self.child_id_blind_index = self.blind_index_for(number)
        self.child_id_masked = mask_id_number(number)
