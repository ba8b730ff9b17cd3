"""The project × month rollups (models/projects.py): added by the confirming transaction, rebuilt
from the ledger. Same locking as the other rollups (services/rollups.py: `lock_rollups` first).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth

from huiguang.activities.models import Activity
from huiguang.core.audit import audit_log
from huiguang.core.bulk import bulk_save, ids_in
from huiguang.ledger.models import ServiceRecord

from ..models import ProjectMark, ProjectMonth
from .facts import lock_rollups
from .rollups import participation

R = ServiceRecord
V, A = ProjectMark.Kind.VOLUNTEER, ProjectMark.Kind.ACTIVITY
# The sums of a project month, in ProjectMonth.COUNTERS order up to the marks' counts.
SUMS = ("minutes", "credit_minutes", "records", "participations")

Key = tuple[int, dt.date]  # (project, month)
MarkKey = tuple[int, dt.date, str, int]  # (project, month, kind, volunteer or activity)


def _project_of(activity_ids) -> dict[int, int]:
    return dict(
        Activity.objects.filter(pk__in=activity_ids, project__isnull=False).values_list("pk", "project_id")
    )


def _expand(rows) -> tuple[dict[Key, list[int]], dict[MarkKey, int]]:
    """rows: (project, month, volunteer, activity, minutes, credit minutes, records, participations)."""
    sums: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    marks: dict[MarkKey, int] = defaultdict(int)
    for project, month, volunteer, activity, minutes, credit, records, parts in rows:
        row = sums[(project, month)]
        for i, value in enumerate((minutes, credit, records, parts)):
            row[i] += value
        marks[(project, month, V, volunteer)] += parts
        marks[(project, month, A, activity)] += parts
    return sums, marks


def project_rollups_add_stored(*, record_ids: list[int]) -> None:
    """project_rollups_add for records given by id (already inserted in this transaction): only
    those of an activity that belongs to a project are read."""
    among, params = ids_in("id", record_ids)
    # A fixed table name; the ids are parameters.
    ids = RawSQL(f"SELECT id FROM {R._meta.db_table} WHERE {among}", params)  # noqa: S608, S611
    project_rollups_add(
        records=R.objects.filter(pk__in=ids, activity__project__isnull=False).only(
            "volunteer_id", "activity_id", "service_date", "minutes", "is_credit", "kind"
        )
    )


def project_rollups_add(*, records) -> None:
    """Add confirmed records of activities that belong to a project, in the caller's transaction."""
    projects = _project_of({r.activity_id for r in records if r.activity_id})
    rows = [
        (
            projects[r.activity_id],
            r.service_date.replace(day=1),
            r.volunteer_id,
            r.activity_id,
            r.minutes,
            r.minutes if r.is_credit else 0,
            1,
            participation(r.kind),
        )
        for r in records
        if r.activity_id in projects
    ]
    if not rows:
        return
    lock_rollups()
    sums, marks = _expand(rows)
    changes = _add_marks(marks)
    existing = {
        (m.project_id, m.month): m
        for m in ProjectMonth.objects.filter(
            project_id__in={p for p, _m in sums}, month__in={m for _p, m in sums}
        )
    }
    changed = []
    for key, values in sums.items():
        row = existing.get(key) or ProjectMonth(project_id=key[0], month=key[1])
        changed.append(row)
        for name, value in zip(SUMS, values, strict=True):
            setattr(row, name, getattr(row, name) + value)
        row.active_volunteers += changes.get((*key, V), 0)
        row.activities += changes.get((*key, A), 0)
    bulk_save(ProjectMonth, changed, ProjectMonth.COUNTERS)


def _add_marks(marks: dict[MarkKey, int]) -> dict[tuple[int, dt.date, str], int]:
    """Add participations to the marks; the change of active volunteers / activities per project month."""
    existing = {
        (m.project_id, m.month, m.kind, m.key): m
        for m in ProjectMark.objects.filter(
            project_id__in={k[0] for k in marks},
            month__in={k[1] for k in marks},
            key__in={k[3] for k in marks},
        )
    }
    changes: dict[tuple[int, dt.date, str], int] = defaultdict(int)
    changed = []
    for key, delta in marks.items():
        mark = existing.get(key) or ProjectMark(project_id=key[0], month=key[1], kind=key[2], key=key[3])
        before = mark.participations
        mark.participations = before + delta
        changed.append(mark)
        changes[key[:3]] += int(before + delta > 0) - int(before > 0)
    bulk_save(ProjectMark, changed, ["participations"])
    return changes


def _ledger_rows() -> list[tuple]:
    groups = (
        R.objects.filter(status=R.Status.CONFIRMED, activity__project__isnull=False)
        .order_by()
        .annotate(m=TruncMonth("service_date"))
        .values("activity__project_id", "m", "volunteer_id", "activity_id")
        .annotate(
            sum_minutes=Sum("minutes"),
            sum_credit=Sum("minutes", filter=Q(is_credit=True), default=0),
            n=Count("pk"),
            rev=Count("pk", filter=Q(kind=R.Kind.REVERSAL)),
        )
    )
    return [
        (
            g["activity__project_id"],
            g["m"].date() if isinstance(g["m"], dt.datetime) else g["m"],
            g["volunteer_id"],
            g["activity_id"],
            g["sum_minutes"],
            g["sum_credit"],
            g["n"],
            g["n"] - 2 * g["rev"],
        )
        for g in groups
    ]


def project_rollups_rebuild(*, apply: bool = True) -> list[str]:
    """Recompute the project rollups from the confirmed ledger; the differences, one line each,
    and with apply=True make the tables agree."""
    with transaction.atomic():
        lock_rollups()
        sums, marks = _expand(_ledger_rows())
        positive = {k: v for k, v in marks.items() if v}
        counts: dict[tuple[int, dt.date, str], int] = defaultdict(int)
        for key, parts in positive.items():
            counts[key[:3]] += int(parts > 0)
        expected: dict[Key, tuple[int, ...]] = {
            key: (*values, counts.get((*key, V), 0), counts.get((*key, A), 0)) for key, values in sums.items()
        }
        held = {
            (m.project_id, m.month): tuple(getattr(m, c) for c in ProjectMonth.COUNTERS)
            for m in ProjectMonth.objects.all()
        }
        zero = (0,) * len(ProjectMonth.COUNTERS)
        differences = [
            f"project {key[0]} {key[1]:%Y-%m}: {held.get(key, zero)}, ledger has {expected.get(key, zero)}"
            for key in sorted(set(expected) | set(held))
            if expected.get(key, zero) != held.get(key, zero)
        ]
        held_marks = {
            (m.project_id, m.month, m.kind, m.key): m.participations
            for m in ProjectMark.objects.exclude(participations=0)
        }
        if held_marks != positive:
            differences.append(
                f"project marks: {len(set(held_marks.items()) ^ set(positive.items()))} mark(s) differ"
            )
        if apply and differences:
            _replace(expected, positive)
            audit_log(action="reports.project_rollups.rebuild", differences=len(differences))
    return differences


def _replace(expected, positive) -> None:
    model: Any
    for model in (ProjectMonth, ProjectMark):
        model.objects.all().delete()
    ProjectMonth.objects.bulk_create(
        [
            ProjectMonth(project_id=p, month=m, **dict(zip(ProjectMonth.COUNTERS, values, strict=True)))
            for (p, m), values in expected.items()
        ],
        batch_size=1000,
    )
    ProjectMark.objects.bulk_create(
        [
            ProjectMark(project_id=p, month=m, kind=k, key=key, participations=n)
            for (p, m, k, key), n in positive.items()
        ],
        batch_size=2000,
    )
