"""Assessment runs under concurrent writers (PostgreSQL, real threads): scoring the same month
twice at once makes one run; a lock racing manual scores never leaves a locked run whose results
disagree with its scores."""

from decimal import Decimal

import pytest
from django.db import connection

from huiguang.reports.models import AssessmentRun, ManualScore
from huiguang.reports.services import assessments as svc

from ..factories import at_once
from .conftest import confirmed, make_shift, ten_days_ago

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
]


def scheme_with_manual(city):
    admin = city.users["city_admin"]
    day = ten_days_ago()
    confirmed(make_shift(city.org_a, day=day, start=8, hours=2), city.users["volunteer"].volunteer, admin)
    scheme = svc.scheme_create(actor=admin, year=day.year, unit_type="town", name="并发考核")
    svc.indicator_add(
        actor=admin,
        scheme=scheme,
        measure="hours",
        label="",
        period="month",
        weight=Decimal(50),
        target=Decimal(4),
        rule="linear",
        rank_step=None,
    )
    manual = svc.indicator_add(
        actor=admin,
        scheme=scheme,
        measure="manual",
        label="阵地",
        period="month",
        weight=Decimal(50),
        target=Decimal(10),
        rule="linear",
        rank_step=None,
    )
    return scheme, manual, day.replace(day=1)


def test_scoring_one_month_at_once_makes_one_run_with_one_result_per_town(city):
    scheme, _manual, month = scheme_with_manual(city)
    admin = city.users["city_admin"]
    outcomes = at_once(range(6), lambda _i: svc.run_compute(actor=admin, scheme=scheme, period=month).pk)
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    run = AssessmentRun.objects.get()
    assert set(outcomes) == {run.pk}
    assert run.results.count() == 2


def test_a_lock_racing_manual_scores_keeps_results_and_scores_in_agreement(city):
    scheme, manual, month = scheme_with_manual(city)
    admin = city.users["city_admin"]
    run = svc.run_compute(actor=admin, scheme=scheme, period=month)
    jobs = [("score", str(v)) for v in range(1, 6)] + [("lock", "")]

    def work(job):
        kind, value = job
        if kind == "lock":
            return svc.run_lock(actor=admin, run=run).status
        return svc.manual_score_set(
            actor=admin, run=run, indicator=manual, unit_id="330482103", value=value, evidence="台账"
        ).pk

    outcomes = at_once(jobs, work)
    errors = [o for o in outcomes if isinstance(o, str) and o.startswith("error:")]
    refused = [o for o in errors if "Refused" in o]
    assert errors == refused, outcomes  # a score that lost the race is refused, nothing else
    run.refresh_from_db()
    assert run.status == "locked"
    score = ManualScore.objects.filter(run=run).first()
    line = run.results.get(unit_id="330482103").breakdown[1]
    if score is None:
        assert line["raw"] is None and len(refused) == 5
    else:
        assert line["raw"] == str(score.value)  # the locked result holds the last score saved
