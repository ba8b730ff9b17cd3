"""Service projects (志愿服务项目) and the brands (品牌) that group projects and places."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Brand(models.Model):
    """A brand groups projects and the places they run at: e.g. 阳光爱心书屋 at 8 sites."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("owning organization"),
        on_delete=models.PROTECT,
        related_name="brands",
    )
    description = models.TextField(_("description"), blank=True)
    sites = models.ManyToManyField("network.Site", verbose_name=_("sites"), blank=True, related_name="brands")
    logo = models.ImageField(_("logo"), upload_to="projects/brands/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Project(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    class Category(models.TextChoices):
        ELDERLY = "elderly", _("care for the elderly")
        CHILDREN = "children", _("children and youth")
        DISABILITY = "disability", _("disability aid")
        COMMUNITY = "community", _("community governance")
        CULTURE = "culture", _("culture and reading")
        ENVIRONMENT = "environment", _("environment")
        HEALTH = "health", _("health and emergency")
        CIVILITY = "civility", _("civility and law")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=120)
    brand = models.ForeignKey(
        Brand,
        verbose_name=_("brand"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("owning organization"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    co_organizations = models.ManyToManyField(
        "network.Organization",
        verbose_name=_("co-organizations"),
        blank=True,
        related_name="co_projects",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    beneficiaries = models.CharField(_("beneficiaries"), max_length=200, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    budget_fen = models.PositiveBigIntegerField(_("budget"), default=0)  # in fen (分): exact sums
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    logo = models.ImageField(_("logo"), upload_to="projects/logos/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class ProjectPhoto(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="projects/photos/")
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project photo")
        verbose_name_plural = _("project photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.caption or self.image.name
