"""The care register (关爱对象) and its visits (issue 13, point 2).

A care recipient is a vulnerable resident kept by the community (a village or community region):
sensitive personal information under PIPL. The ID number and the phone are encrypted at rest
(core.crypto, like volunteers' ID numbers; the ID number unique through an HMAC blind index) and
shown masked; the name and address stay readable for the people who visit. Only the assigned
team, the named volunteers and the admins of the region subtree read a recipient (permissions.py),
every read of the personal data is audited, and an ended recipient's personal fields are erased
after the retention period (`huiguang purge_care_records`, services/care.py `care_records_purge`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiguang.core import crypto
from huiguang.core.masking import mask_id_number, mask_phone

ID_CONTEXT = "needs.care_id_number"
PHONE_CONTEXT = "needs.care_phone"
ERASED = "已删除"  # what an erased personal field reads (the retention rule)


class CareRecipient(models.Model):
    class Category(models.TextChoices):
        LONELY_ELDERLY = "lonely_elderly", _("lonely elderly person")  # 孤寡老人
        STRUGGLING_WORKER = "struggling_worker", _("struggling worker")  # 困难职工
        DISABLED = "disabled", _("person with a disability")  # 残疾人
        BEREAVED_FAMILY = "bereaved_family", _("family that lost its only child")  # 失独家庭
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("in care")
        ENDED = "ended", _("care ended")

    region = models.ForeignKey(
        "network.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    name = models.CharField(_("name"), max_length=64)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_blind_index = models.CharField(max_length=64, null=True, unique=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    phone_encrypted = models.TextField(editable=False, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=200)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    needs = models.TextField(_("needs and notes"), blank=True)
    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("assigned team"),
        on_delete=models.PROTECT,
        related_name="care_recipients",
    )
    volunteers = models.ManyToManyField(
        "volunteers.Volunteer", verbose_name=_("named volunteers"), blank=True, related_name="care_recipients"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("care recipient")
        verbose_name_plural = _("care recipients")
        ordering = ["region__path", "name", "pk"]
        indexes = [models.Index(fields=["status", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active") | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="needs_care_ended_has_reason",
            ),
        ]

    def __str__(self):
        return self.name

    def set_id_number(self, number: str) -> None:
        if not number:
            self.id_number_encrypted, self.id_blind_index, self.id_masked = "", None, ""
            return
        self.id_number_encrypted = crypto.encrypt(number, context=ID_CONTEXT)
        self.id_blind_index = self.blind_index_for(number)
        self.id_masked = mask_id_number(number)

    @staticmethod
    def blind_index_for(number: str) -> str:
        return crypto.blind_index(number, context=ID_CONTEXT)

    def set_phone(self, phone: str) -> None:
        self.phone_encrypted = crypto.encrypt(phone, context=PHONE_CONTEXT) if phone else ""
        self.phone_masked = mask_phone(phone) if phone else ""

    @property
    def id_number(self) -> str:
        return (
            crypto.decrypt(self.id_number_encrypted, context=ID_CONTEXT) if self.id_number_encrypted else ""
        )

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_encrypted, context=PHONE_CONTEXT) if self.phone_encrypted else ""


class VisitPlan(models.Model):
    """Recurring visits to one recipient: every week, every month, or on the festival days listed."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("every week")
        MONTHLY = "monthly", _("every month")
        FESTIVALS = "festivals", _("on festival days")

    recipient = models.ForeignKey(
        CareRecipient, verbose_name=_("care recipient"), on_delete=models.CASCADE, related_name="plans"
    )
    organization = models.ForeignKey(
        "network.Organization", verbose_name=_("team"), on_delete=models.PROTECT, related_name="visit_plans"
    )
    volunteers = models.ManyToManyField(
        "volunteers.Volunteer", verbose_name=_("volunteers"), blank=True, related_name="visit_plans"
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    # Festival days (春节, 端午, 中秋, 重阳 ...) as ISO dates: the lunar calendar moves them each year.
    festival_dates = models.JSONField(_("festival days"), default=list, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["recipient", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="needs_visit_plan_dates",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.get_frequency_display()}"


class Visit(models.Model):
    """One home visit, logged on the volunteer's phone at the address (GPS within the radius).
    The team is copied from the plan (or the recipient) so that visit counts group without joins."""

    recipient = models.ForeignKey(
        CareRecipient, verbose_name=_("care recipient"), on_delete=models.CASCADE, related_name="visits"
    )
    plan = models.ForeignKey(
        VisitPlan,
        verbose_name=_("visit plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    organization = models.ForeignKey(
        "network.Organization", verbose_name=_("team"), on_delete=models.PROTECT, related_name="visits"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_at = models.DateTimeField(_("visited"))
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the address (m)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    needs_found = models.TextField(_("needs found"), blank=True)
    request = models.OneToOneField(
        "needs.ServiceRequest",
        verbose_name=_("request made of it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit",
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "visited_at"]),
            models.Index(fields=["recipient", "visited_at"]),
        ]

    def __str__(self):
        return f"{self.recipient} {self.visited_at:%Y-%m-%d}"
