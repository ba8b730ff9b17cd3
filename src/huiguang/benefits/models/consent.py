"""The consent ledger (PIPL art. 23/29): one row for every share of a volunteer's data with a
partner, naming the recipient, the purpose, the fields and the period; and one `PartnerAccess` row
for every read a partner makes under it, which the volunteer sees on "who can see my data".

Both are append-only in spirit: a consent is never edited, only withdrawn (withdrawn_at) or left to
expire; an access row is never changed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .partners import Partner


class Consent(models.Model):
    class Purpose(models.TextChoices):
        LOAN_REFERRAL = "loan", _("志愿贷 loan referral")
        SCHOOL_POINTS = "points", _("school-admission points")
        OTHER = "other", _("other purpose")

    class Field(models.TextChoices):
        """What a partner may read: the catalogue every consent picks from."""

        VOLUNTEER_NUMBER = "volunteer_number", _("volunteer number")
        MASKED_NAME = "masked_name", _("masked name")
        REAL_NAME = "real_name", _("real name")
        PHONE = "phone", _("phone number")
        ID_LAST4 = "id_last4", _("last four digits of the ID number")
        CREDIT_HOURS = "credit_hours", _("credit hours")
        TOTAL_HOURS = "total_hours", _("total hours")
        STAR = "star", _("star level")
        SCORE = "score", _("credit score")
        SERVICE_HISTORY = "service_history", _("service history")
        CHILD = "child", _("the child's data")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer", verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="consents"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    fields = models.JSONField(_("fields"), default=list)  # values of Consent.Field
    statement = models.TextField(_("statement shown"), blank=True)  # the words the volunteer agreed to
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )  # the volunteer, or the guardian for a child (DESIGN §6)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-granted_at", "-pk"]
        indexes = [models.Index(fields=["volunteer", "partner", "purpose"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")), name="consent_has_a_period"
            )
        ]

    def __str__(self):
        return f"{self.volunteer_id} → {self.partner_id} ({self.purpose})"

    def is_live(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.withdrawn_at is None and self.granted_at <= at < self.expires_at

    @property
    def state(self) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "live" if self.is_live() else "expired"

    def field_labels(self) -> list[str]:
        labels = dict(self.Field.choices)
        return [str(labels.get(f, f)) for f in self.fields]


class PartnerAccess(models.Model):
    """One read of a volunteer's data by a partner's staff member, under a live consent."""

    class Channel(models.TextChoices):
        WEB = "web", _("web page")
        API = "api", _("API")

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="accesses")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="accesses")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.CASCADE, related_name="partner_accesses"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("read at"), default=timezone.now)
    fields = models.JSONField(_("fields read"), default=list)
    what = models.CharField(_("what was read"), max_length=200)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices, default=Channel.WEB)

    class Meta:
        verbose_name = _("partner access")
        verbose_name_plural = _("partner accesses")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["volunteer", "at"])]

    def __str__(self):
        return f"{self.partner_id} read {self.volunteer_id} at {self.at:%Y-%m-%d %H:%M}"
