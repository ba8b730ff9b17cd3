"""A service project's figures (issue 12), read from the project × month rollups
(models/projects.py) — never from the ledger — plus what the project's activities record of
their outcome (people served, outputs), which the ledger does not hold.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum

from huiguang.activities.models import Activity

from .models import ProjectMark, ProjectMonth


def _distinct(project_id: int, kind: str) -> int:
    """Volunteers (or activities) with service in the project over its whole life."""
    return (
        ProjectMark.objects.filter(project_id=project_id, kind=kind)
        .order_by()
        .values("key")
        .annotate(n=Sum("participations"))
        .filter(n__gt=0)
        .count()
    )


def project_totals(project_id: int) -> dict:
    sums = ProjectMonth.objects.filter(project_id=project_id).aggregate(
        minutes=Sum("minutes", default=0),
        credit_minutes=Sum("credit_minutes", default=0),
        participations=Sum("participations", default=0),
    )
    outcome = Activity.objects.filter(project_id=project_id).aggregate(
        people_served=Sum("people_served", default=0), activities_linked=Count("pk")
    )
    return {
        **sums,
        **outcome,
        "volunteers": _distinct(project_id, ProjectMark.Kind.VOLUNTEER),
        "activities": _distinct(project_id, ProjectMark.Kind.ACTIVITY),
        "outputs": project_outputs(project_id),
    }


def project_outputs(project_id: int) -> list[tuple[str, int]]:
    """The outputs of the project's activities added up by name ([{"name": "爱心包", "count": 200}])."""
    totals: dict[str, int] = defaultdict(int)
    for outputs in (
        Activity.objects.filter(project_id=project_id).exclude(outputs=[]).values_list("outputs", flat=True)
    ):
        for item in outputs if isinstance(outputs, list) else []:
            if isinstance(item, dict) and isinstance(item.get("count"), int):
                totals[str(item.get("name", ""))[:60]] += item["count"]
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def project_months(project_id: int):
    return ProjectMonth.objects.filter(project_id=project_id).order_by("-month")
