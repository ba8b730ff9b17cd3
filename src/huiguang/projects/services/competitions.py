"""Writes of competitions: the competition with its co-hosts, tracks, rounds, criteria, judges and
award levels (the organizers), entries with their materials (the managers of the project's owning
organization) and the organizers' eligibility review. Scoring, ranking, advancement, awards and
publishing are in services/judging.py.

Every write leaves an audit entry. Materials are checked by their content: images by
core/images.py (re-encoded), the application form must be a whole PDF of at most 10 MB.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import image_check

from ..models import AwardLevel, Competition, Criterion, Entry, EntryImage, Judge, Project, Round, Track
from ..permissions import may_create_competitions, may_enter, may_organize
from .common import require, text_field

MB = 1024 * 1024
MAX_PDF_BYTES = 10 * MB
MAX_IMAGES = 6


def pdf_check(upload, *, field: str) -> None:
    """A whole PDF: the header at the start, the end-of-file marker near the end, 10 MB at most."""
    if upload.size > MAX_PDF_BYTES:
        raise FieldErrors({field: [_("The file is larger than 10 MB.")]})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(max(0, upload.size - 1024))
    tail = upload.read()
    upload.seek(0)
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise FieldErrors({field: [_("The file must be a PDF document.")]})


def _require_open(competition: Competition) -> None:
    if competition.status == Competition.Status.PUBLISHED:
        raise Refused(
            "published", _("The results of this competition are published: it is no longer changed.")
        )


def competition_create(
    *,
    actor,
    name: str,
    year: int,
    entries_close_on: dt.date,
    co_hosts=(),
    description: str = "",
    entry_rules: str = "",
    blind_review: bool = False,
    tracks=(),
    request=None,
) -> Competition:
    require(may_create_competitions(actor))
    name = text_field(name, field="name", max_length=120)
    if Competition.objects.filter(name=name).exists():
        raise FieldErrors({"name": [_("A competition with this name exists.")]})
    with transaction.atomic():
        competition = Competition.objects.create(
            name=name,
            year=year,
            entries_close_on=entries_close_on,
            description=description,
            entry_rules=entry_rules,
            blind_review=blind_review,
            created_by=actor,
        )
        competition.co_hosts.set(co_hosts)
        for track in {t.strip() for t in tracks if t.strip()}:
            Track.objects.create(competition=competition, name=track[:60])
        audit_log(action="competition_created", actor=actor, obj=competition, request=request)
    return competition


def track_add(*, actor, competition: Competition, name: str, request=None) -> Track:
    require(may_organize(actor, competition))
    _require_open(competition)
    name = text_field(name, field="name", max_length=60)
    if competition.tracks.filter(name=name).exists():
        raise FieldErrors({"name": [_("This track exists.")]})
    with transaction.atomic():
        track = Track.objects.create(competition=competition, name=name)
        audit_log(action="competition_changed", actor=actor, obj=competition, request=request, track=name)
    return track


def round_add(
    *,
    actor,
    competition: Competition,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    advance_count: int = 0,
    venue: str = "",
    request=None,
) -> Round:
    """The next round of the competition (numbered after the last one)."""
    require(may_organize(actor, competition))
    _require_open(competition)
    name = text_field(name, field="name", max_length=40)
    if ends_on < starts_on:
        raise FieldErrors({"ends_on": [_("The end must not be before the start.")]})
    with transaction.atomic():
        last = Round.objects.select_for_update().filter(competition=competition).order_by("-number").first()
        if last is not None and starts_on < last.ends_on:
            raise FieldErrors({"starts_on": [_("A round starts after the previous round ends.")]})
        rnd = Round.objects.create(
            competition=competition,
            number=(last.number + 1) if last else 1,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            advance_count=advance_count,
            venue=venue,
        )
        audit_log(action="competition_changed", actor=actor, obj=competition, request=request, round=name)
    return rnd


def criterion_add(*, actor, round: Round, name: str, weight: int, request=None) -> Criterion:
    require(may_organize(actor, round.competition))
    _require_open(round.competition)
    name = text_field(name, field="name", max_length=60)
    if not 1 <= weight <= 100:
        raise FieldErrors({"weight": [_("Enter a weight from 1 to 100.")]})
    if round.scores_exist():
        raise Refused("scored", _("Judges have scored this round: its criteria are fixed."))
    if round.criteria.filter(name=name).exists():
        raise FieldErrors({"name": [_("This criterion exists.")]})
    with transaction.atomic():
        criterion = Criterion.objects.create(round=round, name=name, weight=weight)
        audit_log(
            action="competition_changed", actor=actor, obj=round.competition, request=request, criterion=name
        )
    return criterion


def judge_add(*, actor, round: Round, user, conflicts=(), request=None) -> Judge:
    require(may_organize(actor, round.competition))
    _require_open(round.competition)
    with transaction.atomic():
        try:
            with transaction.atomic():
                judge = Judge.objects.create(user=user, competition=round.competition, round=round)
        except IntegrityError:
            raise FieldErrors({"phone": [_("This person already judges this round.")]}) from None
        judge.conflicts.set(conflicts)
        audit_log(
            action="judge_added",
            actor=actor,
            obj=round.competition,
            request=request,
            judge=user.pk,
            round=round.number,
            conflicts=sorted(o.pk for o in conflicts),
        )
    return judge


def award_level_add(*, actor, competition: Competition, name: str, prize_fen: int, places: int, request=None):
    require(may_organize(actor, competition))
    _require_open(competition)
    name = text_field(name, field="name", max_length=60)
    if competition.award_levels.filter(name=name).exists():
        raise FieldErrors({"name": [_("This award level exists.")]})
    with transaction.atomic():
        level = AwardLevel.objects.create(
            competition=competition, name=name, prize_fen=prize_fen, places=places
        )
        audit_log(
            action="competition_changed", actor=actor, obj=competition, request=request, award_level=name
        )
    return level


def entry_submit(
    *,
    actor,
    competition: Competition,
    project: Project,
    track: Track,
    summary: str,
    application_form,
    images=(),
    request=None,
) -> Entry:
    """An organization enters one of its projects, with the application form (PDF) and images."""
    require(may_enter(actor, project))
    if competition.status != Competition.Status.OPEN or timezone.localdate() > competition.entries_close_on:
        raise Refused("closed", _("This competition no longer takes entries."))
    if track.competition_id != competition.pk:
        raise FieldErrors({"track": [_("Choose a track of this competition.")]})
    if project.status == Project.Status.CLOSED:
        raise FieldErrors({"project": [_("A closed project cannot be entered.")]})
    summary = text_field(summary, field="summary", max_length=2000)
    if application_form is None:
        raise FieldErrors({"application_form": [_("Attach the application form (PDF).")]})
    pdf_check(application_form, field="application_form")
    images = list(images)
    if len(images) > MAX_IMAGES:
        raise FieldErrors({"images": [_("Attach at most %(n)d images.") % {"n": MAX_IMAGES}]})
    checked = [image_check(upload, field="images") for upload in images]
    with transaction.atomic():
        if Entry.objects.filter(competition=competition, project=project).exists():
            raise FieldErrors({"project": [_("This project is already entered.")]})
        entry = Entry(
            competition=competition,
            track=track,
            project=project,
            organization=project.organization,
            summary=summary,
            submitted_by=actor,
        )
        entry.application_form.save(f"{uuid.uuid4().hex[:16]}.pdf", application_form, save=False)
        entry.save()
        for upload, check in zip(images, checked, strict=True):
            image = EntryImage(entry=entry)
            image.image.save(f"{uuid.uuid4().hex[:16]}{check.extension}", upload, save=False)
            image.save()
        audit_log(
            action="entry_submitted", actor=actor, obj=entry, request=request, competition=competition.pk
        )
    return entry


def entry_review(*, actor, entry: Entry, eligible: bool, note: str = "", request=None) -> Entry:
    """The organizers' eligibility review: an eligible entry enters the first round."""
    competition = entry.competition
    require(may_organize(actor, competition))
    _require_open(competition)
    note = text_field(note, field="note", max_length=200, required=not eligible)
    first = competition.rounds.order_by("number").first()
    if eligible and first is None:
        raise Refused("no_round", _("Add the rounds before admitting entries."))
    if first is not None and first.status == Round.Status.CLOSED:
        raise Refused("round_closed", _("The first round is closed: entries are no longer admitted."))
    with transaction.atomic():
        entry.status = Entry.Status.ELIGIBLE if eligible else Entry.Status.INELIGIBLE
        entry.review_note = note
        entry.current_round = first if eligible else None
        entry.save(update_fields=["status", "review_note", "current_round"])
        audit_log(action="entry_reviewed", actor=actor, obj=entry, request=request, eligible=eligible)
    return entry
