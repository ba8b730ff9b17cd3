"""A snapshot's components in words and numbers, for the score page, the console and the API:
each component's label, its inputs, the formula with the policy's numbers put in, the points and
the cap. The numbers come from the snapshot itself (never from the policy in force), so an old
snapshot explains itself under its own version."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.core.formatting import format_hours

from .scoring import COMPONENT_KEYS, merged_params

LABELS = {
    "hours": gettext_lazy("Credit hours"),
    "regularity": gettext_lazy("Regularity"),
    "reliability": gettext_lazy("Reliability"),
    "quality": gettext_lazy("Quality"),
    "growth": gettext_lazy("Growth (honors and qualifications)"),
    "penalties": gettext_lazy("Penalties"),
    "review": gettext_lazy("Review corrections"),
}


def _n(x) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _inputs(key: str, i: dict, p: dict) -> list[str]:
    if key == "hours":
        m = i["credit_minutes"]
        return [_("%(minutes)d credit minutes (%(hours)s h)") % {"minutes": m, "hours": format_hours(m)}]
    if key == "regularity":
        return [
            _("%(n)d active months of the last %(months)s")
            % {"n": i["active_months"], "months": _n(p.get("months", 12))}
        ]
    if key == "reliability":
        return [_("%(a)d shifts attended, %(n)d no-shows") % {"a": i["attended"], "n": i["no_shows"]}]
    if key == "quality":
        return [
            _("%(n)d rated records, ratings adding up to %(s)d")
            % {"n": i["ratings_count"], "s": i["ratings_sum"]}
        ]
    if key == "growth":
        return [
            _("honors: %(c)d city, %(p)d province, %(n)d national")
            % {"c": i["honors_city"], "p": i["honors_province"], "n": i["honors_national"]},
            # A snapshot from before qualifications counted has no such input: none counted then.
            _("%(n)d valid qualifications (not expired, not revoked)") % {"n": i.get("qualifications", 0)},
        ]
    if key == "penalties":
        return [_("%(n)d revoked records") % {"n": i["revoked_records"]}]
    return [_("%(n)d corrected reviews") % {"n": i.get("reviews_corrected", 0)}]


def _formula(key: str, i: dict, p: dict, points: int) -> str:
    if key == "hours":
        return f"min({_n(p['cap'])}, {_n(p['weight'])} × log10(1 + {i['credit_minutes']}/60)) = {points}"
    if key == "regularity":
        return f"min({_n(p['cap'])}, {_n(p['per_month'])} × {i['active_months']}) = {points}"
    if key == "reliability":
        a, n = i["attended"], i["no_shows"]
        return (
            f"min({_n(p['cap'])}, {_n(p['weight'])} × ({a} + {_n(p['prior_attended'])}) / "
            f"({a} + {n} + {_n(p['prior_shifts'])})) = {points}"
        )
    if key == "quality":
        c, s = i["ratings_count"], i["ratings_sum"]
        mean, count = _n(p["prior_mean"]), _n(p["prior_count"])
        return (
            f"min({_n(p['cap'])}, {_n(p['weight'])} × (({s} + {mean} × {count}) / "
            f"({c} + {count}) − 1) / 4) = {points}"
        )
    if key == "growth":
        honors = (
            f"{_n(p['city'])} × {i['honors_city']} + {_n(p['province'])} × "
            f"{i['honors_province']} + {_n(p['national'])} × {i['honors_national']}"
        )
        if "qualifications" not in i:
            return f"min({_n(p['cap'])}, {honors}) = {points}"
        qualifications = (
            f"min({_n(p['qualification_cap'])}, {_n(p['per_qualification'])} × {i['qualifications']})"
        )
        return f"min({_n(p['cap'])}, {honors} + {qualifications}) = {points}"
    if key == "penalties":
        return f"−min({_n(p['cap'])}, {_n(p['per_record'])} × {i['revoked_records']}) = {points}"
    return f"Σ = {points:+d}"


def explain(components: list[dict], policy) -> list[dict]:
    """`policy`: the snapshot's own version (policies are never edited: a change is a new one)."""
    rows = []
    for c in components:
        key, inputs = c["key"], c["inputs"]
        params = merged_params(policy.components, key) if key in COMPONENT_KEYS else {}
        rows.append(
            {
                "key": key,
                "label": LABELS.get(key, key),
                "inputs": _inputs(key, inputs, params),
                "formula": _formula(key, inputs, params, c["points"]),
                "points": c["points"],
                "cap": c["cap"],
                "params": params,
            }
        )
    return rows


def hint_text(hint: dict) -> str:
    key, gain = hint["key"], hint["gain"]
    if key == "hours":
        return _("Serve %(hours)s more credit hours: +%(gain)d points.") % {
            "hours": format_hours(hint["minutes"]),
            "gain": gain,
        }
    if key == "regularity":
        return _("Serve in one more month of the year (credit hours): +%(gain)d points.") % {"gain": gain}
    if key == "reliability":
        return _("Attend your next %(n)d shifts as signed up: +%(gain)d points.") % {
            "n": hint["count"],
            "gain": gain,
        }
    if key == "quality":
        return _("Three more records rated 5 by the organizer: +%(gain)d points.") % {"gain": gain}
    if key == "qualification":
        return _("A valid qualification from a training course: +%(gain)d points.") % {"gain": gain}
    return _("A city honor: +%(gain)d points.") % {"gain": gain}
