"""The scoring rules of assessment indicators and the aggregation of a measure over a period: pure
functions of numbers (no database), so that every rule is tested on its own.

Points are Decimals rounded half up to two places; a unit's total is the sum of its rounded
points, so the breakdown always adds up to the total shown.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# How a measure's monthly values make the value of a period of several months (the year to date):
# counts of things done add up; stocks (registered volunteers and their rate) are read at the
# period's end; the others (active volunteers, rates, hours per active volunteer) are the mean of
# the months that have a value (active volunteers of different months are not distinct people:
# their sum would count a volunteer once per month).
SUM, LATEST, MEAN, MANUAL = "sum", "latest", "mean", "manual"
AGGREGATION = {
    "registered": LATEST,
    "registration_rate": LATEST,
    "registered_new": SUM,
    "participations": SUM,
    "hours": SUM,
    "activities_published": SUM,
    "activities_held": SUM,
    "people_served": SUM,
    "new_stars": SUM,
    # loans, points, trainings
    "trainings_held": SUM,
    "trained": SUM,
    "qualifications_granted": SUM,
    "loan_referrals": SUM,
    "loans_disbursed": SUM,
    "loan_amount": SUM,
    "points_approved": SUM,
}


def points(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_or_none(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def aggregate(measure: str, monthly: list) -> tuple[Decimal | None, str]:
    """The value of a period from the measure's values of its months, oldest first; and how."""
    how = AGGREGATION.get(measure, MEAN)
    values = [decimal_or_none(v) for v in monthly]
    known = [v for v in values if v is not None]
    if not known:
        return None, how
    if how == SUM:
        return sum(known, Decimal(0)), how
    if how == LATEST:
        return values[-1], how
    mean = sum(known, Decimal(0)) / len(known)
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), how


def score_linear(raw: Decimal | None, *, weight: Decimal, target: Decimal) -> Decimal:
    """weight × min(raw ÷ target, 1): the target or more earns the whole weight; nothing, 0."""
    if raw is None or raw <= 0 or target <= 0:
        return ZERO
    return points(weight * min(raw / target, Decimal(1)))


def rank_units(raws: dict[str, Decimal | None], *, positive_only: bool = False) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of the units with a value, highest first; `positive_only`:
    a unit whose value is 0 (nothing done) takes no rank (a rank rule gives it no points)."""
    ranked = sorted(
        ((v, k) for k, v in raws.items() if v is not None and (v > 0 or not positive_only)),
        key=lambda p: -p[0],
    )
    ranks: dict[str, int] = {}
    for position, (value, key) in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        ranks[key] = ranks[previous[1]] if previous and previous[0] == value else position
    return ranks


def score_rank(rank: int | None, *, weight: Decimal, step: Decimal) -> Decimal:
    """The first gets the weight, each next rank `step` points less, never below 0; no value, 0."""
    if rank is None:
        return ZERO
    return points(max(weight - step * (rank - 1), Decimal(0)))
