"""Reads of a volunteer's hours: the totals, the star and what the next star needs (part E)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from ..models import StarPolicy, VolunteerHours


def current_policy() -> StarPolicy | None:
    return StarPolicy.objects.filter(effective_from__lte=timezone.now()).order_by("-version").first()


def star_policy_history() -> QuerySet[StarPolicy]:
    return StarPolicy.objects.select_related("created_by").order_by("-version")[:20]


def hours_summary(volunteer) -> dict:
    """Credit minutes (信用时数), honour minutes (荣誉时数), the total, the star and what the next
    star needs. Pages show them with `{{ minutes|hours }}`, the API with hours_from_minutes."""
    hours = VolunteerHours.objects.filter(volunteer=volunteer).first()
    total = hours.total_minutes if hours else 0
    credit = hours.credit_minutes if hours else 0
    star = hours.star if hours else 0
    policy = current_policy()
    thresholds = [int(h) * 60 for h in (policy.thresholds_hours if policy else [])]
    upcoming = [t for t in thresholds if t > total]
    next_minutes = upcoming[0] if upcoming else None
    previous = max([t for t in thresholds if t <= total], default=0)
    progress = 100
    if next_minutes is not None:
        progress = int(100 * (total - previous) / (next_minutes - previous)) if next_minutes > previous else 0
    return {
        "credit_minutes": credit,
        "honor_minutes": total - credit,
        "total_minutes": total,
        "star": star,
        "next_star": star + 1 if next_minutes is not None else None,
        "next_star_minutes": next_minutes,
        "minutes_to_next_star": (next_minutes - total) if next_minutes is not None else 0,
        "progress_percent": max(0, min(100, progress)),
        "policy_version": policy.version if policy else None,
    }
