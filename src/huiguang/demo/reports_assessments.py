"""The demo city's assessment of its towns and streets, and the hourly rate of the impact value,
written through the reports' own services (so the results are the real ones of the demo ledger).

The scheme of the demo year holds five indicators from the measures catalogue and one manual
indicator (阵地建设, scored by the city with evidence). The last full month is scored, locked and
published; the current month is scored as a draft.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from huiguang.network.models import Grant
from huiguang.reports.services.assessments import (
    hourly_rate_set,
    indicator_add,
    manual_score_set,
    run_compute,
    run_lock,
    run_publish,
    scheme_create,
)

HOURLY_RATE = Decimal("52.80")
RATE_SOURCE = "按 2025 年平湖市城镇非私营单位平均工资折算"

# (measure, label, period, weight, rule, target, points less per rank)
INDICATORS = [
    # The demo city registers a few thousand of its 500,000 residents: a target of 1 % (the real
    # city's would be about 15 %) keeps the indicator telling towns apart.
    ("registration_rate", "志愿者注册率", "ytd", 20, "linear", 1, 0),
    ("hours", "志愿服务时长", "ytd", 25, "rank", None, 2),
    ("participations", "参与人次", "ytd", 20, "linear", 300, 0),
    ("activity_rate", "志愿者活跃率", "month", 15, "linear", 30, 0),
    ("activities_held", "开展活动数", "ytd", 10, "rank", None, 1),
    ("manual", "阵地建设", "month", 10, "linear", 10, 0),
]
EVIDENCE = ["新时代文明实践站台账齐全", "阵地开放时间公示", "季度检查记录", "志愿服务站点巡查表"]


def seed_assessments(*, rng: random.Random, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    grant = Grant.objects.filter(role=Grant.Role.CITY_ADMIN).select_related("user").order_by("pk").first()
    if grant is None:
        return {}
    admin = grant.user
    hourly_rate_set(actor=admin, yuan_per_hour=HOURLY_RATE, source=RATE_SOURCE)
    scheme = scheme_create(
        actor=admin, year=today.year, unit_type="town", name=f"{today.year} 年镇街道志愿服务工作考核"
    )
    for measure, label, period, weight, rule, target, step in INDICATORS:
        indicator_add(
            actor=admin,
            scheme=scheme,
            measure=measure,
            label=label,
            period=period,
            weight=Decimal(weight),
            rule=rule,
            target=None if target is None else Decimal(target),
            rank_step=Decimal(step),
        )
    manual = scheme.indicators.get(measure="manual")
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    runs = 0
    if last_month.year == today.year:
        run = run_compute(actor=admin, scheme=scheme, period=last_month)
        for result in run.results.order_by("unit_path"):
            manual_score_set(
                actor=admin,
                run=run,
                indicator=manual,
                unit_id=result.unit_id,
                value=Decimal(rng.randint(6, 10)),
                evidence=rng.choice(EVIDENCE),
            )
        run_lock(actor=admin, run=run)
        run_publish(actor=admin, run=run)
        runs += 1
    run_compute(actor=admin, scheme=scheme, period=this_month)
    return {"schemes": 1, "indicators": len(INDICATORS), "runs": runs + 1}
