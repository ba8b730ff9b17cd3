"""志愿贷 referrals: a bank partner's loan products with score tiers, and the referrals volunteers ask
for, each carrying an Ed25519-signed attestation and, later, the bank officer's decision.

A referral never changes its attested numbers: the attestation signs them (docs/attestations.md).
The bank reads a referral only through `services.consent.partner_read` (a live consent).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .consent import Consent
from .partners import Partner


class LoanProduct(models.Model):
    """A bank's loan product. `tiers` is a list of score bands, lowest first:
    [{"min_score": 335, "quota": 100000, "discount": "0.00"}, {"min_score": 600, ...}]: from
    `min_score` on, the volunteer may borrow up to `quota` CNY (never above `max_amount`) at
    `base_rate` minus `discount` percentage points. Below the first band: not eligible."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="loan_products"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    max_amount = models.PositiveIntegerField(_("maximum amount (CNY)"), validators=[MinValueValidator(1)])
    base_rate = models.DecimalField(_("base annual rate (%)"), max_digits=5, decimal_places=2)
    tiers = models.JSONField(_("tiers"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        ordering = ["partner__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="one_loan_product_name_per_bank"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="loan_product_has_a_period"
            ),
            models.CheckConstraint(
                condition=Q(base_rate__gte=0, base_rate__lte=100), name="loan_product_rate_in_range"
            ),
        ]

    def __str__(self):
        return self.name


class LoanReferral(models.Model):
    """A volunteer's request to be referred to the bank for a product, with what the platform
    attested at that moment, and the bank officer's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting the bank")
        APPROVED = "approved", _("approved and disbursed")
        REFUSED = "refused", _("refused by the bank")

    product = models.ForeignKey(
        LoanProduct, verbose_name=_("loan product"), on_delete=models.PROTECT, related_name="referrals"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="loan_referrals",
    )
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # What the attestation signs (copied, so that a later score never changes an old referral).
    score = models.IntegerField(_("credit score"))
    policy_version = models.PositiveIntegerField(_("score policy version"))
    credit_minutes = models.IntegerField(_("credit minutes"))
    star = models.PositiveSmallIntegerField(_("star"))
    tier = models.PositiveSmallIntegerField(_("tier"))  # 1-based index into the product's tiers
    quota = models.PositiveIntegerField(_("quota (CNY)"))
    rate = models.DecimalField(_("annual rate (%)"), max_digits=5, decimal_places=2)
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    attestation = models.TextField(_("attestation"), editable=False)
    valid_until = models.DateTimeField(_("valid until"))
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # The bank's outcome.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    amount = models.PositiveIntegerField(_("amount disbursed (CNY)"), null=True, blank=True)
    disbursed_rate = models.DecimalField(
        _("rate granted (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("loan referral")
        verbose_name_plural = _("loan referrals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "disbursed_on"]), models.Index(fields=["created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(amount__isnull=False, disbursed_rate__isnull=False, disbursed_on__isnull=False),
                name="approved_referral_has_a_disbursement",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer_id} → {self.product_id} ({self.status})"

    @property
    def amount_yuan(self) -> Decimal:
        return Decimal(self.amount or 0)
