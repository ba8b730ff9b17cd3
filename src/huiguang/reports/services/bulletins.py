"""Bulletins: generated (by the monthly task or on demand by the city admin), reviewed, published.

A bulletin is generated as a draft from the rollups (figures.bulletin_figures): its snapshot. Its
PDF and .xlsx are renderings of that snapshot, made when first downloaded (`bulletin_files`) and
at the latest when it is published, then kept: generating is the figures alone, which the city
admin waits for, and a draft regenerated three times before review is not rendered three times.
Generating again replaces a draft's or a reviewed bulletin's figures (back to draft, files
dropped); a published bulletin never changes: the guarded UPDATE … WHERE status <> 'published' (and the
status check before it) refuse, and later corrections of the ledger show in the next bulletin's
"corrections since" lines. Review and publish are guarded status transitions, audited.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
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
    by = actor if actor is not None and actor.is_authenticated else None
    # The files are dropped: rendered from the new snapshot when first needed (bulletin_files).
    fields = {
        "snapshot": figures,
        "pdf": b"",
        "xlsx": b"",
        "generated_at": timezone.now(),
        "generated_by": by,
    }
    # The row is read without its snapshot and files (a county's snapshot is some 300 KB of JSON)
    # and written once.
    light = Bulletin.objects.only("pk", "month", "status")
    with transaction.atomic():
        bulletin, created = next(iter(light.filter(month=month).order_by()[:1]), None), False
        if bulletin is None:
            try:
                with transaction.atomic():
                    bulletin, created = Bulletin.objects.create(month=month, **fields), True
            except IntegrityError:  # generated at the same moment by another request: made again
                bulletin = light.get(month=month)
        if not created:
            updated = (
                Bulletin.objects.filter(pk=bulletin.pk)
                .exclude(status=B.PUBLISHED)
                .update(**fields, status=B.DRAFT, reviewed_at=None, reviewed_by=None)
            )
            if not updated:
                raise Refused("PUBLISHED", _("This bulletin is published: it never changes."))
        audit_log(action="bulletin.generate", actor=by, obj=bulletin, request=request, month=f"{month:%Y-%m}")
    for name, value in {**fields, "status": B.DRAFT, "reviewed_at": None, "reviewed_by": None}.items():
        setattr(bulletin, name, value)  # what was written, without reading 300 KB back
    return bulletin


def _rendered(bulletin: Bulletin) -> dict[str, bytes]:
    """The bulletin's PDF and .xlsx: those kept, or rendered from its snapshot (as generated)."""
    if bytes(bulletin.pdf) and bytes(bulletin.xlsx):
        return {"pdf": bytes(bulletin.pdf), "xlsx": bytes(bulletin.xlsx)}
    return {
        "pdf": bulletin_pdf(bulletin.month, bulletin.snapshot, generated_at=bulletin.generated_at),
        "xlsx": bulletin_xlsx(bulletin.month, bulletin.snapshot),
    }


def bulletin_files(bulletin: Bulletin) -> Bulletin:
    """The bulletin with its PDF and .xlsx, rendered from the snapshot on first need and kept. The
    guard on `generated_at` keeps a rendering of figures regenerated meanwhile from being stored
    over the new ones' (their own rendering comes on their first download). A published bulletin
    has its files from publication on (bulletin_publish), so this never writes to one."""
    if bytes(bulletin.pdf) and bytes(bulletin.xlsx):
        return bulletin
    files = _rendered(bulletin)
    Bulletin.objects.filter(pk=bulletin.pk, generated_at=bulletin.generated_at).exclude(
        status=B.PUBLISHED
    ).update(**files)
    bulletin.pdf, bulletin.xlsx = files["pdf"], files["xlsx"]
    return bulletin


def _move(*, actor, bulletin: Bulletin, frm: str, to: str, request=None) -> Bulletin:
    if not may_write_bulletins(actor):
        raise PermissionDenied
    now = timezone.now()
    fields = {"reviewed_at": now, "reviewed_by": actor} if to == B.REVIEWED else {}
    if to == B.PUBLISHED:
        # What is published is the snapshot with its files: rendered now if nobody downloaded them
        # during the review.
        fields = {"published_at": now, "published_by": actor, **_rendered(bulletin)}
    with transaction.atomic():
        # Guarded by the status and by the figures read: a bulletin generated again since the
        # reader loaded it is not reviewed or published unseen (nor with the old figures' files).
        guarded = Bulletin.objects.filter(pk=bulletin.pk, status=frm)
        if not guarded.filter(generated_at=bulletin.generated_at).update(status=to, **fields):
            if guarded.exists():
                raise Refused(
                    "REGENERATED",
                    _("This bulletin was generated again meanwhile: read the new figures first."),
                )
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
