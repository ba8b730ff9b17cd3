"""Check-in and check-out (DESIGN §4 attendance): inserts with a unique idempotency key, never a
shared counter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckIn(models.Model):
    class Kind(models.TextChoices):
        IN = "in", _("check-in")
        OUT = "out", _("check-out")

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        CODE_GPS = "code_gps", _("activity code and location")
        LEADER = "leader", _("marked by the leader")
        ECARD = "ecard", _("e-card scanned by the leader")
        AUTO = "auto", _("closed automatically at the shift end")

    # No index of its own: (enrollment, at) below serves every look-up by enrollment (issue 14: each
    # index is written by every check-in).
    enrollment = models.ForeignKey(
        "activities.Enrollment",
        verbose_name=_("sign-up"),
        on_delete=models.PROTECT,
        related_name="checkins",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    at = models.DateTimeField(_("time"))
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    device = models.CharField(_("device"), max_length=200, blank=True)
    # A retry with the same key returns the first answer; the same key with another payload is refused.
    # Unique by a constraint, not unique=True: on PostgreSQL that would add a second index (LIKE
    # look-ups) that no query uses and every check-in writes.
    idempotency_key = models.CharField(max_length=80)
    payload_sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["enrollment", "at"])]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="checkin_idempotency_key_unique")
        ]

    def __str__(self):
        return f"{self.enrollment} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class CodeAttempts(models.Model):
    """Tries of the 6-digit activity code by one volunteer for one activity (the code is guessable
    in a million tries: a wall against guessing). Each try claims a slot with a guarded UPDATE
    before the code is compared (services.code_attempts); a right code empties the counter."""

    volunteer = models.ForeignKey(
        "volunteers.Volunteer", verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="+"
    )
    activity = models.ForeignKey(
        "activities.Activity", verbose_name=_("activity"), on_delete=models.CASCADE, related_name="+"
    )
    # Tries counted until `reset_at`; after it the count starts again. The try that reaches the
    # limit moves `reset_at` to the end of the wait.
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    reset_at = models.DateTimeField(_("counted until"))

    class Meta:
        verbose_name = _("activity code tries")
        verbose_name_plural = _("activity code tries")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "activity"], name="one_code_counter_per_volunteer_activity"
            )
        ]

    def __str__(self):
        return f"{self.volunteer_id}/{self.activity_id}: {self.tries}"
