"""Funding tracked to the end: funders, programmes, grants with milestones and disbursements,
a mentor per project (a league cadre) who reviews the milestone reports.

Money is kept in fen (分) as integers: sums are exact on SQLite and PostgreSQL alike, and the
guarded disbursement check (`paid_fen + amount <= amount_fen`, services/funding.py) compares
integers, never floats.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .projects import Project


class Funder(models.Model):
    class Kind(models.TextChoices):
        FUND = "fund", _("fund")
        ASSOCIATION = "association", _("association")
        DEPARTMENT = "department", _("department")
        ENTERPRISE = "enterprise", _("enterprise")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Programme(models.Model):
    """A funding programme that selects and funds many projects (蒲公英: 27 projects, 200,000 CNY)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    funder = models.ForeignKey(
        Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="programmes"
    )
    budget_fen = models.PositiveBigIntegerField(_("budget"), default=0)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name


class ProjectMentor(models.Model):
    """The league cadre (团干部) who guides a project through its whole life: one active per project."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="mentors"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentored_projects",
    )
    active = models.BooleanField(_("active"), default=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("project mentor")
        verbose_name_plural = _("project mentors")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(active=True), name="project_one_active_mentor"
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.user}"


class Grant(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="grants"
    )
    funder = models.ForeignKey(
        Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="grants"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    amount_fen = models.PositiveBigIntegerField(_("amount"))
    # The guarded counter: only services.funding.disbursement_create raises it (see docs/locking.md).
    paid_fen = models.PositiveBigIntegerField(_("paid"), default=0)
    purpose = models.CharField(_("purpose"), max_length=200)
    awarded_on = models.DateField(_("awarded"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_fen__lte=F("amount_fen")), name="grant_paid_within_amount"
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.funder}"


class Milestone(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        REPORTED = "reported", _("reported")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for revision")

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=120)
    due_on = models.DateField(_("due"))
    deliverables = models.TextField(_("deliverables"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The day the overdue notice went out (the daily task sends it once).
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.title


class Disbursement(models.Model):
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="disbursements"
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disbursements",
    )
    amount_fen = models.PositiveBigIntegerField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="disbursement_amount_positive"),
        ]

    def __str__(self):
        return f"{self.grant} · {self.amount_fen / 100:.2f}"


class MilestoneReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting review")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for revision")

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="reports"
    )
    text = models.TextField(_("report"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("mentor's comment"), blank=True)

    class Meta:
        verbose_name = _("milestone report")
        verbose_name_plural = _("milestone reports")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.milestone} · {self.submitted_at:%Y-%m-%d}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(
        MilestoneReport, verbose_name=_("milestone report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="projects/reports/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class SpendingLine(models.Model):
    """What a milestone's money was spent on, with the receipt (a photo of the 发票)."""

    report = models.ForeignKey(
        MilestoneReport, verbose_name=_("milestone report"), on_delete=models.CASCADE, related_name="spending"
    )
    item = models.CharField(_("item"), max_length=120)
    amount_fen = models.PositiveBigIntegerField(_("amount"))
    receipt = models.ImageField(_("receipt"), upload_to="projects/receipts/", blank=True)

    class Meta:
        verbose_name = _("spending line")
        verbose_name_plural = _("spending lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="spending_amount_positive"),
        ]

    def __str__(self):
        return self.item
