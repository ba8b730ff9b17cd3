"""Rollups per service project × month (issue 12): what a project page adds up.

Kept like the other rollups (models/rollups.py): by the confirming transaction through the
ledger's records_confirmed signal (services/project_rollups.py `project_rollups_add`) and rebuilt
from the ledger by `huiguang rebuild_rollups`. A record counts towards the project of its activity
(Activity.project) at confirmation; an activity moved to another project afterwards is set right
by the rebuild.

ProjectMark holds the participations of one volunteer ("v", volunteer id) or one activity ("a",
activity id) in a project and month: a mark going from 0 to 1 adds an active volunteer (an
activity with service) to the month; a project's distinct volunteers and activities over its
whole life are the marks whose participations sum above 0.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectMonth(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month
    minutes = models.IntegerField(default=0)
    credit_minutes = models.IntegerField(default=0)
    records = models.IntegerField(default=0)
    participations = models.IntegerField(default=0)  # 人次
    active_volunteers = models.IntegerField(default=0)
    activities = models.IntegerField(default=0)  # activities with confirmed service in the month

    COUNTERS = ("minutes", "credit_minutes", "records", "participations", "active_volunteers", "activities")

    class Meta:
        verbose_name = _("project month")
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="one_project_month")]
        ordering = ["project", "month"]

    def __str__(self):
        return f"{self.project_id} {self.month:%Y-%m}"


class ProjectMark(models.Model):
    class Kind(models.TextChoices):
        VOLUNTEER = "v", _("volunteer")
        ACTIVITY = "a", _("activity")

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    kind = models.CharField(max_length=1, choices=Kind.choices)
    key = models.BigIntegerField()  # the volunteer's or the activity's id
    participations = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "month", "kind", "key"], name="one_project_mark")
        ]
        indexes = [models.Index(fields=["project", "kind", "key"])]

    def __str__(self):
        return f"{self.project_id} {self.kind}{self.key} {self.month:%Y-%m}"
