"""Residents' service requests (点单 → 派单 → 接单 → 评单) and their ratings (DESIGN §4, issue 13).

A resident is an `accounts.User` with a `Resident` row (phone verified by an SMS code at sign-up);
a community worker may post on a resident's behalf (then `resident` may be empty and the contact
phone is the resident's). The contact phone is encrypted at rest like ID numbers: the database
holds ciphertext and a masked form only.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiguang.core import crypto
from huiguang.core.masking import mask_phone

PHONE_CONTEXT = "needs.contact_phone"


class Resident(models.Model):
    """A resident's account: a user whose mobile number was verified with an SMS code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="resident"
    )
    name = models.CharField(_("name"), max_length=64)
    region = models.ForeignKey(
        "network.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class PhoneCode(models.Model):
    """A one-time SMS code proving a mobile number: stored hashed, expires, limited tries."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("resident sign-up")

    phone = models.CharField(_("mobile number"), max_length=11, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification code")
        verbose_name_plural = _("phone verification codes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.purpose}"


class ServiceRequest(models.Model):
    class Status(models.TextChoices):
        POSTED = "posted", _("posted")
        ACCEPTED = "accepted", _("accepted")
        DISPATCHED = "dispatched", _("dispatched to a team")  # 派单
        OPEN = "open", _("open to volunteers")  # 接单
        TAKEN = "taken", _("taken")
        DONE = "done", _("done")
        RATED = "rated", _("rated")  # 评单
        DECLINED = "declined", _("declined")
        MERGED = "merged", _("merged into another request")

    number = models.CharField(_("request number"), max_length=24, unique=True)
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    resident_name = models.CharField(_("resident's name"), max_length=64)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "activities.Category", verbose_name=_("service category"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("what is needed"))
    region = models.ForeignKey(
        "network.Region",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    address = models.CharField(_("address"), max_length=200)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    # The contact phone: AES-GCM ciphertext (core.crypto) and a masked form for lists.
    contact_encrypted = models.TextField(editable=False)
    contact_masked = models.CharField(_("contact"), max_length=16, editable=False)
    required_skill = models.ForeignKey(
        "volunteers.Skill",
        verbose_name=_("required skill"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.POSTED)
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # The team that serves it: the team it was dispatched to, or the host of an open request.
    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    assigned_at = models.DateTimeField(_("dispatched or opened"), null=True, blank=True)
    taker = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    # The one-shift activity that serves it (check-in, hours into the ledger).
    activity = models.OneToOneField(
        "activities.Activity",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_request",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_notes = models.TextField(_("notes"), blank=True)
    chased_at = models.DateTimeField(_("chased"), null=True, blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "region"]),
            models.Index(fields=["status", "lat", "lng"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")), name="needs_window_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="needs_declined_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="needs_merged_has_target"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["taken", "done", "rated"]) | Q(taker__isnull=False),
                name="needs_taken_has_taker",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.category}"

    def set_contact(self, phone: str) -> None:
        self.contact_encrypted = crypto.encrypt(phone, context=PHONE_CONTEXT)
        self.contact_masked = mask_phone(phone)

    @property
    def contact_phone(self) -> str:
        return crypto.decrypt(self.contact_encrypted, context=PHONE_CONTEXT)


class RequestPhoto(models.Model):
    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="needs/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("request photo")
        verbose_name_plural = _("request photos")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.image.name


class RatingInvite(models.Model):
    """The one-time rating link sent by SMS: the signed token names this row's nonce; used once."""

    request = models.OneToOneField(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="rating_invite"
    )
    nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating link")
        verbose_name_plural = _("rating links")

    def __str__(self):
        return f"{self.request.number}"


class Rating(models.Model):
    """A resident's rating of one request (评单). Team, category, region and month are copied from the
    request so that satisfaction figures group without joins."""

    request = models.OneToOneField(
        ServiceRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    organization = models.ForeignKey(
        "network.Organization", verbose_name=_("team"), on_delete=models.PROTECT, related_name="ratings"
    )
    category = models.ForeignKey(
        "activities.Category", verbose_name=_("service category"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "network.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        null=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    month = models.DateField(_("month"))  # first day of the month it was rated
    rated_at = models.DateTimeField(_("rated"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at"]
        indexes = [
            models.Index(fields=["organization", "month"]),
            models.Index(fields=["region", "month"]),
            models.Index(fields=["category", "month"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="needs_rating_score_1_5"),
        ]

    def __str__(self):
        return f"{self.request.number}: {self.score}"
