"""Recruitment drives (招募): targets per unit, a sign-up page and QR per unit.

A drive belongs to a region (the whole city for the city admin's drives, a town for a region
admin's); its units are organizations (departments, enterprises, schools, ...) or regions
(villages and communities) inside that region. Each unit has an unguessable slug: its public
sign-up page and QR code live at /d/<slug>/.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_slug() -> str:
    """12 URL-safe characters (72 random bits): short enough for a QR code, not guessable."""
    return secrets.token_urlsafe(9)


class Drive(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("drive status", "draft")
        OPEN = "open", pgettext_lazy("drive status", "open")
        CLOSED = "closed", pgettext_lazy("drive status", "closed")

    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    # Whose drive it is: the city (city admin) or a region subtree (its region admins).
    region = models.ForeignKey(
        "network.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("recruitment drive")
        verbose_name_plural = _("recruitment drives")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="drive_dates_in_order"
            )
        ]

    def __str__(self):
        return self.name


class DriveUnit(models.Model):
    """One unit of a drive with its target: an organization, or a village/community (region)."""

    drive = models.ForeignKey(Drive, verbose_name=_("drive"), on_delete=models.CASCADE, related_name="units")
    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "network.Region",
        verbose_name=_("village or community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A region unit's default team: newcomers of the village join it (none: they only register).
    team = models.ForeignKey(
        "network.Organization",
        verbose_name=_("default team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.PositiveIntegerField(_("target"))
    # Schools: the enrolled Youth League members (在校团员), the base of the registration rate.
    enrolled_league_members = models.PositiveIntegerField(_("enrolled league members"), default=0)
    # The school's name as volunteers write it on their profile ("平湖中学", not the team's name).
    school_name = models.CharField(_("school name"), max_length=120, blank=True)
    # A sign-up through the unit's page joins its organization at once (the organization agreed
    # to the drive); off: the membership waits for an admin's decision like any application.
    auto_approve = models.BooleanField(_("members join without approval"), default=True)
    slug = models.CharField(max_length=16, unique=True, default=new_slug, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("drive unit")
        verbose_name_plural = _("drive units")
        ordering = ["drive", "id"]
        constraints = [
            models.CheckConstraint(
                name="drive_unit_is_organization_or_region",
                condition=Q(organization__isnull=False, region__isnull=True, team__isnull=True)
                | Q(organization__isnull=True, region__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["drive", "organization"],
                condition=Q(organization__isnull=False),
                name="one_unit_per_drive_organization",
            ),
            models.UniqueConstraint(
                fields=["drive", "region"],
                condition=Q(region__isnull=False),
                name="one_unit_per_drive_region",
            ),
        ]

    def __str__(self):
        return str(self.organization or self.region)

    @property
    def name(self) -> str:
        return str(self)

    @property
    def join_organization(self):
        """The organization a sign-up joins: the unit's own, or a region unit's default team."""
        return self.organization if self.organization_id else self.team

    @property
    def is_school(self) -> bool:
        return self.organization is not None and self.organization.kind == "school"

    @property
    def kind_label(self) -> str:
        if self.organization is not None:
            return str(self.organization.get_kind_display())
        return str(self.region.get_level_display()) if self.region else ""


class DriveSignup(models.Model):
    """A volunteer signed up through a unit's page (once per unit: a second tap changes nothing)."""

    unit = models.ForeignKey(
        DriveUnit, verbose_name=_("drive unit"), on_delete=models.CASCADE, related_name="signups"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="+"
    )
    # Registered through this page (a newcomer), not an existing volunteer.
    newcomer = models.BooleanField(_("new volunteer"), default=False)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)

    class Meta:
        verbose_name = _("drive sign-up")
        verbose_name_plural = _("drive sign-ups")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "volunteer"], name="one_signup_per_unit_volunteer")
        ]

    def __str__(self):
        return f"{self.volunteer} @ {self.unit}"
