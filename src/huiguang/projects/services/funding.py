"""Funding tracked to the end: funders, programmes, grants, milestones, disbursements, mentors and
milestone reports with their review.

Locking (docs/locking.md, "grant disbursements"): the sum of a grant's disbursements never exceeds
the grant. `disbursement_create` runs in one short transaction that
1. on PostgreSQL locks the grant row (`SELECT … FOR NO KEY UPDATE`); on SQLite the IMMEDIATE
   transaction already holds the database's write lock from BEGIN;
2. raises the guarded counter with one statement,
   `UPDATE grant SET paid_fen = paid_fen + :amount WHERE id = :id AND paid_fen + :amount <= amount_fen`,
   and lets the row count decide (0 rows: refused, nothing written);
3. inserts the disbursement in the same transaction.
Only this module changes `paid_fen`; the check constraint `grant_paid_within_amount` is the
database's last word.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import image_check
from huiguang.network.models import Grant as RoleGrant
from huiguang.notifications.services import notify

from ..models import (
    Disbursement,
    Funder,
    Grant,
    Milestone,
    MilestoneReport,
    Programme,
    Project,
    ProjectMentor,
    ReportPhoto,
    SpendingLine,
)
from ..permissions import may_manage_funding, may_manage_project, may_review
from .common import require, text_field

M = Milestone.Status
MAX_REPORT_PHOTOS = 9
MAX_SPENDING_LINES = 30


def funder_create(
    *, actor, name: str, kind: str, contact_name: str = "", contact_phone: str = "", request=None
) -> Funder:
    require(may_manage_funding(actor))
    name = text_field(name, field="name", max_length=120)
    if kind not in Funder.Kind.values:
        raise FieldErrors({"kind": [_("Choose a kind.")]})
    try:
        with transaction.atomic():
            funder = Funder.objects.create(
                name=name, kind=kind, contact_name=contact_name, contact_phone=contact_phone
            )
            audit_log(action="funder_created", actor=actor, obj=funder, request=request)
    except IntegrityError:
        raise FieldErrors({"name": [_("A funder of this name exists already.")]}) from None
    return funder


def programme_create(
    *, actor, name: str, year: int, funder: Funder, budget_fen: int, description: str = "", request=None
) -> Programme:
    require(may_manage_funding(actor))
    name = text_field(name, field="name", max_length=120)
    try:
        with transaction.atomic():
            programme = Programme.objects.create(
                name=name, year=year, funder=funder, budget_fen=budget_fen, description=description
            )
            audit_log(action="programme_created", actor=actor, obj=programme, request=request)
    except IntegrityError:
        raise FieldErrors({"name": [_("A programme of this name exists already.")]}) from None
    return programme


def grant_create(
    *,
    actor,
    project: Project,
    funder: Funder,
    amount_fen: int,
    purpose: str,
    awarded_on: dt.date,
    programme: Programme | None = None,
    request=None,
) -> Grant:
    require(may_manage_funding(actor))
    purpose = text_field(purpose, field="purpose", max_length=200)
    if amount_fen <= 0:
        raise FieldErrors({"amount": [_("Enter an amount between 0.01 and 100,000,000 yuan.")]})
    if project.status == Project.Status.CLOSED:
        raise Refused("closed", _("A closed project gets no new grant."))
    with transaction.atomic():
        grant = Grant.objects.create(
            project=project,
            funder=funder,
            programme=programme,
            amount_fen=amount_fen,
            purpose=purpose,
            awarded_on=awarded_on,
            created_by=actor,
        )
        audit_log(
            action="funding_grant_created", actor=actor, obj=grant, request=request, amount_fen=amount_fen
        )
    return grant


def milestone_create(
    *, actor, grant: Grant, title: str, due_on: dt.date, deliverables: str = "", request=None
) -> Milestone:
    require(may_manage_funding(actor))
    title = text_field(title, field="title", max_length=120)
    if grant.status == Grant.Status.CLOSED:
        raise Refused("closed", _("The grant is closed."))
    with transaction.atomic():
        milestone = Milestone.objects.create(
            grant=grant, title=title, due_on=due_on, deliverables=deliverables
        )
        audit_log(action="milestone_created", actor=actor, obj=milestone, request=request, grant=grant.pk)
    return milestone


def _lock_grant(grant_id: int) -> None:
    """The grant's row, locked until commit (PostgreSQL; a no-op on SQLite)."""
    list(Grant.objects.select_for_update(no_key=True).filter(pk=grant_id).values_list("pk"))


