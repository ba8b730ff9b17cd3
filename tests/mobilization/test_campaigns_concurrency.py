"""Bulk deployment races: two bulk runs at once, and a bulk run against volunteers signing up
themselves, on the same shifts — the shifts are never overbooked, because every place is taken by
activities' one guarded counter (enrollments_place → _claim_many, under the shift's lock). Real
threads, one connection each; on PostgreSQL with DATABASE_URL=postgres://… (the control test,
which removes the guard, runs only there)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from huiguang.activities.models import Enrollment, Shift
from huiguang.activities.rules import SHIFT_RULE_PREFETCH
from huiguang.activities.services import enrollments
from huiguang.activities.services.enrollments import EnrollmentRefused, enrollment_create
from huiguang.mobilization.models.campaigns import Campaign
from huiguang.mobilization.services.campaigns import recruits_assign

from ..factories import at_once, make_activity, make_shift
from .campaign_scene import open_campaign, recruits_in_bulk, volunteers_in_bulk

pytestmark = pytest.mark.django_db(transaction=True)


def _two_campaigns(city, per_campaign: int, capacity: int):
    shifts = [
        make_shift(make_activity(city.org_a, days=3, hours=3, title=f"集中隔离点值守{i}"), capacity=capacity)
        for i in range(2)
    ]
    campaigns = []
    for i in range(2):
        campaign = open_campaign(city, name=f"动员{i}")
        recruits_in_bulk(campaign, volunteers_in_bulk(city.town_a, per_campaign), town=city.town_a)
        campaigns.append(campaign)
    return campaigns, shifts


def _assign(city, shifts):
    def work(campaign_id):
        campaign = Campaign.objects.get(pk=campaign_id)
        result = recruits_assign(
            actor=city.users["city_admin"],
            campaign=campaign,
            shifts=list(
                Shift.objects.filter(pk__in=[s.pk for s in shifts]).select_related("activity").order_by("pk")
            ),
        )
        return len(result.placed)

    return work


def _taken(shifts):
    return {
        s.pk: (s.taken, Enrollment.objects.filter(shift=s, status="confirmed").count())
        for s in Shift.objects.filter(pk__in=[s.pk for s in shifts])
    }


def test_two_bulk_runs_at_once_never_overbook_the_shifts(city):
    campaigns, shifts = _two_campaigns(city, per_campaign=40, capacity=25)
    outcomes = at_once([c.pk for c in campaigns], _assign(city, shifts))
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    assert sum(outcomes) == 50
    assert _taken(shifts) == {s.pk: (25, 25) for s in shifts}


def test_a_bulk_run_and_volunteers_signing_up_share_the_places_exactly(city):
    campaigns, shifts = _two_campaigns(city, per_campaign=30, capacity=20)
    walk_ins = volunteers_in_bulk(city.town_b, 12)

    def work(job):
        if job == "bulk":
            return _assign(city, shifts)(campaigns[0].pk)
        try:
            return enrollment_create(volunteer=job, shift=Shift(pk=shifts[0].pk), actor=job.user).status
        except EnrollmentRefused as exc:
            return exc.reason

    outcomes = at_once(["bulk", *walk_ins], work)
    assert not [o for o in outcomes if str(o).startswith("error")], outcomes
    taken = _taken(shifts)
    assert taken[shifts[0].pk] == (20, 20)  # 12 walk-ins and 30 recruits wanted its 20 places
    walked_in = outcomes.count("confirmed")
    placed = next(o for o in outcomes if isinstance(o, int))
    # The recruits who did not fit on the first shift went to the second, as far as it had places.
    assert placed == min(30, 40 - walked_in)
    assert taken[shifts[1].pk] == (placed - (20 - walked_in),) * 2


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite's IMMEDIATE transactions serialize writers, so the naive code cannot race there",
)
def test_control_without_the_guard_two_bulk_runs_overbook(city, monkeypatch):
    """Take the shift's lock and the guarded UPDATE away: the two runs overbook, which shows the
    guard is what keeps the test above exact."""

    def unlocked(shift_id):
        return (
            Shift.objects.select_related("activity").prefetch_related(*SHIFT_RULE_PREFETCH).get(pk=shift_id)
        )

    def unguarded(shift, n):
        # The naive write: the counter set from what this run read, not checked against the row.
        Shift.objects.filter(pk=shift.pk).update(taken=shift.taken + n)
        shift.taken += n
        return n

    assert connection.vendor == "postgresql"
    monkeypatch.setattr(enrollments, "_lock_shift", unlocked)
    monkeypatch.setattr(enrollments, "_claim_many", unguarded)
    campaigns, shifts = _two_campaigns(city, per_campaign=40, capacity=25)
    outcomes = at_once([c.pk for c in campaigns], _assign(city, shifts))
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    assert sum(outcomes) > 50
    assert any(confirmed > 25 for _counter, confirmed in _taken(shifts).values())
