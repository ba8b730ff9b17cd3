"""Who may claim an offer, and why not: one function decides (like activities' enrollment_check),
the web page, the API and the claim service all ask it, and every "no" comes with its reasons.

`volunteer_facts` reads what the rules need about a volunteer once (star, score, region, claims in
the current periods of the offers on the page), so a list of offers is checked in a constant
number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.credit.selectors import latest_snapshot
from huiguang.ledger.models import VolunteerHours

from .models import Offer, Partner, Redemption

REASONS = {
    "CLOSED": _("This offer is not open for claims now."),
    "SOLD_OUT": _("None left: every unit has been claimed."),
    "STAR": _("Needs a volunteer star of at least %(n)s."),
    "SCORE": _("Needs a credit score of at least %(n)s."),
    "NO_SCORE": _("Needs a credit score of at least %(n)s; yours has not been computed yet."),
    "NEW_RESIDENT": _("For new residents (新居民) only."),
    "REGION": _("Only for residents of %(region)s."),
    "QUOTA": _("You have claimed it %(n)s times %(period)s already, the most allowed."),
    "PARTNER": _("The partner is not taking part at the moment."),
}


def period_key(period: str, at: dt.datetime | None = None) -> str:
    """The quota's period that `at` falls in, in local time: "2026-12-06", "2026-W49", "2026-12",
    "2026" or "ever"."""
    day = timezone.localdate(at or timezone.now())
    if period == Offer.Period.DAY:
        return day.isoformat()
    if period == Offer.Period.WEEK:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == Offer.Period.MONTH:
        return f"{day:%Y-%m}"
    if period == Offer.Period.YEAR:
        return f"{day:%Y}"
    return "ever"


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass
class Decision:
    ok: bool
    reasons: list[Reason] = field(default_factory=list)

    @property
    def first(self) -> Reason | None:
        return self.reasons[0] if self.reasons else None


@dataclass
class VolunteerFacts:
    star: int
    score: int | None
    region_path: str
    new_resident: bool
    claims: dict[tuple[int, str], int]  # (offer id, period key) → claims that count


def credit_score_of(volunteer) -> int | None:
    """The volunteer's latest credit score (志愿信用分), or None while none has been computed."""
    snapshot = latest_snapshot(volunteer)
    return snapshot.score if snapshot is not None else None


def volunteer_facts(volunteer, offers, at: dt.datetime | None = None) -> VolunteerFacts:
    offer_ids = [o.pk for o in offers]
    keys = {period_key(p, at) for p in Offer.Period.values}
    rows = (
        Redemption.objects.filter(
            volunteer=volunteer, offer_id__in=offer_ids, period_key__in=keys, cancelled_at__isnull=True
        )
        .values("offer_id", "period_key")
        .annotate(n=Count("pk"))
    )
    hours = VolunteerHours.objects.filter(volunteer=volunteer).values_list("star", flat=True).first()
    region = volunteer.residence_region
    return VolunteerFacts(
        star=hours or 0,
        score=credit_score_of(volunteer),
        region_path=region.path if region is not None else "",
        new_resident=volunteer.is_new_resident,
        claims={(r["offer_id"], r["period_key"]): r["n"] for r in rows},
    )


def offer_check(offer: Offer, facts: VolunteerFacts, at: dt.datetime | None = None) -> Decision:
    """Every reason why the volunteer may not claim `offer` now (none: they may)."""
    at = at or timezone.now()
    reasons: list[Reason] = []

    def no(code: str, **params) -> None:
        reasons.append(Reason(code, str(REASONS[code]) % params if params else str(REASONS[code])))

    if offer.partner.status != Partner.Status.ACTIVE:
        no("PARTNER")
    if not offer.is_open(at):
        no("CLOSED")
    elif offer.taken >= offer.stock:
        no("SOLD_OUT")
    if facts.star < offer.min_star:
        no("STAR", n=offer.min_star)
    if offer.min_score is not None:
        if facts.score is None:
            no("NO_SCORE", n=offer.min_score)
        elif facts.score < offer.min_score:
            no("SCORE", n=offer.min_score)
    if offer.new_residents_only and not facts.new_resident:
        no("NEW_RESIDENT")
    region = offer.region
    if region is not None and not facts.region_path.startswith(region.path):
        no("REGION", region=region.name)
    used = facts.claims.get((offer.pk, period_key(offer.period, at)), 0)
    if used >= offer.quota:
        no("QUOTA", n=used, period=offer.get_period_display())
    return Decision(ok=not reasons, reasons=reasons)
