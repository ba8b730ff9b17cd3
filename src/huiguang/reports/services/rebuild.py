"""Reports' rollups rebuilt from the confirmed ledger and compared with what the confirmations
kept (`huiguang rebuild_rollups`, which first rebuilds the ledger's own rollups: the ledger sits
below reports and cannot call it, so the command lives here, at the top, and runs both).

The rebuild reads the ledger (it is the one place allowed to: its job is to check the rollups
against it) in two grouped queries and one ordered pass for the stars, expands the groups with
the same rule as the confirmations (facts.expand) and, when asked, replaces the tables.
New stars are recounted by walking each volunteer's chain under the current star policy: after a
change of policy the rebuild reports (and fixes) the difference.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from huiguang.core.audit import audit_log
from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.selectors.hours import current_policy
from huiguang.ledger.services.stars import star_for

from ..models import ActiveMark, CategoryMonth, DailyCounter, OrganizationMonth, RegionMonth
from .facts import Fact, UnitResolver, expand, levels_of, lock_rollups
from .project_rollups import project_rollups_rebuild
from .registrations import registration_rollups_rebuild
from .rollups import new_unit_row, save_unit_rows

R = ServiceRecord
CONFIRMED = Q(status=R.Status.CONFIRMED)


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _ledger_facts() -> list[Fact]:
    groups = (
        R.objects.filter(CONFIRMED)
        .order_by()
        .annotate(month=TruncMonth("service_date"))
        .values("volunteer_id", "region_code", "organization_id", "activity__category_id", "month")
        .annotate(
            sum_minutes=Sum("minutes"),
            sum_credit=Sum("minutes", filter=Q(is_credit=True), default=0),
            n_records=Count("pk"),
            n_reversals=Count("pk", filter=Q(kind=R.Kind.REVERSAL)),
        )
    )
    facts = [
        Fact(
            volunteer_id=g["volunteer_id"],
            region_code=g["region_code"],
            organization_id=g["organization_id"],
            category_id=g["activity__category_id"],
            month=_as_date(g["month"]),
            minutes=g["sum_minutes"],
            credit_minutes=g["sum_credit"],
            records=g["n_records"],
            participations=g["n_records"] - 2 * g["n_reversals"],
        )
        for g in groups
    ]
    return facts + _star_facts()


def _star_facts() -> list[Fact]:
    """One fact per record that raised its volunteer's star (chain order, current policy)."""
    policy = current_policy()
    raising, volunteer, total = [], None, 0
    chain = R.objects.filter(CONFIRMED).order_by("volunteer_id", "chain_index")
    for pk, volunteer_id, minutes in chain.values_list("pk", "volunteer_id", "minutes").iterator(2000):
        if volunteer_id != volunteer:
            volunteer, total = volunteer_id, 0
        before, total = total, total + minutes
        if star_for(total, policy) > star_for(before, policy):
            raising.append(pk)
    rows = R.objects.filter(pk__in=raising).values_list(
        "volunteer_id", "region_code", "organization_id", "activity__category_id", "service_date"
    )
    return [
        Fact(v, code, org, cat, day.replace(day=1), 0, 0, 0, 0, new_stars=1)
        for v, code, org, cat, day in rows
    ]


def _held_rows() -> dict[tuple[str, dt.date], tuple[int, ...]]:
    def counts(row) -> tuple[int, ...]:
        return tuple(getattr(row, c) for c in RegionMonth.COUNTERS)

    held = {}
    for region in RegionMonth.objects.all():
        held[(f"r:{region.region_code}", region.month)] = counts(region)
    for org in OrganizationMonth.objects.all():
        held[(f"o:{org.organization_id}", org.month)] = counts(org)
    for cat in CategoryMonth.objects.all():
        held[(f"c:{cat.category_id or ''}", cat.month)] = counts(cat)
    return held


