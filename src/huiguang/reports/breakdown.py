"""How one line of an assessment's breakdown reads (the page, the export and the API say the same):
the aggregation of the raw value and the rule that turned it into points."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .measures import MEASURES
from .scoring import LATEST, MANUAL, MEAN, SUM


def aggregation_text(line: dict) -> str:
    if line["aggregation"] == MANUAL:
        return _("scored by a reviewer")
    if line["period"] == "month":
        return _("the month")
    return {
        SUM: _("sum of the months to date"),
        LATEST: _("at the end of the period"),
        MEAN: _("mean of the months to date"),
    }[line["aggregation"]]


def rule_text(line: dict) -> str:
    if line["rule"] == "rank":
        if line["rank"] is None:
            return _("by rank: no value, 0 points")
        return _("by rank: %(rank)s of %(of)s, %(weight)s − %(step)s × %(less)s") % {
            "rank": line["rank"],
            "of": line["of"],
            "weight": line["weight"],
            "step": line["rank_step"],
            "less": line["rank"] - 1,
        }
    return _("linear: min(value ÷ %(target)s, 1) × %(weight)s") % {
        "target": line["target"],
        "weight": line["weight"],
    }


def measure_label(key: str) -> str:
    return str(MEASURES[key].label) if key in MEASURES else _("manual indicator")


def readable(breakdown: list[dict]) -> list[dict]:
    """The lines with their texts, for templates."""
    return [
        {
            **line,
            "rule_text": rule_text(line),
            "aggregation_text": aggregation_text(line),
            "measure_label": measure_label(line["measure"]),
        }
        for line in breakdown
    ]