def _claim(grant: Grant, amount_fen: int) -> bool:
    """The guarded counter: raise `paid_fen` by `amount_fen` only while it stays within the grant."""
    return bool(
        Grant.objects.filter(pk=grant.pk, paid_fen__lte=F("amount_fen") - amount_fen).update(
            paid_fen=F("paid_fen") + amount_fen
        )
    )


def disbursement_create(
    *,
    actor,
    grant: Grant,
    amount_fen: int,
    paid_on: dt.date,
    milestone: Milestone | None = None,
    note: str = "",
    request=None,
) -> Disbursement:
    """Pay part of a grant. Refused (nothing written) when it would take the payments past the grant."""
    require(may_manage_funding(actor))
    note = text_field(note, field="note", max_length=200, required=False)
    if amount_fen <= 0:
        raise FieldErrors({"amount": [_("Enter an amount between 0.01 and 100,000,000 yuan.")]})
    if milestone is not None and milestone.grant_id != grant.pk:
        raise FieldErrors({"milestone": [_("Choose a milestone of this grant.")]})
    if grant.status == Grant.Status.CLOSED:
        raise Refused("closed", _("The grant is closed."))
    with transaction.atomic():
        _lock_grant(grant.pk)
        if not _claim(grant, amount_fen):
            raise Refused("over_grant", _("This payment would take the payments past the grant's amount."))
        disbursement = Disbursement.objects.create(
            grant=grant,
            milestone=milestone,
            amount_fen=amount_fen,
            paid_on=paid_on,
            note=note,
            created_by=actor,
        )
        audit_log(
            action="disbursement_created", actor=actor, obj=grant, request=request, amount_fen=amount_fen
        )
    grant.refresh_from_db(fields=["paid_fen"])
    return disbursement


def mentor_assign(*, actor, project: Project, user, request=None) -> ProjectMentor:
    """Make `user` (a league cadre) the project's mentor; the previous mentor steps down."""
    require(may_manage_funding(actor))
    if not user.is_active:
        raise FieldErrors({"mentor": [_("This account is not active.")]})
    with transaction.atomic():
        list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
        ProjectMentor.objects.filter(project=project, active=True).exclude(user=user).update(active=False)
        mentor, _created = ProjectMentor.objects.get_or_create(
            project=project, user=user, active=True, defaults={"assigned_by": actor}
        )
        audit_log(action="mentor_assigned", actor=actor, obj=project, request=request, mentor=user.pk)
    return mentor


def milestone_report_submit(
    *, actor, milestone: Milestone, text: str, photos=(), spending=(), request=None
) -> MilestoneReport:
    """A project's report on a milestone: text, photos and spending lines [(item, amount_fen,
    receipt upload or None)]. Every upload is checked before anything is written."""
    project = milestone.grant.project
    require(may_manage_project(actor, project))
    text = text_field(text, field="text", max_length=5000)
    if milestone.status in (M.REPORTED, M.ACCEPTED):
        raise Refused("already_reported", _("This milestone's report waits for review or was accepted."))
    if len(photos) > MAX_REPORT_PHOTOS:
        raise FieldErrors({"photos": [_("At most %(n)d photos.") % {"n": MAX_REPORT_PHOTOS}]})
    if len(spending) > MAX_SPENDING_LINES:
        raise FieldErrors({"spending": [_("At most %(n)d spending lines.") % {"n": MAX_SPENDING_LINES}]})
    checked_photos = [(upload, image_check(upload, field="photos")) for upload in photos]
    lines = []
    for item, amount_fen, receipt in spending:
        item = text_field(item, field="spending", max_length=120)
        if amount_fen <= 0:
            raise FieldErrors({"spending": [_("Enter an amount between 0.01 and 100,000,000 yuan.")]})
        lines.append((item, amount_fen, receipt, image_check(receipt, field="spending") if receipt else None))
    with transaction.atomic():
        updated = Milestone.objects.filter(pk=milestone.pk, status__in=(M.OPEN, M.RETURNED)).update(
            status=M.REPORTED
        )
        if not updated:
            raise Refused("already_reported", _("This milestone's report waits for review or was accepted."))
        report = MilestoneReport.objects.create(milestone=milestone, text=text, submitted_by=actor)
        for upload, checked in checked_photos:
            photo = ReportPhoto(report=report, width=checked.width, height=checked.height)
            photo.image.save(f"{report.pk}-{uuid.uuid4().hex[:12]}{checked.extension}", upload, save=False)
            photo.save()
        for item, amount_fen, receipt, receipt_checked in lines:
            line = SpendingLine(report=report, item=item, amount_fen=amount_fen)
            if receipt and receipt_checked is not None:
                line.receipt.save(
                    f"{report.pk}-{uuid.uuid4().hex[:12]}{receipt_checked.extension}", receipt, save=False
                )
            line.save()
        audit_log(
            action="milestone_report_submitted", actor=actor, obj=milestone, request=request, report=report.pk
        )
        mentor = ProjectMentor.objects.filter(project=project, active=True).select_related("user").first()
        if mentor is not None:
            notify(
                user=mentor.user,
                kind="milestone_report",
                title=_("A milestone report of %(project)s waits for your review")
                % {"project": project.name},
                body=milestone.title,
                url=reverse("projects:mentor_report", args=[report.pk]),
            )
    milestone.status = M.REPORTED
    return report


