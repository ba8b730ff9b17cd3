"""Activities, their shifts (岗位 × time slot), sign-ups and recurring series (DESIGN §4)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def new_share_token() -> str:
    return secrets.token_urlsafe(16)


class Category(models.Model):
    """Service type (服务类别): 助老, 助残, 医疗, 文明劝导, ... editable by the city."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort", "name"]

    def __str__(self):
        return self.name


class Series(models.Model):
    """A recurring activity: occurrences are generated some months ahead from a template activity."""

    class Rule(models.TextChoices):
        WEEKLY = "weekly", _("weekly on given days")
        MONTHLY_NTH_WEEKDAY = "monthly_nth", _("monthly on the n-th given weekday")  # 第二个星期六
        MONTHLY_WEEK_WEEKDAY = "monthly_week", _("monthly on a weekday of the n-th week")  # 第二周的星期六

    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="series",
    )
    title = models.CharField(_("title"), max_length=120)
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices)
    # WEEKLY: ISO weekdays 1-7 (Monday = 1); MONTHLY_*: one weekday.
    weekdays = models.JSONField(_("weekdays"), default=list)
    # MONTHLY_*: which occurrence / week (1-5, -1 = last).
    ordinal = models.SmallIntegerField(_("ordinal"), null=True, blank=True)
    starts_on = models.DateField(_("first date"))
    ends_on = models.DateField(_("last date"), null=True, blank=True)
    horizon_months = models.PositiveSmallIntegerField(_("generate months ahead"), default=3)
    template = models.ForeignKey(
        "Activity",
        verbose_name=_("template activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_until = models.DateField(_("generated until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Activity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PENDING = "pending", _("pending review")
        PUBLISHED = "published", _("published")
        FINISHED = "finished", _("finished")
        ARCHIVED = "archived", _("archived")
        CANCELLED = "cancelled", _("cancelled")
        REJECTED = "rejected", _("returned for changes")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        MEMBERS = "members", _("members of the organization only")

    class SignupMode(models.TextChoices):
        INSTANT = "instant", _("instant confirmation")
        APPROVAL = "approval", _("approval by the organizer")

    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=120)
    category = models.ForeignKey(
        Category, verbose_name=_("service category"), on_delete=models.PROTECT, related_name="activities"
    )
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey(
        "network.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="activities"
    )
    site = models.ForeignKey(
        "network.Site",
        verbose_name=_("service site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    checkin_radius_m = models.PositiveIntegerField(_("check-in radius (m)"), default=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    recruit_opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    recruit_closes_at = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    cancel_cutoff_hours = models.PositiveSmallIntegerField(_("cancel up to (hours before)"), default=24)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    signup_mode = models.CharField(
        _("sign-up mode"), max_length=8, choices=SignupMode.choices, default=SignupMode.INSTANT
    )
    # Requirements (checked by enrollment_check).
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    required_skills = models.ManyToManyField(
        "volunteers.Skill", verbose_name=_("required skills"), blank=True, related_name="+"
    )
    # Qualifications (training app) a volunteer must hold, valid until the shift's end.
    required_qualifications = models.ManyToManyField(
        "training.QualificationType", verbose_name=_("required qualifications"), blank=True, related_name="+"
    )
    # A training session is an activity linked to a course (DESIGN §4 training).
    course = models.ForeignKey(
        "training.Course",
        verbose_name=_("course (training session)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members_only = models.BooleanField(_("members of the organization only"), default=False)
    political_status = models.CharField(_("political status required"), max_length=8, blank=True)
    # Risk flags: a written agreement (书面协议) the volunteer accepts at sign-up; insurance.
    agreement_required = models.BooleanField(_("written agreement required"), default=False)
    agreement_text = models.TextField(_("agreement text"), blank=True)
    insurance_required = models.BooleanField(_("insurance required"), default=False)
    insurance_note = models.CharField(_("insurance"), max_length=200, blank=True)
    cover = models.ImageField(_("cover photo"), upload_to="activities/", blank=True)
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    series_detached = models.BooleanField(_("edited apart from its series"), default=False)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Outcome summary after the event.
    people_served = models.PositiveIntegerField(_("people served"), null=True, blank=True)
    outcome_summary = models.TextField(_("outcome"), blank=True)
    outputs = models.JSONField(_("outputs"), default=list, blank=True)  # [{"name": "爱心包", "count": 200}]
    # The unguessable part of the share link; made for every activity however it is created (a
    # bulk_create of imported history too).
    share_token = models.CharField(max_length=32, unique=True, editable=False, default=new_share_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["organization", "starts_at"]),
            models.Index(fields=["region", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
                name="activity_age_range",
            ),
        ]

    def __str__(self):
        return self.title


class ActivityPhoto(models.Model):
    class Kind(models.TextChoices):
        GALLERY = "gallery", _("photo")
        OUTCOME = "outcome", _("outcome photo")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="activities/photos/")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.GALLERY)
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.caption or self.image.name


class Shift(models.Model):
    """A position in a time slot (岗位 × 时段) with capacity and a waitlist.

    `taken` and `waitlisted` are guarded counters: only services change them, with a single
    conditional UPDATE (`... WHERE taken < capacity`) in the transaction that inserts the
    enrollment (docs/locking.md).
    """

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="shifts"
    )
    name = models.CharField(_("position"), max_length=80)
    description = models.CharField(_("duties"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    waitlist_size = models.PositiveIntegerField(_("waitlist places"), default=0)
    required_qualifications = models.ManyToManyField(
        "training.QualificationType", verbose_name=_("required qualifications"), blank=True, related_name="+"
    )
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    waitlisted = models.PositiveIntegerField(_("on the waitlist"), default=0, editable=False)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "name", "id"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="shift_not_overbooked"),
            models.CheckConstraint(
                condition=Q(waitlisted__lte=F("waitlist_size")), name="shift_waitlist_bounded"
            ),
        ]

    def __str__(self):
        return f"{self.activity} · {self.name}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)


class TrainingResult(models.TextChoices):
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")


class Enrollment(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("awaiting approval")
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")
        REJECTED = "rejected", _("not accepted")
        NO_SHOW = "no_show", _("did not come")
        ATTENDED = "attended", _("attended")

    ACTIVE = (Status.APPLIED, Status.CONFIRMED, Status.WAITLISTED)

    # Neither key has an index of its own: the indexes in Meta start with each (issue 14: every
    # index is written by every sign-up).
    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="enrollments", db_index=False
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="enrollments",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed up by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )  # a leader signing up team members
    agreement_accepted_at = models.DateTimeField(_("agreement accepted"), null=True, blank=True)
    agreement_text_sha256 = models.CharField(max_length=64, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted from the waitlist"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # A training session's result for an attendee, marked by the trainer (services/training.py).
    training_result = models.CharField(
        _("training result"), max_length=8, choices=TrainingResult.choices, blank=True
    )
    training_marked_at = models.DateTimeField(_("result marked"), null=True, blank=True)
    training_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status__in=["applied", "confirmed", "waitlisted"]),
                name="one_active_enrollment_per_shift",
            )
        ]
        indexes = [
            models.Index(fields=["shift", "status", "created_at"]),
            models.Index(fields=["volunteer", "status"]),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.shift}"


class CalendarToken(models.Model):
    """The secret in a volunteer's calendar-feed URL (/calendar/<token>.ics).

    Calendar apps fetch the feed without logging in, so the URL itself is the credential. It is
    kept in clear (the volunteer must be able to copy the link again); it reveals only the
    volunteer's own upcoming shifts, and regenerating it (a new row value) cuts off every old copy.
    """

    volunteer = models.OneToOneField(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self):
        return str(self.volunteer)
