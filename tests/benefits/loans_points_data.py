"""Builders shared by the loan and school-points tests (and their browser tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from huiguang.benefits.models import LoanProduct, PointsPolicy
from huiguang.core.id_card import make_id_number

# 335 eligible, 600 the better rate: the scheme of issue 9; a band from 0 makes everyone eligible.
SCHEME = [
    {"min_score": 335, "quota": 100000, "discount": "0.00"},
    {"min_score": 600, "quota": 300000, "discount": "0.50"},
]
OPEN_TO_ALL = [{"min_score": 0, "quota": 50000, "discount": "0.00"}, *SCHEME]


def make_product(bank, *, tiers=None, name="志愿贷", max_amount=500000, base_rate="4.35") -> LoanProduct:
    today = timezone.localdate()
    return LoanProduct.objects.create(
        partner=bank,
        name=name,
        max_amount=max_amount,
        base_rate=Decimal(base_rate),
        tiers=OPEN_TO_ALL if tiers is None else tiers,
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=365),
    )


def make_policy(
    education, *, year=None, start=None, end=None, cap="10", new_residents_only=False
) -> PointsPolicy:
    today = timezone.localdate()
    return PointsPolicy.objects.create(
        partner=education,
        year=year or today.year,
        window_start=start or today - dt.timedelta(days=365),
        window_end=end or today,
        hours_per_unit=10,
        points_per_unit=Decimal("1.5"),
        cap=Decimal(cap),
        credit_only=True,
        new_residents_only=new_residents_only,
    )


def child_id(sequence: int = 12) -> str:
    """A valid ID number of a child of 6."""
    today = timezone.localdate()
    return make_id_number("330482", dt.date(today.year - 6, 3, 1), sequence)
