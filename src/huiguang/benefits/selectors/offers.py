"""Reads of offers and claims: what a volunteer may claim (and why not), their codes, a partner's
look-up of a code, and the statistics of a partner or the whole city."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from huiguang.core.links import absolute_url
from huiguang.core.selectors import get_or_404

from ..eligibility import Decision, offer_check, volunteer_facts
from ..models import Offer, Partner, Redemption
from ..permissions import may_manage_partners


def offers_of(partner: Partner) -> QuerySet[Offer]:
    return partner.offers.select_related("region", "partner").order_by("-active", "-valid_from", "-pk")


def offer_get_for_admin(user, pk) -> Offer:
    """An offer for the city's console (404 for anyone else)."""
    qs = Offer.objects.select_related("partner", "region")
    return get_or_404(qs if may_manage_partners(user) else qs.none(), pk)


def offers_open() -> QuerySet[Offer]:
    """The offers a volunteer may see: open now, of active partners."""
    now = timezone.now()
    return (
        Offer.objects.filter(
            active=True, valid_from__lte=now, valid_until__gt=now, partner__status=Partner.Status.ACTIVE
        )
        .select_related("partner", "region")
        .order_by("category", "partner__name", "title")
    )


def offer_get_open(pk) -> Offer:
    return get_or_404(offers_open(), pk)


def offers_with_decisions(volunteer, offers=None, *, category: str = "") -> list[tuple[Offer, Decision]]:
    """[(offer, Decision)] for the open offers (eligible first), in a constant number of queries."""
    qs = offers if offers is not None else offers_open()
    if category:
        qs = qs.filter(category=category)
    rows = list(qs)
    facts = volunteer_facts(volunteer, rows)
    pairs = [(offer, offer_check(offer, facts)) for offer in rows]
    pairs.sort(key=lambda p: not p[1].ok)
    return pairs


def redemptions_of(volunteer) -> QuerySet[Redemption]:
    return Redemption.objects.filter(volunteer=volunteer).select_related("offer", "partner")


def redemption_get_of(volunteer, pk) -> Redemption:
    return get_or_404(redemptions_of(volunteer), pk)


def claim_qr_url(claim: Redemption) -> str:
    """The URL in a claim's QR code: a clerk who scans it with any camera lands on their code page."""
    return absolute_url(reverse("benefits:code_link", args=[claim.code]))


def redemption_lookup(partner: Partner, code: str) -> Redemption | None:
    """A code of `partner`'s offers, or None (another partner's codes are never found here)."""
    return (
        Redemption.objects.filter(partner=partner, code=code)
        .select_related("offer", "volunteer", "partner")
        .first()
    )


def _scope(partner: Partner | None) -> Q:
    return Q(partner=partner) if partner is not None else Q()


def offer_statistics(partner: Partner | None = None) -> list[dict]:
    """Per offer: stock, taken, left, claims, redeemed, cancelled (one query)."""
    qs = (
        Offer.objects.filter(_scope(partner))
        .values("pk", "title", "category", "partner__name", "stock", "taken")
        .annotate(
            claims=Count("redemptions"),
            redeemed=Count("redemptions", filter=Q(redemptions__used_at__isnull=False)),
            cancelled=Count("redemptions", filter=Q(redemptions__cancelled_at__isnull=False)),
        )
        .order_by("partner__name", "title")
    )
    labels = dict(Offer.Category.choices)
    return [
        {
            **row,
            "left": max(row["stock"] - row["taken"], 0),
            "category_label": labels.get(row["category"], ""),
        }
        for row in qs
    ]


def monthly_statistics(partner: Partner | None = None) -> list[dict]:
    """Per offer and month of claiming: claims and redemptions (one query), newest month first."""
    return list(
        Redemption.objects.filter(_scope(partner))
        .annotate(month=TruncMonth("claimed_at"))
        .values("month", "offer_id", "offer__title", "partner__name")
        .annotate(claims=Count("pk"), redeemed=Count("pk", filter=Q(used_at__isnull=False)))
        .order_by("-month", "partner__name", "offer__title")
    )


def statistics_totals(partner: Partner | None = None) -> dict:
    offers = Offer.objects.filter(_scope(partner)).aggregate(
        stock=Sum("stock"), taken=Sum("taken"), n=Count("pk")
    )
    claims = Redemption.objects.filter(_scope(partner)).aggregate(
        claims=Count("pk"), redeemed=Count("pk", filter=Q(used_at__isnull=False))
    )
    stock, taken = offers["stock"] or 0, offers["taken"] or 0
    return {"offers": offers["n"], "stock": stock, "left": stock - taken, **claims}
