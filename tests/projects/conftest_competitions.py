"""The competitions' scene and the judge persona: a competition co-hosted by org B with three
rounds, an entry of org A's project and one of org B's, and a judge of the first round who is a
member of org B (so org B's entry is never his to see)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from huiguang.projects.models import AwardLevel, Competition, Criterion, Entry, Judge, Round, Track

from ..factories import member

JUDGE = "judge"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Contest:
    competition: Competition
    rounds: list
    track: Track
    entry_a: Entry
    entry_b: Entry
    judge: Judge
    level: AwardLevel


def make_entry(competition, project, track, *, rnd=None, **fields) -> Entry:
    entry = Entry(
        competition=competition,
        project=project,
        track=track,
        organization=project.organization,
        summary="项目简介",
        status=Entry.Status.ELIGIBLE if rnd else Entry.Status.SUBMITTED,
        current_round=rnd,
        **fields,
    )
    entry.application_form.save("form.pdf", ContentFile(PDF), save=False)
    entry.save()
    return entry


@pytest.fixture
def contest(city, scene) -> Contest:
    today = timezone.localdate()
    competition = Competition.objects.create(
        name="追梦金平湖·全民志愿红", year=today.year, entries_close_on=today + dt.timedelta(days=10)
    )
    competition.co_hosts.set([city.org_b])
    track = Track.objects.create(competition=competition, name="社区治理")
    rounds = [
        Round.objects.create(
            competition=competition,
            number=n,
            name=name,
            starts_on=today + dt.timedelta(days=10 * n),
            ends_on=today + dt.timedelta(days=10 * n + 5),
            advance_count=adv,
        )
        for n, name, adv in [(1, "初赛", 2), (2, "复赛", 2), (3, "决赛", 0)]
    ]
    for r in rounds:
        Criterion.objects.create(round=r, name="创新性", weight=40)
        Criterion.objects.create(round=r, name="成效", weight=60)
    entry_a = make_entry(competition, scene.project, track, rnd=rounds[0])
    entry_b = make_entry(competition, scene.project_b, track, rnd=rounds[0])
    volunteer = member(city.org_b)
    judge = Judge.objects.create(user=volunteer.user, competition=competition, round=rounds[0])
    city.users[JUDGE] = volunteer.user
    level = AwardLevel.objects.create(
        competition=competition, name="最佳志愿服务项目奖", prize_fen=2_500_000, places=2
    )
    return Contest(competition, rounds, track, entry_a, entry_b, judge, level)
