"""The demo city's 2020 campaign: 2,100 recruits, 1,150 deployed, written in bulk in seconds, and
its board agrees with its rows (every deployed recruit holds one attended place, every shift's
counter equals its enrollments)."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from django.db.models import Count, Q

from huiguang.activities.models import Enrollment, Shift
from huiguang.demo.mobilization_campaigns import seed_mobilization_campaigns
from huiguang.mobilization.models.campaigns import Campaign, Recruit
from huiguang.mobilization.selectors.campaigns import campaign_funnel, deployed_enrollments

from ..factories import category
from .campaign_scene import volunteers_in_bulk

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_has_2100_recruits_1150_deployed_and_a_board_equal_to_its_rows(city):
    category()
    volunteers_in_bulk(city.village_a1, 1100)
    volunteers_in_bulk(city.town_b, 1000)
    started = time.perf_counter()
    counts = seed_mobilization_campaigns(rng=random.Random(7))
    assert time.perf_counter() - started < 30
    campaign = Campaign.objects.get()
    assert campaign.status == "ended"
    assert counts == {"campaigns": 1, "recruits": 2100, "deployed": 1150}
    stages = Counter(Recruit.objects.filter(campaign=campaign).values_list("stage", flat=True))
    funnel = {f["stage"]: f["actual"] for f in campaign_funnel(campaign)}
    assert funnel["recruited"] == sum(stages.values()) == 2100
    assert funnel["deployed"] == stages["deployed"] == 1150 == deployed_enrollments(campaign)
    assert funnel["trained"] == stages["trained"] + stages["deployed"]
    assert not Recruit.objects.filter(campaign=campaign, town__isnull=True).exists()
    for shift in Shift.objects.filter(activity__title__startswith="疫情防控卡口值守").annotate(
        holding=Count("enrollments", filter=Q(enrollments__status="attended"))
    ):
        assert shift.taken == shift.holding <= shift.capacity
    assert Enrollment.objects.filter(status="attended").count() == 1150
