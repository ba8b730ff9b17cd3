"""The score of one volunteer, computed by hand from the records and the policy."""

import math

import pytest

from huiguang.credit.models import CreditSnapshot, Honor
from huiguang.credit.selectors import current_policy, latest_snapshot
from huiguang.credit.services import snapshot_compute

from .conftest import honor, no_show, served


def half_up(x):
    return math.floor(x + 0.5)


def test_newcomer_scores_about_300(volunteer):
    snap = snapshot_compute(volunteer=volunteer)
    # base 50 + reliability 200 × 9/10 = 180 + quality 100 × (4 − 1)/4 = 75
    assert snap.score == 305
    assert snap.band == "起步"
    assert snap.policy_version == 1
    assert latest_snapshot(volunteer) == snap


def test_every_component_recomputed_by_hand(city, volunteer):
    admin = city.users["org_admin"]
    served(city.org_a, volunteer, actor=admin, days_ago=3, minutes=180, rating=5)
    served(city.org_a, volunteer, actor=admin, days_ago=40, minutes=120, rating=3)
    no_show(city.org_a, volunteer)
    honor(volunteer, level=Honor.Level.PROVINCE)
    honor(volunteer, level=Honor.Level.CITY)
    snap = snapshot_compute(volunteer=volunteer)

    hours = half_up(100 * math.log10(1 + 300 / 60))  # 5 credit hours → 78
    regularity = 15 * 2  # two months with credit hours
    reliability = half_up(200 * (2 + 9) / (2 + 1 + 10))  # 169
    quality = half_up(100 * ((5 + 3 + 4 * 3) / (2 + 3) - 1) / 4)  # mean 4.0 → 75
    growth = 40 + 20
    expected = 50 + hours + regularity + reliability + quality + growth
    points = {c["key"]: c["points"] for c in snap.components}
    assert points == {
        "hours": hours,
        "regularity": regularity,
        "reliability": reliability,
        "quality": quality,
        "growth": growth,
        "penalties": 0,
        "review": 0,
    }
    assert snap.score == expected
    assert snap.component("hours")["inputs"] == {"credit_minutes": 300}


def test_unchanged_inputs_write_no_new_snapshot(volunteer):
    first = snapshot_compute(volunteer=volunteer)
    second = snapshot_compute(volunteer=volunteer)
    assert first.pk == second.pk
    assert CreditSnapshot.objects.filter(volunteer=volunteer).count() == 1
    assert current_policy().version == 1


@pytest.mark.parametrize("level,points", [("city", 20), ("province", 40), ("national", 80)])
def test_honor_level_points(volunteer, level, points):
    before = snapshot_compute(volunteer=volunteer).score
    honor(volunteer, level=level)
    assert snapshot_compute(volunteer=volunteer).score == before + points


def test_score_page_shows_every_number_of_the_snapshot(city, volunteer):
    from django.urls import reverse

    from ..conftest import login_client

    admin = city.users["org_admin"]
    served(city.org_a, volunteer, actor=admin, days_ago=2, minutes=125, rating=4)
    no_show(city.org_a, volunteer)
    honor(volunteer, level=Honor.Level.NATIONAL)
    response = login_client(volunteer.user).get(reverse("credit:me"))
    assert response.status_code == 200
    page = response.content.decode()
    snap = latest_snapshot(volunteer)
    # By hand: 125 credit minutes, one active month, 1 attended + 1 no-show, one rating of 4, a
    # national honor; policy v1.
    hours = half_up(100 * math.log10(1 + 125 / 60))  # 49
    reliability = half_up(200 * (1 + 9) / (1 + 1 + 10))  # 166.7 → 167
    quality = half_up(100 * ((4 + 12) / (1 + 3) - 1) / 4)  # mean 4 → 75
    expected = 50 + hours + 15 + reliability + quality + 80
    assert snap.score == expected
    assert f'data-testid="score">{expected}<' in page
    for key, points in {
        "hours": hours,
        "regularity": 15,
        "reliability": reliability,
        "quality": quality,
        "growth": 80,
        "penalties": 0,
    }.items():
        assert f'data-testid="points-{key}">{points}<' in page
    assert "min(300, 100 × log10(1 + 125/60)) = 49" in page
    assert "min(200, 200 × (1 + 9) / (1 + 1 + 10)) = 167" in page
    assert "min(170, 20 × 0 + 40 × 0 + 80 × 1 + min(30, 10 × 0)) = 80" in page
    assert 'data-testid="hints"' in page
    assert reverse("credit:policy_version", args=[1]) in page


def test_revoked_record_is_a_penalty(city, volunteer):
    from huiguang.ledger.services import corrections

    admin = city.users["org_admin"]
    record = served(city.org_a, volunteer, actor=admin, days_ago=3, minutes=180)
    before = snapshot_compute(volunteer=volunteer)
    dispute = corrections.dispute_open(volunteer=volunteer, record=record, reason="记录有误")
    corrections.dispute_accept(actor=admin, dispute=dispute, minutes=60)
    after = snapshot_compute(volunteer=volunteer)
    assert after.component("penalties") == {
        "key": "penalties",
        "inputs": {"revoked_records": 1},
        "points": -50,
        "cap": -200,
    }
    # 180 → 60 credit minutes as well
    assert after.component("hours")["inputs"] == {"credit_minutes": 60}
    assert after.score < before.score


def test_dispute_that_adds_hours_is_no_penalty(city, volunteer):
    from huiguang.ledger.services import corrections

    admin = city.users["org_admin"]
    record = served(city.org_a, volunteer, actor=admin, days_ago=3, minutes=60)
    dispute = corrections.dispute_open(volunteer=volunteer, record=record, reason="少记了")
    corrections.dispute_accept(actor=admin, dispute=dispute, minutes=120)
    assert snapshot_compute(volunteer=volunteer).component("penalties")["points"] == 0
