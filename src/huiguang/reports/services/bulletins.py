"""Bulletins: generated (by the monthly task or on demand by the city admin), reviewed, published.

A bulletin is generated as a draft from the rollups (figures.bulletin_figures) with its PDF and
.xlsx; generating again replaces a draft's or a reviewed bulletin's figures (back to draft); a
published bulletin never changes: the guarded UPDATE … WHERE status <> 'published' (and the
status check before it) refuse, and later corrections of the ledger show in the next bulletin's
"corrections since" lines. Review and publish are guarded status transitions, audited.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused

from ..exports.bulletins import bulletin_pdf, bulletin_xlsx
from ..figures import bulletin_figures
from ..models import Bulletin
from ..permissions import may_write_bulletins

B = Bulletin.Status


def parse_month(text: str) -> dt.date:
    """ "2026-11" → 2026-11-01; FieldErrors on anything else or on a month not yet over."""
    try:
        month = dt.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError:
        raise FieldErrors({"month": [_("Give a month as YYYY-MM.")]}) from None
    if month >= timezone.localdate().replace(day=1) or month.year < 2000:
        raise FieldErrors({"month": [_("Give a month that is over.")]})
    return month


def bulletin_generate(*, actor, month: dt.date, request=None) -> Bulletin:
    """The draft bulletin of `month` (its first day), made or made again from the rollups.
    `actor` None: the monthly task."""
    if actor is not None and not may_write_bulletins(actor):
        raise PermissionDenied
    month = month.replace(day=1)
    figures = bulletin_figures(month)
    now = timezone.now()
    pdf, xlsx = bulletin_pdf(month, figures, generated_at=now), bulletin_xlsx(month, figures)
    by = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        bulletin, created = Bulletin.objects.get_or_create(
            month=month,
            defaults={"snapshot": figures, "pdf": pdf, "xlsx": xlsx, "generated_at": now, "generated_by": by},
        )
        if not created:
            updated = (
                Bulletin.objects.filter(pk=bulletin.pk)
                .exclude(status=B.PUBLISHED)
                .update(
                    snapshot=figures,
                    pdf=pdf,
                    xlsx=xlsx,
                    generated_at=now,
                    generated_by=by,
                    status=B.DRAFT,
                    reviewed_at=None,
                    reviewed_by=None,
                )
            )
            if not updated:
                raise Refused("PUBLISHED", _("This bulletin is published: it never changes."))
        audit_log(action="bulletin.generate", actor=by, obj=bulletin, request=request, month=f"{month:%Y-%m}")
    bulletin.refresh_from_db()
    return bulletin


def _move(*, actor, bulletin: Bulletin, frm: str, to: str, request=None) -> Bulletin:
    if not may_write_bulletins(actor):
        raise PermissionDenied
    now = timezone.now()
    fields = {"reviewed_at": now, "reviewed_by": actor} if to == B.REVIEWED else {}
    if to == B.PUBLISHED:
        fields = {"published_at": now, "published_by": actor}
    with transaction.atomic():
        if not Bulletin.objects.filter(pk=bulletin.pk, status=frm).update(status=to, **fields):
            raise Refused(
                "WRONG_STATUS",
                _("Only a bulletin in the status “%(status)s” can be moved on.") % {"status": B(frm).label},
            )
        audit_log(
            action="bulletin.publish" if to == B.PUBLISHED else "bulletin.review",
            actor=actor,
            obj=bulletin,
            request=request,
            month=f"{bulletin.month:%Y-%m}",
        )
    bulletin.refresh_from_db()
    return bulletin


def bulletin_review(*, actor, bulletin: Bulletin, request=None) -> Bulletin:
    """A draft read and found right: reviewed (a second look before publishing)."""
    return _move(actor=actor, bulletin=bulletin, frm=B.DRAFT, to=B.REVIEWED, request=request)


def bulletin_publish(*, actor, bulletin: Bulletin, request=None) -> Bulletin:
    """A reviewed bulletin published: from now on it never changes and the public sees it."""
    return _move(
        actor=actor,
        bulletin=bulletin,
        frm=B.REVIEWED,
        to=B.PUBLISHED,
        request=request,
    )


def bulletin_generate_due(*, today: dt.date | None = None) -> Bulletin | None:
    """The monthly task's work: the draft of last month's bulletin, unless it exists already
    (a draft being reviewed is not regenerated behind the reviewer's back). Run daily, it makes the
    bulletin on the 1st and catches up on a missed day."""
    today = today or timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if Bulletin.objects.filter(month=month).exists():
        return None
    return bulletin_generate(actor=None, month=month)