def milestone_report_review(
    *, actor, report: MilestoneReport, accept: bool, comment: str, request=None
) -> MilestoneReport:
    """The mentor accepts the report (the milestone is done) or returns it with a comment."""
    milestone = report.milestone
    require(may_review(actor, milestone.grant.project))
    comment = text_field(comment, field="comment", max_length=2000, required=not accept)
    R = MilestoneReport.Status
    with transaction.atomic():
        updated = MilestoneReport.objects.filter(pk=report.pk, status=R.SUBMITTED).update(
            status=R.ACCEPTED if accept else R.RETURNED,
            review_comment=comment,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
        )
        if not updated:
            raise Refused("already_reviewed", _("This report was reviewed already."))
        Milestone.objects.filter(pk=milestone.pk).update(status=M.ACCEPTED if accept else M.RETURNED)
        audit_log(
            action="milestone_report_reviewed",
            actor=actor,
            obj=milestone,
            request=request,
            report=report.pk,
            accepted=accept,
        )
        if report.submitted_by_id:
            notify(
                user=report.submitted_by,
                kind="milestone_report",
                title=(
                    _("Milestone report accepted: %(m)s") if accept else _("Milestone report returned: %(m)s")
                )
                % {"m": milestone.title},
                body=comment,
            )
    report.refresh_from_db()
    return report


def overdue_milestones_notify(*, today: dt.date | None = None) -> int:
    """The daily task: tell each overdue milestone's mentor and the city admins, once per milestone
    (on the day it falls due, or the first run after). Returns how many milestones were flagged."""
    today = today or timezone.localdate()
    due = list(
        Milestone.objects.filter(due_on__lte=today, overdue_notified_on__isnull=True)
        .exclude(status=M.ACCEPTED)
        .select_related("grant__project")
        .order_by("pk")
    )
    if not due:
        return 0
    mentors = {
        m.project_id: m.user
        for m in ProjectMentor.objects.filter(
            project__in={d.grant.project_id for d in due}, active=True
        ).select_related("user")
    }
    city_admins = list(
        get_user_model()
        .objects.filter(
            pk__in=RoleGrant.objects.filter(role=RoleGrant.Role.CITY_ADMIN).values("user_id"), is_active=True
        )
        .order_by("pk")
    )
    flagged = 0
    for milestone in due:
        with transaction.atomic():
            if not Milestone.objects.filter(pk=milestone.pk, overdue_notified_on__isnull=True).update(
                overdue_notified_on=today
            ):
                continue  # another run took it
            project = milestone.grant.project
            title = _("Milestone due: %(m)s (%(p)s)") % {"m": milestone.title, "p": project.name}
            body = _("Due on %(day)s, not yet accepted.") % {"day": milestone.due_on.isoformat()}
            recipients = city_admins + ([mentors[project.pk]] if project.pk in mentors else [])
            for user in {u.pk: u for u in recipients}.values():
                notify(
                    user=user,
                    kind="milestone_overdue",
                    title=title,
                    body=body,
                    dedupe_key=f"milestone-overdue-{milestone.pk}",
                )
            flagged += 1
    return flagged
