"""Partners (爱心店家, the bank, the education bureau, …) and the accounts that act for them.

A partner's staff are ordinary users linked by `PartnerStaff`: the link row is the role (DESIGN §1),
never a Django group, and a partner reads volunteers' data only through a live `Consent`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    class Kind(models.TextChoices):
        STORE = "store", _("partner store")  # 爱心店家
        BANK = "bank", _("bank")  # 农商银行 (志愿贷)
        EDUCATION = "education", _("education bureau")  # 教育局 (积分入学)
        OTHER = "other", _("other partner")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    region = models.ForeignKey(
        "network.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="one_partner_name_per_kind")]

    def __str__(self):
        return self.name


class PartnerStaff(models.Model):
    """A user acting for a partner: a store clerk redeems codes, a bank officer verifies
    attestations and records loans, an education officer decides points applications; a manager
    also sees the partner's statistics and manages its staff."""

    class Role(models.TextChoices):
        STAFF = "staff", _("staff")
        MANAGER = "manager", _("manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="partner_roles",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner staff")
        verbose_name_plural = _("partner staff")
        constraints = [models.UniqueConstraint(fields=["user", "partner"], name="one_staff_link")]

    def __str__(self):
        return f"{self.user} @ {self.partner}"
