"""The score as pure arithmetic: inputs + policy → components, score, band, hints.

Every snapshot, the nightly recompute, the on-demand compute, the pages' "what would raise it"
and the tests go through `score()` (one copy of every formula). Scale 0–1000: a newcomer (no
hours, no history) gets base 50 + reliability 180 + quality 75 = 305; the bank's 335 needs a
couple of credit hours, its 600 roughly 100 credit hours over six active months.

Rounding is half up to whole points (`half_up`), the same on every machine.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

SCALE_MIN, SCALE_MAX = 0, 1000
HONOR_LEVELS = ("city", "province", "national")

DEFAULT_BASE = 50
DEFAULT_COMPONENTS: dict[str, dict[str, float]] = {
    # points = min(cap, weight × log10(1 + credit hours))
    "hours": {"weight": 100, "cap": 300},
    # points = min(cap, per_month × months with credit hours among the last `months` months)
    "regularity": {"per_month": 15, "months": 12, "cap": 180},
    # rate = (attended + prior_attended) / (attended + no-shows + prior_shifts); points = weight × rate
    "reliability": {"weight": 200, "prior_attended": 9, "prior_shifts": 10, "cap": 200},
    # mean = (Σ ratings + prior_mean × prior_count) / (n + prior_count); points = weight × (mean − 1) / 4
    "quality": {"weight": 100, "prior_mean": 4, "prior_count": 3, "cap": 100},
    # points = min(cap, Σ honors × points of their level
    #                   + min(qualification_cap, per_qualification × valid qualifications))
    "growth": {
        "city": 20,
        "province": 40,
        "national": 80,
        "cap": 170,
        "per_qualification": 10,
        "qualification_cap": 30,
    },
    # points = −min(cap, per_record × revoked records)
    "penalties": {"per_record": 50, "cap": 200},
}
DEFAULT_BANDS = [
    {"min": 0, "label": "起步"},
    {"min": 335, "label": "良好"},
    {"min": 600, "label": "优秀"},
    {"min": 800, "label": "卓越"},
]
COMPONENT_KEYS = tuple(DEFAULT_COMPONENTS)
DEFAULT_DESCRIPTION = (
    "志愿信用分满分 1000 分，新注册志愿者约 300 分。分数由信用时数（对数）、服务规律性（近 12 个月）、"
    "守约率（含先验）、组织方评价、成长（表彰与有效资质证书）和扣分（被核减的服务记录）组成。"
)


@dataclass(frozen=True)
class Inputs:
    """What the score is computed from, for one volunteer (read by the statement of sql.py)."""

    credit_minutes: int = 0  # confirmed credit minutes (VolunteerHours)
    active_months: int = 0  # months with credit minutes among the window (MonthlyRollup)
    attended: int = 0  # enrollments attended
    no_shows: int = 0  # enrollments marked no-show
    ratings_count: int = 0  # confirmed records rated by the organizer
    ratings_sum: int = 0
    honors_city: int = 0
    honors_province: int = 0
    honors_national: int = 0
    qualifications: int = 0  # valid qualification types held (training: not expired, not revoked)
    revoked_records: int = 0  # disputes whose correction took hours away (docs/credit.md)
    review_adjustment: int = 0  # Σ adjustments of corrected reviews
    reviews_corrected: int = 0


@dataclass
class Result:
    score: int
    band: str
    components: list[dict] = field(default_factory=list)


def half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


INPUT_FIELDS = tuple(Inputs.__dataclass_fields__)


def merged_params(policy_components: dict, key: str) -> dict:
    """A component's numbers under a policy (the defaults for anything the policy leaves out)."""
    merged = dict(DEFAULT_COMPONENTS[key])
    merged.update(policy_components.get(key) or {})
    return merged


def hours_points(credit_minutes: int, p: dict) -> int:
    # log10 as ln(x)/ln(10): the same operations as the SQL statement (sql.py), bit for bit.
    hours = max(credit_minutes, 0) / 60
    return min(int(p["cap"]), half_up(p["weight"] * (math.log(1 + hours) / math.log(10))))


def regularity_points(active_months: int, p: dict) -> int:
    return min(int(p["cap"]), half_up(p["per_month"] * min(active_months, int(p["months"]))))


def reliability_rate(attended: int, no_shows: int, p: dict) -> float:
    return (attended + p["prior_attended"]) / (attended + no_shows + p["prior_shifts"])


def reliability_points(attended: int, no_shows: int, p: dict) -> int:
    return min(int(p["cap"]), half_up(p["weight"] * reliability_rate(attended, no_shows, p)))


def quality_mean(count: int, total: int, p: dict) -> float:
    return (total + p["prior_mean"] * p["prior_count"]) / (count + p["prior_count"])


def quality_points(count: int, total: int, p: dict) -> int:
    return min(int(p["cap"]), half_up(p["weight"] * (quality_mean(count, total, p) - 1) / 4))


def qualification_points(qualifications: int, p: dict) -> float:
    """The qualifications' share of growth before the component's cap (the SQL does the same)."""
    return min(p["qualification_cap"], qualifications * p["per_qualification"])


def growth_points(city: int, province: int, national: int, p: dict, qualifications: int = 0) -> int:
    honors = city * p["city"] + province * p["province"] + national * p["national"]
    return min(int(p["cap"]), half_up(honors + qualification_points(qualifications, p)))


