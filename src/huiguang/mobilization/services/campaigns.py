"""Rapid mobilization campaigns (应急动员): every write.

The stages of a recruit: recruited → screened → trained → deployed, or rejected.

- Joining (`recruit_join`) answers the screening questions: an answer that disqualifies rejects at
  once (with the question as the reason), an answer that needs a look leaves the recruit
  "recruited" in the review list (`recruits_screen` decides, in bulk), else the recruit is
  screened. A screened recruit is told of the induction course and its next sessions.
- Trained: the recruit holds the induction course's qualification, valid today (training's rows);
  `recruits_refresh_trained` moves every screened holder in one UPDATE, and runs on joining, after
  screening, on the board and by the `campaign_refresh_trained` task.
- Deployed: `recruits_assign` places trained recruits on shifts through the activities app's one
  enrollment service (`enrollments_place`: its rules and its guarded counter), shift by shift,
  each shift in its own short transaction together with the recruits' stage change.
- An ended campaign is history: every write refuses (ENDED).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.activities.models import Shift
from huiguang.activities.selectors.training import course_sessions_upcoming
from huiguang.activities.services.enrollments import enrollments_place
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.network.models import Region
from huiguang.notifications import kinds
from huiguang.notifications.services import notify
from huiguang.training.models import Qualification
from huiguang.training.selectors import valid_q
from huiguang.volunteers.models import Volunteer

from ..models.campaigns import Campaign, CampaignBlast, Recruit, ScreeningQuestion

St = Campaign.Status
Stage = Recruit.Stage

KIND_COURSE = kinds.CAMPAIGN_COURSE
KIND_BLAST = kinds.CAMPAIGN_BLAST

YES, NO = "yes", "no"


class CampaignRefused(Refused):
    REASONS = {
        "ENDED": gettext_lazy("This campaign has ended: it is kept as history and cannot change."),
        "NOT_RECRUITING": gettext_lazy("This campaign is not recruiting now."),
        "BAD_STATUS": gettext_lazy("This campaign cannot move to that status from where it is."),
        "NOT_VOLUNTEER": gettext_lazy("Register as a volunteer first."),
    }

    def __init__(self, reason: str, message=None):
        super().__init__(reason, message or self.REASONS[reason])


def _not_ended(campaign: Campaign) -> None:
    if campaign.status == St.ENDED:
        raise CampaignRefused("ENDED")


# --- campaigns --------------------------------------------------------------------------------------


def _clean_questions(questions: list[dict]) -> list[ScreeningQuestion]:
    errors: list[str] = []
    out = []
    for i, q in enumerate(questions):
        text = (q.get("text") or "").strip()
        kind = q.get("kind") or ScreeningQuestion.Kind.YES_NO
        choices = (
            [YES, NO]
            if kind == ScreeningQuestion.Kind.YES_NO
            else [str(c).strip() for c in q.get("choices") or []]
        )
        choices = [c for c in dict.fromkeys(choices) if c]
        disqualifying = [str(a).strip() for a in q.get("disqualifying") or []]
        review = [str(a).strip() for a in q.get("review") or []]
        if not text or len(text) > 200:
            errors.append(_("Question %(n)d: write the question (at most 200 characters).") % {"n": i + 1})
        elif kind not in ScreeningQuestion.Kind.values:
            errors.append(_("Question %(n)d: choose yes / no or choice.") % {"n": i + 1})
        elif len(choices) < 2 or any(len(c) > 60 for c in choices):
            errors.append(_("Question %(n)d: give at least two answers to choose from.") % {"n": i + 1})
        elif not set(disqualifying + review) <= set(choices):
            errors.append(
                _("Question %(n)d: the disqualifying and review answers must be among the answers.")
                % {"n": i + 1}
            )
        out.append(
            ScreeningQuestion(
                position=i, text=text, kind=kind, choices=choices, disqualifying=disqualifying, review=review
            )
        )
    if errors:
        raise FieldErrors({"questions": errors})
    return out


def campaign_create(
    *,
    actor,
    name: str,
    region: Region,
    description: str = "",
    course=None,
    target_recruited: int = 0,
    target_screened: int = 0,
    target_trained: int = 0,
    target_deployed: int = 0,
    questions: list[dict] | None = None,
    request=None,
) -> Campaign:
    """A draft campaign with its screening questions (each {"text", "kind": "yes_no" | "choice",
    "choices", "disqualifying", "review"}). The caller checked that `actor` may own a campaign of
    `region` (permissions.may_own_campaign_in)."""
    name = (name or "").strip()
    if not name:
        raise FieldErrors({"name": [_("Give the campaign a name.")]})
    if course is not None and course.grants_id is None:
        raise FieldErrors({"course": [_("Choose a course that grants a qualification.")]})
    rows = _clean_questions(questions or [])
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name[:120],
            description=description or "",
            region=region,
            course=course,
            target_recruited=target_recruited,
            target_screened=target_screened,
            target_trained=target_trained,
            target_deployed=target_deployed,
            created_by=actor,
        )
        for row in rows:
            row.campaign = campaign
        ScreeningQuestion.objects.bulk_create(rows)
        audit_log(action="campaign_created", actor=actor, obj=campaign, request=request, name=campaign.name)
    return campaign


_MOVES = {
    "open": ({St.DRAFT, St.CLOSED}, St.RECRUITING, "opened_at"),
    "close": ({St.RECRUITING}, St.CLOSED, "closed_at"),
    "end": ({St.DRAFT, St.RECRUITING, St.CLOSED}, St.ENDED, "ended_at"),
}


def campaign_set_status(*, actor, campaign: Campaign, move: str, request=None) -> Campaign:
    """open (draft or closed → recruiting), close (recruiting → closed), end (→ ended, for good).
    A conditional UPDATE, so two admins clicking at once move it once."""
    _not_ended(campaign)
    if move not in _MOVES:
        raise CampaignRefused("BAD_STATUS")
    sources, target, stamp = _MOVES[move]
    now = timezone.now()
    with transaction.atomic():
        if not Campaign.objects.filter(pk=campaign.pk, status__in=sources).update(
            status=target, **{stamp: now}
        ):
            raise CampaignRefused(
                "ENDED" if Campaign.objects.filter(pk=campaign.pk, status=St.ENDED).exists() else "BAD_STATUS"
            )
        campaign.status = target
        setattr(campaign, stamp, now)
        if move == "open":
            audit_log(action="campaign_opened", actor=actor, obj=campaign, request=request)
        elif move == "close":
            audit_log(action="campaign_closed", actor=actor, obj=campaign, request=request)
        else:
            audit_log(action="campaign_ended", actor=actor, obj=campaign, request=request)
    return campaign


# --- joining ----------------------------------------------------------------------------------------


def town_of(region: Region | None) -> Region | None:
    """The town-level region containing `region` (itself if a town), None above town level."""
    if region is None:
        return None
    if region.level == Region.Level.TOWN:
        return region
    parts = [p for p in region.path.split("/") if p]  # "330482/330482001/330482001003/"
    prefixes = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return Region.objects.filter(path__in=prefixes, level=Region.Level.TOWN).first()


def _screen(questions: list[ScreeningQuestion], answers: dict) -> tuple[dict, str, bool, str]:
    """(clean answers, stage, needs review, reason) or FieldErrors naming each unanswered question."""
    clean: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for q in questions:
        value = answers.get(str(q.pk), answers.get(q.pk))
        value = str(value).strip() if value is not None else ""
        if value not in q.choices:
            errors[f"q{q.pk}"] = [_("Answer this question.")]
        clean[str(q.pk)] = value
    if errors:
        raise FieldErrors(errors)
    for q in questions:
        if clean[str(q.pk)] in q.disqualifying:
            return (
                clean,
                Stage.REJECTED,
                False,
                (_("Answer to “%(q)s”: %(a)s") % {"q": q.text, "a": clean[str(q.pk)]})[:200],
            )
    review = any(clean[str(q.pk)] in q.review for q in questions)
    return clean, (Stage.RECRUITED if review else Stage.SCREENED), review, ""


def recruit_join(*, campaign: Campaign, volunteer: Volunteer | None, answers: dict, request=None) -> Recruit:
    """The volunteer joins the recruiting campaign with the answers ({question id: answer}).
    Joining twice returns the first Recruit unchanged (the unique constraint holds under a race)."""
    if volunteer is None:
        raise CampaignRefused("NOT_VOLUNTEER")
    existing = Recruit.objects.filter(campaign=campaign, volunteer=volunteer).first()
    if existing is not None:
        return existing
    if campaign.status != St.RECRUITING:
        raise CampaignRefused("ENDED" if campaign.status == St.ENDED else "NOT_RECRUITING")
    clean, stage, review, reason = _screen(list(campaign.questions.all()), answers or {})
    now = timezone.now()
    try:
        with transaction.atomic():
            recruit = Recruit.objects.create(
                campaign=campaign,
                volunteer=volunteer,
                town=town_of(volunteer.residence_region),
                answers=clean,
                stage=stage,
                needs_review=review,
                reason=reason,
                joined_at=now,
                screened_at=now if stage == Stage.SCREENED else None,
                rejected_at=now if stage == Stage.REJECTED else None,
            )
            audit_log(
                action="campaign_recruit_joined",
                actor=volunteer.user,
                obj=recruit,
                request=request,
                stage=stage,
            )
    except IntegrityError:
        return Recruit.objects.get(campaign=campaign, volunteer=volunteer)
    if stage == Stage.SCREENED:
        recruits_refresh_trained(campaign=campaign)
        recruit.refresh_from_db()
        if recruit.stage == Stage.SCREENED:
            _push_course(campaign, [volunteer])
    return recruit


# --- screening ----------------------------------------------------------------------------------------


def recruits_screen(
    *, actor, campaign: Campaign, ids: list[int], approve: bool, reason: str = "", request=None
) -> int:
    """Approve (→ screened) or reject (with a reason) recruits waiting for screening, in bulk: only
    recruits of this campaign still at "recruited" change. Returns how many changed."""
    _not_ended(campaign)
    reason = (reason or "").strip()[:200]
    if not approve and not reason:
        raise FieldErrors({"reason": [_("Say why the recruits are rejected.")]})
    now = timezone.now()
    with transaction.atomic():
        waiting = Recruit.objects.filter(campaign=campaign, pk__in=list(ids or []), stage=Stage.RECRUITED)
        volunteer_ids = list(waiting.values_list("volunteer_id", flat=True))
        if approve:
            changed = waiting.update(
                stage=Stage.SCREENED, screened_at=now, needs_review=False, decided_by=actor
            )
        else:
            changed = waiting.update(
                stage=Stage.REJECTED, rejected_at=now, needs_review=False, reason=reason, decided_by=actor
            )
        audit_log(
            action="campaign_recruits_screened",
            actor=actor,
            obj=campaign,
            request=request,
            approved=approve,
            count=changed,
            reason=reason,
        )
    if approve and changed:
        recruits_refresh_trained(campaign=campaign)
        _push_course(
            campaign,
            Volunteer.objects.filter(
                pk__in=Recruit.objects.filter(
                    campaign=campaign, volunteer_id__in=volunteer_ids, stage=Stage.SCREENED
                ).values("volunteer_id")
            ).select_related("user", "user__notification_preference"),
        )
    return changed


def recruits_refresh_trained(*, campaign: Campaign, today: dt.date | None = None) -> int:
    """Every screened recruit who holds the induction course's qualification, valid today, becomes
    trained: one UPDATE. Returns how many moved."""
    if campaign.course_id is None or campaign.status == St.ENDED:
        return 0
    type_id = Campaign.objects.filter(pk=campaign.pk).values_list("course__grants_id", flat=True).first()
    if type_id is None:
        return 0
    holders = Qualification.objects.filter(valid_q(today or timezone.localdate()), type_id=type_id)
    return Recruit.objects.filter(
        campaign=campaign, stage=Stage.SCREENED, volunteer_id__in=holders.values("volunteer_id")
    ).update(stage=Stage.TRAINED, trained_at=timezone.now())


def _course_text(campaign: Campaign) -> tuple[str, str]:
    course = campaign.course
    if course is None:
        return "", ""
    sessions = list(course_sessions_upcoming(course)[:3])
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(campaign)s: take the induction course %(course)s") % {
            "campaign": campaign.name,
            "course": course.title,
        }
        if sessions:
            when = "；".join(
                f"{s.title} {date_format(timezone.localtime(s.starts_at), 'Y-m-d H:i')}" for s in sessions
            )
            body = _("Next sessions: %(sessions)s. Sign up for one to be deployed.") % {"sessions": when}
        else:
            body = _("No session is planned yet: you will be told when one is.")
    return str(title), str(body)


def _push_course(campaign: Campaign, volunteers) -> int:
    title, body = _course_text(campaign)
    if not title:
        return 0
    url = reverse("activities:course_detail", args=[campaign.course_id])
    key = f"campaign-course:{campaign.pk}:{timezone.localdate().isoformat()}"
    sent = 0
    for volunteer in volunteers:
        if notify(user=volunteer.user, kind=KIND_COURSE, title=title, body=body, url=url, dedupe_key=key):
            sent += 1
    return sent


def campaign_course_push(*, actor, campaign: Campaign, request=None) -> int:
    """Tell every screened recruit (not yet trained) of the induction course and its next sessions,
    in-app and by SMS as each prefers; once a day at most per recruit. Returns how many were told."""
    _not_ended(campaign)
    if campaign.course_id is None:
        raise FieldErrors({"course": [_("This campaign has no induction course.")]})
    recruits_refresh_trained(campaign=campaign)
    volunteers = Volunteer.objects.filter(
        pk__in=Recruit.objects.filter(campaign=campaign, stage=Stage.SCREENED).values("volunteer_id")
    ).select_related("user", "user__notification_preference")
    with transaction.atomic():
        sent = _push_course(campaign, volunteers)
        audit_log(action="campaign_course_pushed", actor=actor, obj=campaign, request=request, count=sent)
    return sent


# --- deployment ---------------------------------------------------------------------------------------


@dataclass
class Placement:
    recruit_id: int
    volunteer_id: int
    name: str
    shift_id: int | None = None
    shift_label: str = ""
    reason: str = ""
    message: str = ""


@dataclass
class AssignResult:
    placements: list[Placement] = field(default_factory=list)
    per_shift: dict[int, int] = field(default_factory=dict)

    @property
    def placed(self) -> list[Placement]:
        return [p for p in self.placements if p.shift_id]

    @property
    def unplaced(self) -> list[Placement]:
        return [p for p in self.placements if not p.shift_id]


def recruits_assign(
    *,
    actor,
    campaign: Campaign,
    shifts: list[Shift],
    town: Region | None = None,
    recruit_ids: list[int] | None = None,
    request=None,
) -> AssignResult:
    """Place the campaign's trained recruits (all, those of `town`, or those in `recruit_ids`) on
    the shifts, filling them in the order given (earliest trained first). Each shift goes through
    activities' `enrollments_place` (the sign-up rules and the guarded counter: never overbooked) in
    its own transaction together with the placed recruits' move to "deployed". A recruit not placed
    is reported FULL when a shift he could take had no place left, otherwise with the first rule
    that refused him (OVERLAPS, MISSING_QUALIFICATION, …)."""
    _not_ended(campaign)
    recruits = Recruit.objects.filter(campaign=campaign, stage=Stage.TRAINED).select_related("volunteer")
    if town is not None:
        recruits = recruits.filter(town=town)
    if recruit_ids is not None:
        recruits = recruits.filter(pk__in=recruit_ids)
    rows = list(recruits.order_by("trained_at", "pk"))
    result = AssignResult(placements=[Placement(r.pk, r.volunteer_id, r.volunteer.real_name) for r in rows])
    by_volunteer = {p.volunteer_id: p for p in result.placements}
    remaining = [p.volunteer_id for p in result.placements]
    for shift in shifts:
        if not remaining:
            break
        with transaction.atomic():
            created, refused = enrollments_place(
                actor=actor, shift=shift, volunteers=remaining, agreement_accepted=True
            )
            placed_ids = [e.volunteer_id for e in created]
            if placed_ids:
                Recruit.objects.filter(
                    campaign=campaign, volunteer_id__in=placed_ids, stage=Stage.TRAINED
                ).update(stage=Stage.DEPLOYED, shift=shift, deployed_at=timezone.now())
        label = f"{shift.activity.title} · {shift.name}"
        result.per_shift[shift.pk] = len(placed_ids)
        for volunteer_id in placed_ids:
            p = by_volunteer[volunteer_id]
            p.shift_id, p.shift_label, p.reason, p.message = shift.pk, label, "", ""
        for volunteer_id, (code, message) in refused.items():
            p = by_volunteer[volunteer_id]
            # FULL wins: the recruit could have gone there with a place left (more shifts help);
            # otherwise the first rule that refused him explains.
            if not p.reason or (code == "FULL" and p.reason != "FULL"):
                p.reason, p.message = code, f"{label}: {message}"
        placed = set(placed_ids)
        remaining = [v for v in remaining if v not in placed]
    with transaction.atomic():
        audit_log(
            action="campaign_recruits_assigned",
            actor=actor,
            obj=campaign,
            request=request,
            shifts=[s.pk for s in shifts],
            candidates=len(rows),
            placed=len(result.placed),
            unplaced=len(result.unplaced),
        )
    return result


# --- messages -----------------------------------------------------------------------------------------


def campaign_blast_send(
    *,
    actor,
    campaign: Campaign,
    title: str,
    body: str = "",
    stage: str = "",
    town: Region | None = None,
    request=None,
) -> CampaignBlast:
    """Send a message to the recruits of a stage and/or town: in the notification centre, and by
    SMS / e-mail as each recruit prefers (notifications.notify). Recorded with its recipients."""
    _not_ended(campaign)
    title = (title or "").strip()
    if not title:
        raise FieldErrors({"title": [_("Write the message's title.")]})
    if stage and stage not in Stage.values:
        raise FieldErrors({"stage": [_("Choose a stage.")]})
    q = Q(campaign=campaign)
    if stage:
        q &= Q(stage=stage)
    if town is not None:
        q &= Q(town=town)
    users = Volunteer.objects.filter(pk__in=Recruit.objects.filter(q).values("volunteer_id")).select_related(
        "user", "user__notification_preference"
    )
    with transaction.atomic():
        blast = CampaignBlast.objects.create(
            campaign=campaign, stage=stage, town=town, title=title[:120], body=body or "", sent_by=actor
        )
        count = 0
        for volunteer in users:
            if notify(
                user=volunteer.user,
                kind=KIND_BLAST,
                title=blast.title,
                body=blast.body,
                dedupe_key=blast.dedupe_key,
            ):
                count += 1
        CampaignBlast.objects.filter(pk=blast.pk).update(recipients=count)
        blast.recipients = count
        audit_log(action="campaign_blast_sent", actor=actor, obj=blast, request=request, recipients=count)
    return blast
