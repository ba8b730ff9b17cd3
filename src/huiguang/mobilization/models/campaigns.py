"""Rapid mobilization campaigns (应急动员): stages, recruits, screening, deployment.

A campaign recruits volunteers fast (the 2020 epidemic: 2,100+ recruited, 1,150+ deployed within
weeks). Each volunteer who joins is one `Recruit` row that moves through the stages
recruited → screened → trained → deployed (or rejected); the board counts these rows in SQL.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        RECRUITING = "recruiting", _("recruiting")
        CLOSED = "closed", _("recruitment closed")
        ENDED = "ended", _("ended")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # Whose campaign: the city (the city region) or a region admin's town; region admins manage
    # the campaigns of their subtree (network.scope).
    region = models.ForeignKey(
        "network.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The induction course pushed to every recruit; holding its qualification makes a recruit trained.
    course = models.ForeignKey(
        "training.Course",
        verbose_name=_("induction course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_recruited = models.PositiveIntegerField(_("target: recruited"), default=0)
    target_screened = models.PositiveIntegerField(_("target: screened"), default=0)
    target_trained = models.PositiveIntegerField(_("target: trained"), default=0)
    target_deployed = models.PositiveIntegerField(_("target: deployed"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("mobilization campaign")
        verbose_name_plural = _("mobilization campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED


class ScreeningQuestion(models.Model):
    """A yes/no or choice question asked at registration; some answers disqualify, some need a
    person to look (manual review)."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("yes / no")
        CHOICE = "choice", _("choice")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.YES_NO)
    # The possible answers ("yes"/"no" for a yes/no question), those that disqualify and those
    # that need a manual review (subsets of `choices`).
    choices = models.JSONField(_("answers"), default=list)
    disqualifying = models.JSONField(_("disqualifying answers"), default=list, blank=True)
    review = models.JSONField(_("answers needing review"), default=list, blank=True)

    class Meta:
        verbose_name = _("screening question")
        verbose_name_plural = _("screening questions")
        ordering = ["campaign", "position", "id"]

    def __str__(self):
        return self.text


class Recruit(models.Model):
    class Stage(models.TextChoices):
        RECRUITED = "recruited", _("recruited")
        SCREENED = "screened", _("screened")
        REJECTED = "rejected", _("rejected")
        TRAINED = "trained", _("trained")
        DEPLOYED = "deployed", _("deployed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recruits")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="+"
    )
    # The volunteer's town (residence region at joining, or its town-level ancestor): the board's "by town".
    town = models.ForeignKey(
        "network.Region",
        verbose_name=_("town"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.RECRUITED)
    # An answer asked for a person's look: the recruit waits in the console's review list.
    needs_review = models.BooleanField(_("needs review"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # The shift the recruit was deployed to (its enrollment is the activities app's).
    shift = models.ForeignKey(
        "activities.Shift", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined"), db_index=True)
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    trained_at = models.DateTimeField(_("trained"), null=True, blank=True)
    deployed_at = models.DateTimeField(_("deployed"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("recruit")
        verbose_name_plural = _("recruits")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "volunteer"], name="recruit_once_per_campaign"),
            models.CheckConstraint(
                condition=~Q(stage="deployed") | Q(deployed_at__isnull=False),
                name="recruit_deployed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "stage"]), models.Index(fields=["campaign", "town"])]

    def __str__(self):
        return f"{self.campaign} · {self.volunteer_id}"


class CampaignBlast(models.Model):
    """One message sent to the recruits of a stage and/or town; each recipient's notification
    carries the dedupe key `campaign-blast:<id>`, so the delivery counts are read from the
    notifications app's Delivery rows."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="blasts")
    stage = models.CharField(_("stage"), max_length=10, choices=Recruit.Stage.choices, blank=True)
    town = models.ForeignKey(
        "network.Region",
        verbose_name=_("town"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("message"), blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    # Filled by selectors.campaigns.blast_list: {notified, sent, failed, pending}.
    counts: dict[str, int]

    class Meta:
        verbose_name = _("campaign message")
        verbose_name_plural = _("campaign messages")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def dedupe_key(self) -> str:
        return f"campaign-blast:{self.pk}"
