"""Offers (志愿礼遇) of the partners and the volunteers' claims of them.

An offer's `stock` is a guarded counter (`taken` counts the claims that hold a unit: unused live
claims and redeemed ones; a cancelled claim gives its unit back). A claim carries a one-time code
that the partner's clerk redeems once, only at the offer's own partner (docs/locking.md, "offers").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .partners import Partner


class Offer(models.Model):
    class Category(models.TextChoices):
        """The ten kinds of 志愿礼遇 the city promises (the source report names finance, shopping,
        new-resident points and honors among them)."""

        FINANCE = "finance", _("finance")  # 金融礼遇
        SHOPPING = "shopping", _("shopping")  # 购物礼遇
        NEW_RESIDENT = "new_resident", _("new-resident points")  # 新居民积分礼遇
        HONOR = "honor", _("honor rights")  # 荣誉礼遇
        MEDICAL = "medical", _("medical care")  # 医疗健康礼遇
        CULTURE = "culture", _("culture and tourism")  # 文化旅游礼遇
        TRANSPORT = "transport", _("transport")  # 交通出行礼遇
        EDUCATION = "education", _("education and training")  # 教育培训礼遇
        DINING = "dining", _("dining")  # 餐饮礼遇
        LIFE = "life", _("everyday services")  # 生活服务礼遇

    class Period(models.TextChoices):
        DAY = "day", _("per day")
        WEEK = "week", _("per week")
        MONTH = "month", _("per month")
        YEAR = "year", _("per year")
        EVER = "ever", _("once and for all")

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="offers"
    )
    title = models.CharField(_("title"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    min_star = models.PositiveSmallIntegerField(_("minimum star"), default=0)
    min_score = models.PositiveIntegerField(_("minimum credit score"), null=True, blank=True)
    new_residents_only = models.BooleanField(_("new residents only"), default=False)
    region = models.ForeignKey(
        "network.Region",
        verbose_name=_("for residents of"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    quota = models.PositiveSmallIntegerField(_("claims per volunteer"), default=1)
    period = models.CharField(_("per"), max_length=10, choices=Period.choices, default=Period.MONTH)
    stock = models.PositiveIntegerField(_("stock"))
    taken = models.PositiveIntegerField(_("taken"), default=0)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    code_days = models.PositiveSmallIntegerField(_("days a code stays valid"), default=7)
    active = models.BooleanField(_("open for claims"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(taken__lte=models.F("stock")), name="offer_taken_within_stock"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")), name="offer_has_a_validity"
            ),
            models.CheckConstraint(condition=models.Q(quota__gte=1), name="offer_quota_positive"),
            models.CheckConstraint(condition=models.Q(min_star__lte=5), name="offer_star_in_range"),
        ]

    def __str__(self):
        return self.title

    @property
    def left(self) -> int:
        return max(self.stock - self.taken, 0)

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.active and self.valid_from <= at < self.valid_until


class Redemption(models.Model):
    """A volunteer's claim of an offer, with its one-time code (used once, at the offer's partner)."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="redemptions"
    )
    # The offer's partner, copied so that the redeeming UPDATE can say "… AND partner = mine".
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="redemptions")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="redemptions",
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    period_key = models.CharField(max_length=10)  # "2026-12", "2026-W49", … (the quota's period)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    expires_at = models.DateTimeField(_("code valid until"))
    used_at = models.DateTimeField(_("redeemed"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-claimed_at", "-pk"]
        indexes = [
            models.Index(fields=["volunteer", "offer", "period_key"]),
            models.Index(fields=["partner", "claimed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(used_at__isnull=False, cancelled_at__isnull=False),
                name="redemption_used_or_cancelled",
            )
        ]

    def __str__(self):
        return self.code

    @property
    def state(self) -> str:
        if self.used_at:
            return "used"
        if self.cancelled_at:
            return "cancelled"
        return "expired" if self.expires_at <= timezone.now() else "open"

    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


STATE_LABELS = {
    "open": _("ready to use"),
    "used": _("redeemed"),
    "cancelled": _("cancelled"),
    "expired": _("expired"),
}
