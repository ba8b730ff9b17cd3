"""The monthly bulletin (全市志愿服务情况通报): draft → reviewed → published.

A published bulletin never changes: its snapshot (the figures of every unit, their ranks and
month-over-month changes, computed from the rollups when it was generated), its PDF and its
.xlsx (renderings of the snapshot, made on first download or at publication: empty until then)
are what was published. Later corrections of the ledger show in the "corrections since"
lines of the next bulletin, never by rewriting this one (services.bulletins).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PublishedBulletinError(Exception):
    """An attempt to change a published bulletin."""


class Bulletin(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("bulletin status", "draft")
        REVIEWED = "reviewed", pgettext_lazy("bulletin status", "reviewed")
        PUBLISHED = "published", pgettext_lazy("bulletin status", "published")

    month = models.DateField(_("month"), unique=True)  # the first day of the month
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    snapshot = models.JSONField(_("figures"), default=dict)
    pdf = models.BinaryField(editable=False, default=bytes)
    xlsx = models.BinaryField(editable=False, default=bytes)
    generated_at = models.DateTimeField(_("generated"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"

    def save(self, *args, **kwargs):
        # A published bulletin never changes: the services move statuses with guarded UPDATEs and
        # never save() one; this stops any other path (the admin, a shell) from rewriting it.
        if self.pk is not None and Bulletin.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise PublishedBulletinError(f"bulletin {self.month:%Y-%m} is published and never changes")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