def penalty_points(revoked: int, p: dict) -> int:
    return -min(int(p["cap"]), half_up(revoked * p["per_record"]))


def band_for(score: int, bands: list[dict]) -> str:
    label = ""
    for band in sorted(bands, key=lambda b: b["min"]):
        if score >= band["min"]:
            label = band["label"]
    return label


def score(inputs: Inputs, *, base: int, components: dict, bands: list[dict]) -> Result:
    """The score of `inputs` under a policy's base, components and bands."""
    ph, pr, pl, pq, pg, pp = (merged_params(components, key) for key in COMPONENT_KEYS)
    rows: list[dict] = [
        {
            "key": "hours",
            "inputs": {"credit_minutes": inputs.credit_minutes},
            "points": hours_points(inputs.credit_minutes, ph),
            "cap": int(ph["cap"]),
        },
        {
            "key": "regularity",
            "inputs": {"active_months": inputs.active_months},
            "points": regularity_points(inputs.active_months, pr),
            "cap": int(pr["cap"]),
        },
        {
            "key": "reliability",
            "inputs": {"attended": inputs.attended, "no_shows": inputs.no_shows},
            "points": reliability_points(inputs.attended, inputs.no_shows, pl),
            "cap": int(pl["cap"]),
        },
        {
            "key": "quality",
            "inputs": {"ratings_count": inputs.ratings_count, "ratings_sum": inputs.ratings_sum},
            "points": quality_points(inputs.ratings_count, inputs.ratings_sum, pq),
            "cap": int(pq["cap"]),
        },
        {
            "key": "growth",
            "inputs": {
                "honors_city": inputs.honors_city,
                "honors_province": inputs.honors_province,
                "honors_national": inputs.honors_national,
                "qualifications": inputs.qualifications,
            },
            "points": growth_points(
                inputs.honors_city, inputs.honors_province, inputs.honors_national, pg, inputs.qualifications
            ),
            "cap": int(pg["cap"]),
        },
        {
            "key": "penalties",
            "inputs": {"revoked_records": inputs.revoked_records},
            "points": penalty_points(inputs.revoked_records, pp),
            "cap": -int(pp["cap"]),
        },
    ]
    rows.append(
        {
            "key": "review",
            "inputs": {"reviews_corrected": inputs.reviews_corrected},
            "points": inputs.review_adjustment,
            "cap": None,
        }
    )
    total = max(SCALE_MIN, min(SCALE_MAX, base + sum(r["points"] for r in rows)))
    return Result(score=total, band=band_for(total, bands), components=rows)


def inputs_key(inputs: Inputs, policy_version: int) -> str:
    """Names the inputs and the policy ("v1:300,2,…"): an unchanged key means an unchanged score.
    sql.py builds the same text."""
    return f"v{policy_version}:" + ",".join(str(getattr(inputs, f)) for f in INPUT_FIELDS)


def inputs_of(snapshot_components: list[dict]) -> Inputs:
    """The inputs a snapshot was computed from (its components keep them)."""
    values: dict[str, int] = {}
    for row in snapshot_components:
        values.update(row["inputs"])
        if row["key"] == "review":
            values["review_adjustment"] = row["points"]
    return Inputs(**values)


def _gain(inputs: Inputs, policy, **change: int) -> int:
    before = score(inputs, base=policy.base, components=policy.components, bands=policy.bands).score
    changed = Inputs(**{**asdict(inputs), **{k: getattr(inputs, k) + v for k, v in change.items()}})
    after = score(changed, base=policy.base, components=policy.components, bands=policy.bands).score
    return after - before


def minutes_for_hours_points(target: int, p: dict) -> int:
    """The fewest credit minutes whose hours points reach `target` (≤ cap)."""
    hours = 10 ** ((target - 0.5) / p["weight"]) - 1
    minutes = max(0, math.ceil(hours * 60))
    while hours_points(minutes, p) < target:
        minutes += 1
    while minutes > 0 and hours_points(minutes - 1, p) >= target:
        minutes -= 1
    return minutes


def hints(inputs: Inputs, policy) -> list[dict]:
    """What would raise the score, computed from the policy: each hint names the change and the
    points it would add now ({"key", "minutes"/"count", "gain"}); the page words them."""
    out: list[dict] = []
    ph = merged_params(policy.components, "hours")
    now = hours_points(inputs.credit_minutes, ph)
    if now < ph["cap"]:
        target = min(int(ph["cap"]), now + 10)
        minutes = minutes_for_hours_points(target, ph) - inputs.credit_minutes
        gain = _gain(inputs, policy, credit_minutes=minutes)
        if gain > 0:
            out.append({"key": "hours", "minutes": minutes, "gain": gain})
    pr = merged_params(policy.components, "regularity")
    if inputs.active_months < pr["months"]:
        gain = _gain(inputs, policy, active_months=1)
        if gain > 0:
            out.append({"key": "regularity", "count": 1, "gain": gain})
    for key, change in (
        ("reliability", {"attended": 5}),
        ("quality", {"ratings_count": 3, "ratings_sum": 15}),
        ("growth", {"honors_city": 1}),
        ("qualification", {"qualifications": 1}),
    ):
        gain = _gain(inputs, policy, **change)
        if gain > 0:
            out.append({"key": key, "count": next(iter(change.values())), "gain": gain})
    return out
