"""Reads of 志愿贷: products (the volunteer's view with the tier of their score, the console's),
referrals (the volunteer's own, the bank's register), and the city's statistics by month."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from huiguang.core.selectors import get_or_404

from ..models import LoanProduct, LoanReferral, Partner
from ..permissions import managed_partners, partners_of


def products_open() -> QuerySet[LoanProduct]:
    """What volunteers see: active products of active banks within their period."""
    today = timezone.localdate()
    return LoanProduct.objects.filter(
        active=True,
        partner__status=Partner.Status.ACTIVE,
        valid_from__lte=today,
        valid_until__gte=today,
    ).select_related("partner")


def product_open_get(pk) -> LoanProduct:
    return get_or_404(products_open(), pk)


def product_list_for(user) -> QuerySet[LoanProduct]:
    """The console's list: every product for city admins, their bank's for a bank manager."""
    return LoanProduct.objects.filter(partner__in=managed_partners(user, Partner.Kind.BANK)).select_related(
        "partner"
    )


def product_get_for(user, pk) -> LoanProduct:
    return get_or_404(product_list_for(user), pk)


def referrals_of(volunteer) -> QuerySet[LoanReferral]:
    return LoanReferral.objects.filter(volunteer=volunteer).select_related("product__partner", "consent")


def referral_of(volunteer, pk) -> LoanReferral:
    return get_or_404(referrals_of(volunteer), pk)


def referral_register_for(user, *, status: str = "") -> QuerySet[LoanReferral]:
    """The bank's register: referrals to the banks the user acts for whose consent is live. The
    list shows no personal data; opening one goes through the consent gate."""
    now = timezone.now()
    qs = LoanReferral.objects.filter(
        product__partner__in=partners_of(user, Partner.Kind.BANK),
        consent__withdrawn_at__isnull=True,
        consent__expires_at__gt=now,
    ).select_related("product__partner")
    return qs.filter(status=status) if status in LoanReferral.Status.values else qs


def referral_get_for_bank(user, pk) -> LoanReferral:
    """One referral of the user's bank, or 404; the caller passes it through the consent gate."""
    qs = LoanReferral.objects.filter(product__partner__in=partners_of(user, Partner.Kind.BANK))
    return get_or_404(qs.select_related("product__partner", "volunteer", "consent"), pk)


def loan_totals_by_month(*, start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    """Per month: referrals asked for, loans disbursed and their amount (CNY), months in order.
    Two grouped queries whatever the number of referrals; the reports app reads this for the
    bulletin. `start`/`end` bound the month (inclusive) by first day."""
    asked = LoanReferral.objects.all()
    lent = LoanReferral.objects.filter(status=LoanReferral.Status.APPROVED)
    if start:
        asked = asked.filter(created_at__date__gte=start)
        lent = lent.filter(disbursed_on__gte=start)
    if end:
        asked = asked.filter(created_at__date__lte=end)
        lent = lent.filter(disbursed_on__lte=end)
    months: dict[dt.date, dict] = {}

    def row(month) -> dict:
        month = month.date() if isinstance(month, dt.datetime) else month
        return months.setdefault(month, {"month": month, "referrals": 0, "loans": 0, "amount": 0})

    tz = timezone.get_current_timezone()
    for item in asked.annotate(m=TruncMonth("created_at", tzinfo=tz)).values("m").annotate(n=Count("pk")):
        row(item["m"])["referrals"] = item["n"]
    for item in (
        lent.annotate(m=TruncMonth("disbursed_on")).values("m").annotate(n=Count("pk"), s=Sum("amount"))
    ):
        entry = row(item["m"])
        entry["loans"], entry["amount"] = item["n"], item["s"] or 0
    return [months[m] for m in sorted(months)]


def loan_totals() -> dict:
    """The city's totals: referrals, decided, approved, refused, the amount lent."""
    return LoanReferral.objects.aggregate(
        referrals=Count("pk"),
        approved=Count("pk", filter=Q(status=LoanReferral.Status.APPROVED)),
        refused=Count("pk", filter=Q(status=LoanReferral.Status.REFUSED)),
        pending=Count("pk", filter=Q(status=LoanReferral.Status.PENDING)),
        amount=Sum("amount", filter=Q(status=LoanReferral.Status.APPROVED), default=0),
    )
