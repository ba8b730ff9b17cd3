"""Rollups of the confirmed ledger beyond the ledger's own (DESIGN §7, issue 10 point 5).

Kept incrementally by the confirming transaction (`services.rollups.rollups_add`, called by the
receiver of `ledger.signals.records_confirmed`) and rebuilt from the ledger by
`huiguang rebuild_rollups` (`services.rebuild.reports_rollups_rebuild`).

What a record counts towards:
- RegionMonth: one row per region **at each level** of the path of the record's `region_code`
  (where the service was done: the activity's region, else the organization's), per month of the
  service date. One row per level and not one per leaf region summed over a subtree, because
  "active volunteers" is a count of distinct people: a volunteer who served in two villages of a
  town is one active volunteer of the town, which no sum of the villages' rows can tell. A town's
  line is therefore one row read by (code, month), whatever the size of the ledger.
- OrganizationMonth: one row for the record's organization and one for each organization above
  it (its path), for the same reason.
- CategoryMonth: the activity's category (category NULL: records without an activity).
- DailyCounter: the whole city per service day.

The counters of a row:
- `minutes`, `credit_minutes`: confirmed minutes (a reversal subtracts; 信用时数 apart);
- `records`: confirmed ledger rows (a reversal is a row too);
- `participations` (人次): +1 for a row that adds service, −1 for a reversal (a dispute fixed by a
  reversal and a corrected row nets to the one participation it was);
- `active_volunteers`: distinct volunteers whose participations in the unit and month are > 0,
  kept through ActiveMark (volunteer × unit × month: their participations there): a mark going
  from 0 to 1 adds an active volunteer, from 1 to 0 removes one;
- `new_stars`: volunteers whose star went up through a record of the unit, in the month of the
  record's service date (counted once per volunteer and confirming transaction).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Counts(models.Model):
    month = models.DateField(_("month"))  # the first day of the month
    minutes = models.IntegerField(default=0)
    credit_minutes = models.IntegerField(default=0)
    records = models.IntegerField(default=0)
    participations = models.IntegerField(default=0)  # 人次
    active_volunteers = models.IntegerField(default=0)
    new_stars = models.IntegerField(default=0)

    COUNTERS = ("minutes", "credit_minutes", "records", "participations", "active_volunteers", "new_stars")

    class Meta:
        abstract = True


class RegionMonth(Counts):
    region_code = models.CharField(_("region code"), max_length=15)
    level = models.CharField(max_length=10)  # Region.Level of the code, for listing one level

    class Meta:
        verbose_name = _("region month")
        constraints = [models.UniqueConstraint(fields=["region_code", "month"], name="one_region_month")]
        indexes = [models.Index(fields=["month", "level"])]

    def __str__(self):
        return f"{self.region_code} {self.month:%Y-%m}"


class OrganizationMonth(Counts):
    organization = models.ForeignKey("network.Organization", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("organization month")
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="one_organization_month")
        ]
        indexes = [models.Index(fields=["month", "organization"])]

    def __str__(self):
        return f"{self.organization_id} {self.month:%Y-%m}"


class CategoryMonth(Counts):
    category = models.ForeignKey(
        "activities.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("category month")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "month"], condition=Q(category__isnull=False), name="one_category_month"
            ),
            models.UniqueConstraint(
                fields=["month"], condition=Q(category__isnull=True), name="one_uncategorized_month"
            ),
        ]

    def __str__(self):
        return f"{self.category_id} {self.month:%Y-%m}"


class DailyCounter(models.Model):
    day = models.DateField(_("day"), unique=True)
    minutes = models.IntegerField(default=0)
    credit_minutes = models.IntegerField(default=0)
    records = models.IntegerField(default=0)
    participations = models.IntegerField(default=0)

    COUNTERS = ("minutes", "credit_minutes", "records", "participations")

    class Meta:
        verbose_name = _("daily counter")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day}: {self.minutes}"


class ActiveMark(models.Model):
    """A volunteer's participations in one unit ("r:<region code>", "o:<organization id>",
    "c:<category id or empty>") and month: what makes them count as active there."""

    # Indexed by one_active_mark, which starts with it (an import writes about four marks a record).
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    unit = models.CharField(max_length=24)
    month = models.DateField()
    participations = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["volunteer", "unit", "month"], name="one_active_mark")]
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self):
        return f"{self.volunteer_id} {self.unit} {self.month:%Y-%m}"