def reports_rollups_rebuild(*, apply: bool = True) -> list[str]:
    """Recompute RegionMonth, OrganizationMonth, CategoryMonth, DailyCounter and the active marks
    from the confirmed records; returns the differences found, one line each, and with
    apply=True makes the tables agree."""
    with transaction.atomic():
        lock_rollups()
        facts = _ledger_facts()
        resolver = UnitResolver({f.region_code for f in facts}, {f.organization_id for f in facts})
        counters, marks = expand(facts, resolver)
        positive = {k: v for k, v in marks.items() if v}
        active: dict[tuple[str, dt.date], int] = defaultdict(int)
        for (_v, unit, month), participations in positive.items():
            active[(unit, month)] += int(participations > 0)
        zero = (0,) * len(RegionMonth.COUNTERS)
        expected = {
            key: (*sums[:4], active.get(key, 0), sums[4])  # the order of Counts.COUNTERS
            for key, sums in counters.items()
        }
        differences = []
        held = _held_rows()
        for key in sorted(set(expected) | set(held)):
            want, have = expected.get(key, zero), held.get(key, zero)
            if want != have:
                differences.append(
                    f"{_label(key)}: {dict(zip(RegionMonth.COUNTERS, have, strict=True))}, "
                    f"ledger has {dict(zip(RegionMonth.COUNTERS, want, strict=True))}"
                )
        differences += _day_differences()
        held_marks = {
            (m.volunteer_id, m.unit, m.month): m.participations
            for m in ActiveMark.objects.exclude(participations=0)
        }
        if held_marks != positive:
            wrong = len(set(held_marks.items()) ^ set(positive.items()))
            differences.append(f"active marks: {wrong} volunteer × unit × month mark(s) differ")
        if apply and differences:
            _replace(counters, expected, positive, resolver)
            audit_log(action="reports.rollups.rebuild", differences=len(differences))
    differences += project_rollups_rebuild(apply=apply)  # issue 12: project × month
    differences += registration_rollups_rebuild(apply=apply)  # registered volunteers and members
    return differences


def _label(key) -> str:
    unit, month = key
    names = {"r": "region", "o": "organization", "c": "category"}
    return f"{names[unit[0]]} {unit[2:] or '-'} {month:%Y-%m}"


def _expected_days() -> dict[dt.date, tuple[int, int, int, int]]:
    return {
        row["service_date"]: (row["m"], row["c"], row["n"], row["n"] - 2 * row["rev"])
        for row in R.objects.filter(CONFIRMED)
        .order_by()
        .values("service_date")
        .annotate(
            m=Sum("minutes"),
            c=Sum("minutes", filter=Q(is_credit=True), default=0),
            n=Count("pk"),
            rev=Count("pk", filter=Q(kind=R.Kind.REVERSAL)),
        )
    }


def _day_differences() -> list[str]:
    want = _expected_days()
    have = {c.day: tuple(getattr(c, n) for n in DailyCounter.COUNTERS) for c in DailyCounter.objects.all()}
    zero = (0,) * len(DailyCounter.COUNTERS)
    return [
        f"day {day}: {have.get(day, zero)}, ledger has {want.get(day, zero)}"
        for day in sorted(set(want) | set(have))
        if want.get(day, zero) != have.get(day, zero)
    ]


def _replace(counters, expected, positive, resolver) -> None:
    model: Any
    for model in (RegionMonth, OrganizationMonth, CategoryMonth, DailyCounter, ActiveMark):
        model.objects.all().delete()
    levels = levels_of(resolver, counters)
    rows = []
    for (unit, month), values in expected.items():
        row = new_unit_row(unit, month, levels)
        for name, value in zip(RegionMonth.COUNTERS, values, strict=True):
            setattr(row, name, value)
        rows.append(row)
    save_unit_rows(rows)
    ActiveMark.objects.bulk_create(
        [ActiveMark(volunteer_id=v, unit=u, month=m, participations=p) for (v, u, m), p in positive.items()],
        batch_size=2000,
    )
    DailyCounter.objects.bulk_create(
        [
            DailyCounter(day=day, **dict(zip(DailyCounter.COUNTERS, values, strict=True)))
            for day, values in _expected_days().items()
        ],
        batch_size=1000,
    )
