"""Registered volunteers and members by month, read from the registration rollups
(models/registrations.py) — never from the volunteers' or the memberships' tables, whose size is
the city's: a bulletin reads a few thousand (unit, month) rows however many volunteers there are.

`registered_by_path(kind, months)` answers what `volunteers.selectors.registrations_by_region`
and `network.selectors.members_by_organization` answer from the tables, for whole months: {path
of a region or an organization: [(registered at the end of the month, registered in the month)
for each month]}, in one grouped query (the caller sums a unit's subtree: its path is a prefix).
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db.models import Q, Sum

from huiguang.core.compiled import CompiledByLength

from .models import MembershipMonth, RegistrationMonth

REGIONS, ORGANIZATIONS = "regions", "organizations"


def _by_path(model, path: str, counter: str, p):
    """One row per path: the path, then (registered by the end of, registered in) each month of
    `p.months` (`p.last`: the latest of them)."""
    sums = {}
    for i, month in enumerate(p.months):
        sums[f"t{i}"] = Sum(counter, filter=Q(month__lte=month), default=0)
        sums[f"n{i}"] = Sum(counter, filter=Q(month=month), default=0)
    return (
        model.objects.filter(month__lte=p.last)
        .order_by()
        .values(path)
        .annotate(**sums)
        .values_list(path, *sums)
    )


# Compiled once per connection and number of months (core.compiled): a bulletin runs them on
# every generation, and compiling them cost more than running them.
_BY_PATH = {
    kind: CompiledByLength(partial(_by_path, *source), months=[dt.date], last=dt.date)
    for kind, source in (
        (REGIONS, (RegistrationMonth, "region__path", "volunteers")),
        (ORGANIZATIONS, (MembershipMonth, "organization__path", "members")),
    )
}


def registered_by_path(kind: str, months: list[dt.date]) -> dict[str, list[tuple[int, int]]]:
    rows = _BY_PATH[kind].rows(months=list(months), last=max(months))
    return {path: list(zip(sums[::2], sums[1::2], strict=True)) for path, *sums in rows}
