from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiguang.core import crypto
from huiguang.core.masking import mask_id_number

ID_CONTEXT = "volunteer.id_number"


class Skill(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    class IdType(models.TextChoices):
        RESIDENT = "resident", _("resident identity card")
        # Other documents (passport, Hong Kong/Macao/Taiwan permits) come with a later issue.

    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class Political(models.TextChoices):
        MASSES = "masses", _("ordinary citizen")  # 群众
        LEAGUE = "league", _("Communist Youth League member")  # 共青团员
        PARTY = "party", _("Communist Party member")  # 中共党员
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        AWAITING_GUARDIAN = "awaiting_guardian", _("awaiting guardian's consent")
        SUSPENDED = "suspended", _("suspended")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="volunteer"
    )
    real_name = models.CharField(_("real name"), max_length=64)
    id_type = models.CharField(_("ID type"), max_length=12, choices=IdType.choices, default=IdType.RESIDENT)
    # The number itself only encrypted; uniqueness through the HMAC blind index (Meta.constraints).
    id_number_encrypted = models.TextField(editable=False)
    id_blind_index = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=24, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    # Indexed by Meta's (residence_region, status), which starts with it.
    residence_region = models.ForeignKey(
        "network.Region",
        verbose_name=_("residence"),
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,
    )
    political_status = models.CharField(
        _("political status"), max_length=8, choices=Political.choices, default=Political.MASSES
    )
    is_student = models.BooleanField(_("student"), default=False)
    school = models.CharField(_("school"), max_length=120, blank=True)
    occupation = models.CharField(_("occupation"), max_length=64, blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="volunteers")
    is_new_resident = models.BooleanField(_("new resident"), default=False)  # 新居民
    volunteer_number = models.CharField(_("volunteer number"), max_length=20)  # unique: Meta.constraints
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    privacy_policy_version = models.CharField(_("privacy policy version"), max_length=16)
    consented_at = models.DateTimeField(_("consent time"))
    guardian = models.ForeignKey(
        "self",
        verbose_name=_("guardian"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wards",
    )
    guardian_consented_at = models.DateTimeField(_("guardian's consent"), null=True, blank=True)
    # The guardian's standing consent: a child under HUIGUANG_GUARDIAN_AGE signs up without asking
    # the guardian each time. Set and cleared only by the guardian (volunteer_standing_consent_set);
    # the audit log keeps every grant and revocation with its time.
    guardian_standing_consent_at = models.DateTimeField(
        _("guardian's standing consent to sign-ups"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["residence_region", "status"])]
        constraints = [
            # Constraints, not unique=True: on PostgreSQL that adds a second index for LIKE
            # (varchar_pattern_ops) to each, which no query uses and every registration writes.
            models.UniqueConstraint(fields=["id_blind_index"], name="volunteer_id_blind_index_unique"),
            models.UniqueConstraint(fields=["volunteer_number"], name="volunteer_number_unique"),
            models.CheckConstraint(
                name="minor_guardian_consent_recorded",
                condition=Q(status="awaiting_guardian")
                | Q(guardian__isnull=True)
                | Q(guardian_consented_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.real_name

    @staticmethod
    def blind_index_for(number: str) -> str:
        return crypto.blind_index(number, context=ID_CONTEXT)

    def set_id_number(self, number: str) -> None:
        self.id_number_encrypted = crypto.encrypt(number, context=ID_CONTEXT)
        self.id_blind_index = self.blind_index_for(number)
        self.id_masked = mask_id_number(number)

    def decrypt_id_number(self) -> str:
        """The full number. Callers show it only through volunteer_reveal_id (which audits)."""
        return crypto.decrypt(self.id_number_encrypted, context=ID_CONTEXT)


class VolunteerNumberSequence(models.Model):
    """The last number used per prefix (region code + year); bumped by a guarded UPDATE."""

    prefix = models.CharField(max_length=16, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("volunteer number sequence")

    def __str__(self):
        return f"{self.prefix}: {self.last}"


class ImportBatch(models.Model):
    """One uploaded file of volunteers for one organization: previewed, then applied (or failed).

    The file itself stays under VAR_DIR/imports (`file_path` is relative to VAR_DIR), so the
    confirmation applies exactly the bytes that were previewed (checked against `sha256`).
    `errors` holds every bad row: [{"row": 5, "column": "身份证号", "value": "...", "message": "..."}];
    ID numbers in it are masked.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("checked, awaiting confirmation")
        APPLIED = "applied", _("imported")
        FAILED = "failed", _("has errors, not imported")

    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_path = models.CharField(max_length=255, editable=False)
    file_kind = models.CharField(_("file type"), max_length=4)
    sha256 = models.CharField(max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_row_count = models.PositiveIntegerField(_("bad rows"), default=0)
    created_count = models.PositiveIntegerField(_("new volunteers"), default=0)
    joined_count = models.PositiveIntegerField(_("joined the organization"), default=0)
    already_count = models.PositiveIntegerField(_("already members"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer import")
        verbose_name_plural = _("volunteer imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "sha256"])]

    def __str__(self):
        return self.file_name
