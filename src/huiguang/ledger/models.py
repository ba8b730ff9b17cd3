"""The hours ledger (信用时数) and what hangs on it (DESIGN §4–§5).

ServiceRecord is append-only: a confirmed row never changes (database triggers refuse an UPDATE
or DELETE of one, migration 0004); a correction is a new row that reverses it. Every confirmed
row extends its volunteer's hash chain (ChainHead is locked while extending), and the confirming
transaction puts the rows under a Seal, a signed link of the chain of seals (docs/ledger.md).
"""

import base64
import binascii
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


def public_key_fingerprint(public_key: str) -> str:
    """16 hex digits naming a published Ed25519 key (SHA-256 of its raw 32 bytes)."""
    try:
        raw = base64.urlsafe_b64decode(public_key + "=" * (-len(public_key) % 4))
    except (ValueError, binascii.Error):
        return "?"
    return hashlib.sha256(raw).hexdigest()[:16]


class ConfirmedRecordError(Exception):
    """An attempt to change or delete a confirmed service record."""


class ServiceRecord(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", _("service")
        MAKEUP = "makeup", _("make-up hours")  # 补录
        CORRECTION = "correction", _("correction")
        REVERSAL = "reversal", _("reversal")
        IMPORT = "import", _("imported")

    class Source(models.TextChoices):
        QR = "qr", _("QR code")
        CODE_GPS = "code_gps", _("activity code and location")
        LEADER = "leader", _("marked by the leader")
        ECARD = "ecard", _("e-card")
        AUTO = "auto", _("closed automatically")
        MAKEUP = "makeup", _("make-up request")
        IMPORT = "import", _("import")
        CORRECTION = "correction", _("dispute correction")

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    # Indexed by the composites of Meta.indexes that start with them: one index fewer each for
    # every record written (an import writes a city's history).
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
    )
    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
    )
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    shift = models.ForeignKey(
        "activities.Shift",
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enrollment = models.ForeignKey(
        "activities.Enrollment",
        verbose_name=_("sign-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    region_code = models.CharField(max_length=15)  # for reports and sharding by region (Meta.indexes)
    service_date = models.DateField(_("service date"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    minutes = models.IntegerField(_("minutes"))  # negative for a reversal
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    is_credit = models.BooleanField(_("credit hours"), default=False)  # 信用时数: attendance-verified only
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # The fields of the 2012 志愿服务记录办法.
    activity_name = models.CharField(_("activity"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    recipients = models.CharField(_("service recipients"), max_length=200, blank=True)  # 服务对象
    content = models.CharField(_("service content"), max_length=300, blank=True)
    evaluation = models.CharField(_("evaluation"), max_length=200, blank=True)  # 服务质量评价
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)  # 1-5 by the organizer
    responsible_person = models.CharField(_("responsible person"), max_length=64, blank=True)  # 负责人
    recorder = models.CharField(_("recorder"), max_length=64, blank=True)  # 记录人
    note = models.CharField(_("note"), max_length=300, blank=True)  # why pending, why rejected
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
    )
    dispute = models.ForeignKey(
        "Dispute",
        verbose_name=_("dispute"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    # PROTECT, not SET_NULL: both ids are in the chained content, and nulling them would be an
    # UPDATE of confirmed rows (refused by the trigger). A user who wrote records is deactivated.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The per-volunteer hash chain (set when the row is confirmed).
    chain_index = models.PositiveIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["service_date", "started_at", "id"]
        indexes = [
            models.Index(fields=["volunteer", "service_date"]),
            models.Index(fields=["organization", "service_date"]),
            models.Index(fields=["status", "organization"]),
            models.Index(fields=["confirmed_at"]),
            # Not db_index=True: on PostgreSQL that adds a LIKE index beside it, which no query uses.
            models.Index(fields=["region_code"], name="ledger_record_region_code"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "chain_index"],
                condition=Q(chain_index__isnull=False),
                name="one_chain_position",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", minutes__lte=0) | (~Q(kind="reversal") & Q(minutes__gte=0)),
                name="reversal_is_negative",
            ),
            # Imported hours are credit hours only from a source the city marks as verified
            # attendance (ImportSource.verified_attendance, checked by the history import).
            models.CheckConstraint(
                condition=~Q(kind="makeup") | Q(is_credit=False),
                name="makeup_is_never_credit",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.activity_name} · {self.service_date} · {self.minutes} min"

    def save(self, *args, **kwargs):
        # Append-only: a confirmed row never changes (a correction is a new, reversing row).
        # Services move pending → confirmed with a guarded queryset UPDATE, never through save().
        if (
            self.pk is not None
            and ServiceRecord.objects.filter(pk=self.pk, status=self.Status.CONFIRMED).exists()
        ):
            raise ConfirmedRecordError(f"service record {self.pk} is confirmed and never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if ServiceRecord.objects.filter(pk=self.pk, status=self.Status.CONFIRMED).exists():
            raise ConfirmedRecordError(f"service record {self.pk} is confirmed and is never deleted")
        return super().delete(*args, **kwargs)


class ChainHead(models.Model):
    """The last link of a volunteer's chain; its row lock serializes confirmations of that volunteer."""

    volunteer = models.OneToOneField(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="chain_head"
    )
    length = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chain head")

    def __str__(self):
        return f"{self.volunteer_id}: {self.length}"


class LedgerSeal(models.Model):
    """A daily, Ed25519-signed digest of every chain head (the first design, no longer made):
    `verify_ledger` still checks the ones signed before chained seals (Seal) replaced them."""

    day = models.DateField(_("day"), unique=True)
    records = models.PositiveIntegerField(_("confirmed records"))
    chains = models.PositiveIntegerField(_("chains"))
    heads_digest = models.CharField(max_length=64)
    signature = models.TextField()
    public_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger seal")
        verbose_name_plural = _("ledger seals")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} · {self.records}"


class Seal(models.Model):
    """A link of the chain of seals (docs/ledger.md): signed in the transaction that confirms
    records (and hourly for anything left unsealed). It signs its sequence number, the previous
    seal's digest, the number of records under seals so far and the digest of the chain heads
    of the records it adds (their SealEntry rows)."""

    sequence = models.PositiveIntegerField(_("sequence"), unique=True)
    sealed_at = models.DateTimeField(_("sealed"))
    records = models.PositiveIntegerField(_("records under seals"))  # cumulative
    added = models.PositiveIntegerField(_("records added"))
    heads_digest = models.CharField(_("chain heads digest"), max_length=64)
    previous = models.CharField(_("previous digest"), max_length=64)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    signature = models.TextField(_("signature"))
    # What the signer said its key was: shown, never trusted (verify_ledger trusts the configured
    # key and the retired ones in HUIGUANG_RETIRED_SIGNING_KEYS only).
    public_key = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("seal")
        verbose_name_plural = _("seals")
        ordering = ["-sequence"]

    def __str__(self):
        return f"#{self.sequence} · {self.records}"

    @property
    def key_fingerprint(self) -> str:
        return public_key_fingerprint(self.public_key)


class SealEntry(models.Model):
    """A confirmed record under a seal: every confirmed record is under exactly one."""

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="entries")
    record = models.OneToOneField(ServiceRecord, on_delete=models.PROTECT, related_name="seal_entry")

    class Meta:
        verbose_name = _("sealed record")

    def __str__(self):
        return f"{self.seal_id}: {self.record_id}"


class SealHead(models.Model):
    """The last link of the chain of seals (one row); the UPDATE that bumps its sequence takes its
    row lock, which serializes sealing (docs/locking.md), like ChainHead does a volunteer's chain."""

    sequence = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    digest = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("seal head")

    def __str__(self):
        return f"#{self.sequence}"


class Dispute(models.Model):
    """A volunteer contests a record; the organization verifies and answers (记录办法)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted: corrected")
        REJECTED = "rejected", _("rejected")

    record = models.ForeignKey(
        ServiceRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="disputes"
    )
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="disputes")
    reason = models.CharField(_("reason"), max_length=500)
    claimed_minutes = models.PositiveIntegerField(_("minutes claimed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(status="open"), name="one_open_dispute_per_record"
            )
        ]

    def __str__(self):
        return f"{self.record_id}: {self.get_status_display()}"


class MakeupRequest(models.Model):
    """Make-up hours (补录): a reason, a second admin's approval, a time limit; never credit hours."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="makeup_requests"
    )
    organization = models.ForeignKey("network.Organization", on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_date = models.DateField(_("service date"))
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    record = models.OneToOneField(
        ServiceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="makeup_request"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("make-up request")
        verbose_name_plural = _("make-up requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.volunteer} {self.service_date}"

    @property
    def minutes(self) -> int:
        """The whole minutes the request asks for (what an approval records)."""
        return int((self.ended_at - self.started_at).total_seconds() // 60)


class StarPolicy(models.Model):
    """The city's star thresholds in hours (versioned: a change is a new row)."""

    version = models.PositiveIntegerField(unique=True)
    thresholds_hours = models.JSONField(default=list)  # [100, 300, 600, 1000, 1500] for 1★..5★
    effective_from = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("star policy")
        verbose_name_plural = _("star policies")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}: {self.thresholds_hours}"


class VolunteerHours(models.Model):
    """Totals of confirmed minutes per volunteer (kept in the confirming transaction) and the star."""

    volunteer = models.OneToOneField("volunteers.Volunteer", on_delete=models.CASCADE, related_name="hours")
    total_minutes = models.IntegerField(default=0)
    credit_minutes = models.IntegerField(default=0)
    star = models.PositiveSmallIntegerField(default=0)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("volunteer hours")

    def __str__(self):
        return f"{self.volunteer_id}: {self.total_minutes}"


class MonthlyRollup(models.Model):
    """Confirmed minutes per volunteer × month × organization: reports read these, never the ledger."""

    # Indexed by one_rollup_row and (organization, month), which start with them.
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField()  # the first day of the month
    region_code = models.CharField(max_length=15)
    minutes = models.IntegerField(default=0)
    credit_minutes = models.IntegerField(default=0)
    records = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly rollup")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "organization", "month"], name="one_rollup_row")
        ]
        indexes = [
            models.Index(fields=["organization", "month"]),
            models.Index(fields=["month", "region_code"]),
            models.Index(fields=["region_code"], name="ledger_rollup_region_code"),  # no LIKE index
        ]

    def __str__(self):
        return f"{self.volunteer_id} {self.organization_id} {self.month:%Y-%m}"


class Certificate(models.Model):
    """志愿服务记录证明 (2015 guidance): requested by the volunteer, issued by an organization."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ISSUED = "issued", _("issued")
        REFUSED = "refused", _("refused")
        REVOKED = "revoked", _("revoked")

    number = models.CharField(_("certificate number"), max_length=40, unique=True, null=True, blank=True)
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="certificates"
    )
    issuer = models.ForeignKey(
        "network.Organization",
        verbose_name=_("issuer"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    all_organizations = models.BooleanField(_("hours of every organization"), default=False)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    total_minutes = models.IntegerField(default=0)
    credit_minutes = models.IntegerField(default=0)
    summary = models.TextField(_("service content"), blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=64, blank=True)
    handler = models.CharField(_("handled by"), max_length=64, blank=True)
    contact = models.CharField(_("contact"), max_length=64, blank=True)
    payload = models.TextField(blank=True)  # the signed QR payload
    requested_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-requested_at"]

    def __str__(self):
        return self.number or f"#{self.pk}"


class CertificateSequence(models.Model):
    """The issuer's register: the last certificate number used per organization and year."""

    organization = models.ForeignKey("network.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="one_register_per_year")]

    def __str__(self):
        return f"{self.organization_id} {self.year}: {self.last}"


class ActivityRating(models.Model):
    """A volunteer rates the activity they served in."""

    activity = models.ForeignKey("activities.Activity", on_delete=models.CASCADE, related_name="ratings")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="one_rating_per_volunteer"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="rating_one_to_five"),
        ]

    def __str__(self):
        return f"{self.activity_id} {self.rating}"


# --- history import (issue 15): moving a city in from the platform it used before ---------------------


class ImportSource(models.Model):
    """A platform a city's history comes from (志愿汇, ...). Its hours are 荣誉时数 unless the city
    marks it as verified attendance (then they count as credit hours, 信用时数)."""

    name = models.CharField(_("source"), max_length=64, unique=True)
    verified_attendance = models.BooleanField(_("verified attendance"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("import source")
        ordering = ["name"]

    def __str__(self):
        return self.name


class HistoryImport(models.Model):
    """One import of a city's history (a directory of files): its plan, its errors, its progress.
    The same files (same fingerprint) resume an interrupted import instead of starting another."""

    class Status(models.TextChoices):
        FAILED = "failed", _("bad rows: nothing written")
        VALIDATED = "validated", _("checked: awaiting confirmation")
        APPLYING = "applying", _("importing")
        APPLIED = "applied", _("imported")

    source = models.ForeignKey(ImportSource, verbose_name=_("source"), on_delete=models.PROTECT)
    fingerprint = models.CharField(max_length=64, db_index=True)  # sha256 of the files' sha256s
    file_names = models.JSONField(default=list)
    stored_path = models.CharField(max_length=255, blank=True)  # encrypted upload, until applied
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    summary = models.JSONField(default=dict)
    errors = models.JSONField(default=list)  # the first bad rows, {file, row, reason, message}
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    total = models.PositiveIntegerField(_("records to import"), default=0)
    done = models.PositiveIntegerField(_("records imported"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("checked"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("history import")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.source_id} {self.status}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)


class ImportedRow(models.Model):
    """What one row of a source became: the source key (unique per source and kind) makes every
    import idempotent and every imported record traceable to where it came from."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("organization")
        MEMBERSHIP = "membership", _("membership")
        ACTIVITY = "activity", _("activity")
        RECORD = "record", _("service record")

    # Indexed by one_import_per_source_key, which starts with it.
    source = models.ForeignKey(ImportSource, on_delete=models.PROTECT, related_name="rows", db_index=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=64)
    history_import = models.ForeignKey(HistoryImport, on_delete=models.PROTECT, related_name="rows")
    object_id = models.BigIntegerField()
    record = models.OneToOneField(
        ServiceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="imported_row"
    )

    class Meta:
        verbose_name = _("imported row")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "key"], name="one_import_per_source_key")
        ]

    def __str__(self):
        return f"{self.source_id} {self.kind} {self.key}"
