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

from django.db.models import Q, Sum

from .models import MembershipMonth, RegistrationMonth

REGIONS, ORGANIZATIONS = "regions", "organizations"


def registered_by_path(kind: str, months: list[dt.date]) -> dict[str, list[tuple[int, int]]]:
    model, path, counter = (
        (RegistrationMonth, "region__path", "volunteers")
        if kind == REGIONS
        else (MembershipMonth, "organization__path", "members")
    )
    sums = {}
    for i, month in enumerate(months):
        sums[f"t{i}"] = Sum(counter, filter=Q(month__lte=month), default=0)
        sums[f"n{i}"] = Sum(counter, filter=Q(month=month), default=0)
    rows = model.objects.filter(month__lte=max(months)).order_by().values(path).annotate(**sums)
    return {row[path]: [(row[f"t{i}"], row[f"n{i}"]) for i in range(len(months))] for row in rows}
