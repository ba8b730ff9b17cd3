"""Project competitions (项目大赛): co-hosts, tracks, rounds (初赛 → 复赛 → 决赛) with criteria,
entries with their materials, judges per round with declared conflicts, scores, each round's
stored results and the award levels with their prize money.

A judge's score of an entry is one row per criterion (0–100); the judge's total is the weighted
mean of the criteria. The rules that turn scores into a ranking live in one place,
services/judging.py `rank_round`; the stored `RoundResult` rows are its output and are
reproducible from the `Score` rows at any time.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .projects import Project


class Competition(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open for entries")
        PUBLISHED = "published", _("results published")

    name = models.CharField(_("name"), max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    entry_rules = models.TextField(_("entry rules"), blank=True)
    co_hosts = models.ManyToManyField(
        "network.Organization", verbose_name=_("co-hosts"), blank=True, related_name="hosted_competitions"
    )
    blind_review = models.BooleanField(_("blind review"), default=False)
    entries_close_on = models.DateField(_("entries close"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name


class Track(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="track_unique_name")]

    def __str__(self):
        return self.name


class Round(models.Model):
    """One round of selection; `advance_count` entries of its ranking go on to the next one."""

    class Status(models.TextChoices):
        OPEN = "open", _("scoring")
        CLOSED = "closed", _("round closed")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=40)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    venue = models.CharField(_("venue"), max_length=120, blank=True)
    advance_count = models.PositiveSmallIntegerField(_("entries advancing"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="round_unique_number"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="round_ends_after_start"),
        ]

    def __str__(self):
        return self.name

    def scores_exist(self) -> bool:
        return Score.objects.filter(criterion__round=self).exists()


class Criterion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=60)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="criterion_unique_name"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_range"
            ),
        ]

    def __str__(self):
        return self.name


class Entry(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ELIGIBLE = "eligible", _("eligible")
        INELIGIBLE = "ineligible", _("not eligible")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    track = models.ForeignKey(
        Track, verbose_name=_("track"), on_delete=models.PROTECT, related_name="entries"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="entries"
    )
    # The project's owning organization when it was entered: the conflict-of-interest rule and
    # blind review are about this organization.
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="competition_entries"
    )
    summary = models.TextField(_("summary"))
    application_form = models.FileField(_("application form (PDF)"), upload_to="projects/entries/")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    current_round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "project"], name="entry_one_per_project"),
        ]

    def __str__(self):
        return self.project.name


class EntryImage(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="projects/entries/")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class Judge(models.Model):
    """A judge (评委) of one round; `conflicts` are organizations he declared a conflict with."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("judge"), on_delete=models.PROTECT, related_name="judgings"
    )
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="judges")
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="judges")
    conflicts = models.ManyToManyField(
        "network.Organization", verbose_name=_("declared conflicts of interest"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "round"], name="judge_once_per_round")]

    def __str__(self):
        return str(self.user)


class Score(models.Model):
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="scores")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=Q(value__lte=100), name="score_at_most_100"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class RoundResult(models.Model):
    """An entry's place in a closed round, as `rank_round` computed it from the scores."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="results")
    aggregate = models.DecimalField(_("aggregate score"), max_digits=6, decimal_places=2)
    median = models.DecimalField(_("median"), max_digits=6, decimal_places=2)
    n_scores = models.PositiveSmallIntegerField(_("judges"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    advanced = models.BooleanField(_("advanced"), default=False)

    class Meta:
        ordering = ["round", "rank"]
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="result_once_per_round")]

    def __str__(self):
        return f"{self.rank}. {self.entry_id}"


class AwardLevel(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="award_levels")
    name = models.CharField(_("name"), max_length=60)
    prize_fen = models.PositiveBigIntegerField(_("prize money"), default=0)
    places = models.PositiveSmallIntegerField(_("places"), default=1)

    class Meta:
        verbose_name = _("award level")
        ordering = ["competition", "-prize_fen", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name"], name="award_level_unique_name")
        ]

    def __str__(self):
        return self.name


class Award(models.Model):
    level = models.ForeignKey(AwardLevel, on_delete=models.PROTECT, related_name="awards")
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="award")
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level", "id"]

    def __str__(self):
        return str(self.level)
