"""A published competition's awards as honors of the entries' projects (issue 12).

Automatic: when the city publishes a competition's results, the receiver of projects'
`results_published` signal (credit/receivers.py) records every award in the same transaction.
By hand: the console's "record the awards as honors" action does the same for a competition
published before honors were kept (or after an award was added by a data fix). Either way an award
becomes at most one honor: `Honor.award` is unique, rows already there are skipped, and a
concurrent second run inserts nothing (the database's unique key, not a check before the insert).

A project's honor feeds no volunteer's score (docs/credit.md).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import Refused
from huiguang.projects.models import Award, Competition

from ..models import Honor
from ..permissions import may_manage_credit


def _issuer(competition: Competition) -> str:
    hosts = "、".join(o.name for o in competition.co_hosts.order_by("name", "pk"))
    return (hosts or competition.name)[:200]


def _record(*, actor, competition: Competition, request=None) -> int:
    """Writes the missing honors; returns how many were written."""
    awards = list(
        Award.objects.filter(entry__competition=competition, honor__isnull=True)
        .select_related("level", "entry__project")
        .order_by("pk")
    )
    if not awards:
        return 0
    published = competition.published_at or timezone.now()
    awarded_on = timezone.localdate(published)
    issuer = _issuer(competition)
    honors = [
        Honor(
            project=award.entry.project,
            award=award,
            title=f"{competition.name} · {award.level.name}"[:200],
            level=Honor.Level.CITY,
            issuer=issuer,
            awarded_on=awarded_on,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for award in awards
    ]
    with transaction.atomic():
        before = Honor.objects.filter(award__in=awards).count()
        # ignore_conflicts: a concurrent run that wrote an award's honor first wins; this one skips it.
        Honor.objects.bulk_create(honors, ignore_conflicts=True)
        written = Honor.objects.filter(award__in=awards).count() - before
        audit_log(
            action="honor.awards_record",
            actor=actor,
            obj=competition,
            request=request,
            written=written,
        )
    return written


def award_honors_record(*, actor, competition: Competition, request=None) -> int:
    """Every award of a published competition as an honor of its entry's project, once.
    Returns the number of honors written (0 when every award already has its honor)."""
    if not may_manage_credit(actor):
        raise PermissionDenied
    if competition.status != Competition.Status.PUBLISHED:
        raise Refused("not_published", _("Only the awards of published results become honors."))
    return _record(actor=actor, competition=competition, request=request)
