"""Assessments the city edits itself (考核方案, issue 10 point 2) and the hourly rate of the impact
value shown on the dashboards.

- AssessmentScheme: one per year and unit type (towns/streets, city departments, teams). Every
  change to it or its indicators raises `version`.
- Indicator: a measure of the catalogue (reports/measures.py) aggregated over the period (the year
  to date, or the month alone), or a manual indicator a reviewer scores with evidence; its weight
  (the most points it gives), its target and its scoring rule (linear to the target and capped, or
  by rank: the first gets the weight, each next rank `rank_step` points less).
- AssessmentRun: the scheme applied to one period (a month of the scheme's year). Draft while it
  can be recomputed; locked: its results keep the snapshot of the scheme (version and indicators)
  and the breakdown they were computed with, so that editing the scheme never changes them;
  published: shown to the units' own admins.
- AssessmentResult: one unit's total, rank and breakdown (indicator → raw value → rule → points).
- ManualScore: a reviewer's raw value of a manual indicator for a unit in a run, with evidence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HourlyRate(models.Model):
    """The value of one hour of volunteering (impact value = hours × rate), set by the city with
    its source. The newest row is the current rate; older ones stay for the record."""

    yuan_per_hour = models.DecimalField(_("yuan per hour"), max_digits=8, decimal_places=2)
    source = models.CharField(_("source"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hourly rate")
        ordering = ["-set_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(yuan_per_hour__gt=0), name="hourly_rate_positive")]

    def __str__(self):
        return f"{self.yuan_per_hour} / h"


class AssessmentScheme(models.Model):
    class UnitType(models.TextChoices):
        TOWN = "town", _("towns and streets")
        DEPARTMENT = "department", _("city departments")
        TEAM = "team", _("teams")

    year = models.PositiveSmallIntegerField(_("year"))
    unit_type = models.CharField(_("units assessed"), max_length=12, choices=UnitType.choices)
    name = models.CharField(_("name"), max_length=120)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment scheme")
        ordering = ["-year", "unit_type"]
        # A year may hold several schemes for the same units (the civilized-city rules and the
        # target-responsibility rules, 文明城市 and 目标责任制), each under its own name.
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit_type", "name"], name="one_scheme_name_per_year_and_type"
            )
        ]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    class Period(models.TextChoices):
        YEAR_TO_DATE = "ytd", _("the year to date")
        MONTH = "month", _("the month")

    class Rule(models.TextChoices):
        LINEAR = "linear", _("linear to the target, capped")
        RANK = "rank", _("by rank")

    MANUAL = "manual"  # the measure key of a manual indicator

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="indicators")
    measure = models.CharField(_("measure"), max_length=32)  # a key of MEASURES, or MANUAL
    label = models.CharField(_("label"), max_length=80)
    period = models.CharField(_("period"), max_length=5, choices=Period.choices, default=Period.YEAR_TO_DATE)
    weight = models.DecimalField(_("weight (points)"), max_digits=6, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    rule = models.CharField(_("scoring rule"), max_length=6, choices=Rule.choices, default=Rule.LINEAR)
    rank_step = models.DecimalField(_("points less per rank"), max_digits=6, decimal_places=2, default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
            models.CheckConstraint(condition=Q(rank_step__gte=0), name="indicator_rank_step_not_negative"),
            models.CheckConstraint(
                condition=~Q(rule="linear") | Q(target__gt=0), name="linear_indicator_has_a_target"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_manual(self) -> bool:
        return self.measure == self.MANUAL


class AssessmentRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        LOCKED = "locked", _("locked")
        PUBLISHED = "published", _("published")

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="runs")
    period = models.DateField(_("period"))  # the first day of the month assessed
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheme_version = models.PositiveIntegerField(default=0)  # the version the results were computed with
    snapshot = models.JSONField(default=dict)  # the scheme and its indicators as computed
    computed_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assessment run")
        ordering = ["-period", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "period"], name="one_run_per_scheme_and_period")
        ]

    def __str__(self):
        return f"{self.scheme} {self.period:%Y-%m}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class AssessmentResult(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="results")
    unit_id = models.CharField(max_length=24)  # region code or organization pk (reports/units.py)
    unit_name = models.CharField(max_length=120)
    unit_path = models.CharField(max_length=400)  # for scoping: the region's or organization's path
    total = models.DecimalField(max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField()
    breakdown = models.JSONField(default=list)  # [{indicator, label, measure, raw, rule, points, ...}]

    class Meta:
        verbose_name = _("assessment result")
        ordering = ["rank", "unit_path"]
        constraints = [models.UniqueConstraint(fields=["run", "unit_id"], name="one_result_per_run_and_unit")]

    def __str__(self):
        return f"{self.unit_name}: {self.total}"


class ManualScore(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="manual_scores")
    # PROTECT: the evidence of a locked result outlives any edit of the scheme.
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="manual_scores")
    unit_id = models.CharField(max_length=24)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    evidence = models.TextField(_("evidence"), max_length=2000)
    evidence_file = models.FileField(_("evidence file"), upload_to="reports/evidence/", blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("manual score")
        constraints = [
            models.UniqueConstraint(fields=["run", "indicator", "unit_id"], name="one_manual_score"),
            models.CheckConstraint(condition=Q(value__gte=0), name="manual_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.unit_id}: {self.value}"
