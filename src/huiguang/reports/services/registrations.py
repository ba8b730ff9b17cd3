"""The registration rollups (models/registrations.py): kept by the receivers of
volunteers.signals.volunteers_registered and network.signals.memberships_changed in the writing
transaction, rebuilt from the volunteers' and memberships' tables by `huiguang rebuild_rollups`.

Each write is one `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n` per batch of (unit,
month) rows (SQLite and PostgreSQL alike): an increment needs no read and no lock of its own, so
two registrations never wait on each other beyond the row they share; the rows of one write are
sorted, so two writes that share several rows take them in the same order (no deadlock). An
import of 10,000 volunteers into one organization is a handful of rows, not 10,000 statements.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from huiguang.core.audit import audit_log
from huiguang.network.models import Membership
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.signals import Registered

from ..models import MembershipMonth, RegistrationMonth

BATCH = 500


def month_of(at: dt.datetime) -> dt.date:
    """The first day of the month of `at` in the city's time zone (where a month's window starts)."""
    return timezone.localtime(at).date().replace(day=1)


def _add(model: Any, key: str, counter: str, deltas: Counter) -> None:
    """counter += delta for every (key, month) of `deltas`, creating missing rows: one statement
    per batch, in key order."""
    rows = sorted((k, m, n) for (k, m), n in deltas.items() if n)
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    column = model._meta.get_field(key).column
    for lo in range(0, len(rows), BATCH):
        batch = rows[lo : lo + BATCH]
        values = ", ".join(["(%s, %s, %s)"] * len(batch))
        params: list = []
        for k, month, n in batch:
            params += [k, connection.ops.adapt_datefield_value(month), n]
        increment = f"{counter} = {table}.{counter} + excluded.{counter}"
        sql = (
            f"INSERT INTO {table} ({column}, month, {counter}) VALUES {values} "  # noqa: S608 - names from _meta
            f"ON CONFLICT ({column}, month) DO UPDATE SET {increment}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def registrations_add(*, volunteers: Iterable[Volunteer | Registered]) -> None:
    """New volunteers counted in their residence region and month of registration."""
    deltas = _by_month(Counter((v.residence_region_id, v.registered_at) for v in volunteers))
    _add(RegistrationMonth, "region", "volunteers", deltas)


Joins = Iterable[tuple[int, dt.datetime]]


def memberships_add(*, joined: Joins, left: Joins) -> None:
    """Memberships that became active counted in their organization and month of joining; active
    ones that ended taken out of theirs."""
    changes = Counter(joined)
    changes.subtract(Counter(left))
    _add(MembershipMonth, "organization", "members", _by_month(changes))


def _by_month(changes: Counter) -> Counter:
    """{(key, moment): n} → {(key, month): n}, with one time-zone conversion per distinct moment:
    an import sends 10,000 of the same moment."""
    deltas: Counter = Counter()
    for (key, at), n in changes.items():
        deltas[(key, month_of(at))] += n
    return deltas


# --- the rebuild ---------------------------------------------------------------------------------------


def _as_date(value) -> dt.date:
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


def _expected_registrations() -> dict[tuple[int, dt.date], int]:
    # The rebuild reads the volunteers' table itself: its job is to check the rollup against it.
    rows = (
        Volunteer.objects.order_by()
        .annotate(m=TruncMonth("registered_at", tzinfo=timezone.get_current_timezone()))
        .values("residence_region_id", "m")
        .annotate(n=Count("pk"))
    )
    return {(r["residence_region_id"], _as_date(r["m"])): r["n"] for r in rows}


def _expected_memberships() -> dict[tuple[int, dt.date], int]:
    joined = Coalesce("decided_at", "applied_at")
    rows = (
        Membership.objects.filter(status=Membership.Status.ACTIVE)
        .order_by()
        .annotate(m=TruncMonth(joined, tzinfo=timezone.get_current_timezone()))
        .values("organization_id", "m")
        .annotate(n=Count("pk"))
    )
    return {(r["organization_id"], _as_date(r["m"])): r["n"] for r in rows}


def _compare(label: str, want: dict, have: dict) -> list[str]:
    return [
        f"{label} {key} {month:%Y-%m}: {have.get((key, month), 0)}, counted {want.get((key, month), 0)}"
        for key, month in sorted(set(want) | set(have))
        if want.get((key, month), 0) != have.get((key, month), 0)
    ]


def registration_rollups_rebuild(*, apply: bool = True) -> list[str]:
    """Recompute RegistrationMonth and MembershipMonth from the volunteers and the active
    memberships; returns the differences found, one line each, and with apply=True makes the
    tables agree."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # no registration lands between the count and the write
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {RegistrationMonth._meta.db_table}, {MembershipMonth._meta.db_table} "
                    "IN EXCLUSIVE MODE"
                )
        registrations, memberships = _expected_registrations(), _expected_memberships()
        held_registrations = {
            (r.region_id, r.month): r.volunteers for r in RegistrationMonth.objects.exclude(volunteers=0)
        }
        held_memberships = {
            (m.organization_id, m.month): m.members for m in MembershipMonth.objects.exclude(members=0)
        }
        differences = _compare("registrations of region", registrations, held_registrations)
        differences += _compare("members of organization", memberships, held_memberships)
        if apply and differences:
            RegistrationMonth.objects.all().delete()
            MembershipMonth.objects.all().delete()
            RegistrationMonth.objects.bulk_create(
                [
                    RegistrationMonth(region_id=k, month=m, volunteers=n)
                    for (k, m), n in registrations.items()
                ],
                batch_size=1000,
            )
            MembershipMonth.objects.bulk_create(
                [MembershipMonth(organization_id=k, month=m, members=n) for (k, m), n in memberships.items()],
                batch_size=1000,
            )
            audit_log(action="reports.rollups.rebuild", differences=len(differences), rollups="registrations")
    return differences
