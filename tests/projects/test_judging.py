"""Judging: the conflict rule, the ranking rule (reproducible, trimmed mean, ties), advancement,
awards and publishing (aggregates only in public; no score change afterwards)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.core.errors import Refused
from huiguang.core.models import AuditEntry
from huiguang.network.models import Grant
from huiguang.projects.models import Competition, Entry, Judge, RoundResult, Score
from huiguang.projects.services.judging import (
    aggregate_of,
    award_give,
    rank_entries,
    rank_round,
    results_publish,
    round_close,
    score_submit,
)

from ..conftest import login_client
from ..factories import UserFactory, bearer, member
from .conftest import JUDGE
from .conftest_competitions import make_entry


def _score(judge, entry, innovation, effect):
    crit = {c.name: c for c in judge.round.criteria.all()}
    score_submit(
        actor=judge.user,
        judge=judge,
        entry=entry,
        values={crit["创新性"].pk: innovation, crit["成效"].pk: effect},
    )


def _judges(contest, n, rnd=None):
    rnd = rnd or contest.rounds[0]
    return [
        Judge.objects.create(user=UserFactory(), competition=contest.competition, round=rnd) for _ in range(n)
    ]


def test_a_judge_never_sees_an_entry_of_his_own_organization(city, contest):
    client = login_client(city.users[JUDGE])
    home = client.get(reverse("projects:judge_home")).content.decode()
    assert contest.entry_a.project.name in home
    assert contest.entry_b.project.name not in home  # org B: he is a member there
    url_b = reverse("projects:judge_score", args=[contest.judge.pk, contest.entry_b.pk])
    assert client.get(url_b).status_code == 404
    crit = list(contest.rounds[0].criteria.all())
    assert client.post(url_b, {f"c{c.pk}": 90 for c in crit}).status_code == 404
    api = bearer(city.users[JUDGE])
    listed = api.get("/api/v1/judge/entries").json()
    assert [r["entry_id"] for r in listed] == [contest.entry_a.pk]
    body = {"scores": [{"criterion_id": c.pk, "value": 90} for c in crit]}
    path = f"/api/v1/judge/{contest.judge.pk}/entries/{contest.entry_b.pk}/scores"
    assert api.post(path, json.dumps(body), content_type="application/json").status_code == 404
    assert not Score.objects.exists()


def test_a_grant_in_a_parent_organization_or_a_declared_conflict_hides_the_entry(city, contest, scene):
    # An organization admin of org A judges: org A's subtree (org A1 included) is hidden from him.
    admin_judge = Judge.objects.create(
        user=city.users["org_admin"], competition=contest.competition, round=contest.rounds[0]
    )
    sub = make_entry(
        contest.competition,
        scene.project.__class__.objects.create(
            organization=city.org_a1,
            name="东湖小分队项目",
            category="community",
            starts_on=scene.project.starts_on,
        ),
        contest.track,
        rnd=contest.rounds[0],
    )
    client = login_client(city.users["org_admin"])
    for entry in (contest.entry_a, sub):
        assert client.get(reverse("projects:judge_score", args=[admin_judge.pk, entry.pk])).status_code == 404
    assert (
        client.get(reverse("projects:judge_score", args=[admin_judge.pk, contest.entry_b.pk])).status_code
        == 200
    )
    # A declared conflict hides an organization he has no tie to.
    outsider_judge = _judges(contest, 1)[0]
    outsider_judge.conflicts.set([city.org_a])
    client = login_client(outsider_judge.user)
    assert (
        client.get(reverse("projects:judge_score", args=[outsider_judge.pk, contest.entry_a.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("projects:judge_score", args=[outsider_judge.pk, contest.entry_b.pk])).status_code
        == 200
    )


def test_a_judge_scores_on_his_page_and_blind_review_hides_the_organization(city, contest):
    contest.competition.blind_review = True
    contest.competition.save()
    client = login_client(city.users[JUDGE])
    url = reverse("projects:judge_score", args=[contest.judge.pk, contest.entry_a.pk])
    page = client.get(url).content.decode()
    assert contest.entry_a.organization.name not in page
    crit = list(contest.rounds[0].criteria.all())
    assert client.post(url, {f"c{crit[0].pk}": 101, f"c{crit[1].pk}": 50}).status_code == 422
    assert not Score.objects.exists()
    assert client.post(url, {f"c{crit[0].pk}": 80, f"c{crit[1].pk}": 90}).status_code == 302
    assert dict(Score.objects.values_list("criterion__name", "value")) == {"创新性": 80, "成效": 90}
    assert AuditEntry.objects.filter(action="score_submitted").count() == 1


def test_the_aggregate_is_a_trimmed_mean_from_three_scores():
    assert aggregate_of([Decimal(60), Decimal(80), Decimal(100)]) == Decimal("80.00")
    assert aggregate_of([Decimal(10), Decimal(70), Decimal(80), Decimal(100)]) == Decimal("75.00")
    assert aggregate_of([Decimal(60), Decimal(81)]) == Decimal("70.50")  # fewer than 3: plain mean


def test_ties_follow_the_stated_rule():
    t0 = timezone.now()
    later = t0 + dt.timedelta(minutes=1)
    D = Decimal
    # Same aggregate 80: entry 1's median 80, entry 2's median 85 → entry 2 first.
    ranked = rank_entries(
        {1: [D(50), D(80), D(80), D(80), D(95)], 2: [D(60), D(70), D(85), D(85), D(99)]}, {1: t0, 2: t0}
    )
    assert [r.aggregate for r in ranked] == [D("80.00"), D("80.00")]
    assert [r.entry_id for r in ranked] == [2, 1]
    # Same aggregate and median: more totals of 90 or more wins.
    ranked = rank_entries({1: [D(70), D(80), D(90)], 2: [D(80), D(80), D(80)]}, {1: later, 2: t0})
    assert [r.entry_id for r in ranked] == [1, 2]
    # All equal: the earlier submission.
    ranked = rank_entries({1: [D(80)] * 3, 2: [D(80)] * 3}, {1: later, 2: t0})
    assert [r.entry_id for r in ranked] == [2, 1]


def test_the_stored_ranking_is_reproducible_from_the_scores(city, contest, scene):
    third = make_entry(
        contest.competition,
        scene.project.__class__.objects.create(
            organization=city.org_a1, name="三号项目", category="community", starts_on=scene.project.starts_on
        ),
        contest.track,
        rnd=contest.rounds[0],
    )
    judges = _judges(contest, 4)
    marks = {
        contest.entry_a: [(90, 80), (70, 75), (88, 92), (60, 99)],
        contest.entry_b: [(85, 85)] * 4,
        third: [(50, 60), (55, 65), (70, 70), (40, 90)],
    }
    for entry, pairs in marks.items():
        for judge, (i, e) in zip(judges, pairs, strict=True):
            _score(judge, entry, i, e)
    round_close(actor=city.users["city_admin"], rnd=contest.rounds[0])
    stored = list(RoundResult.objects.filter(round=contest.rounds[0]).order_by("rank"))
    # Recomputed by hand from the stored Score rows and the stated rule.
    totals = {}
    for entry in marks:
        per_judge = {}
        for s in Score.objects.filter(entry=entry).select_related("criterion"):
            per_judge.setdefault(s.judge_id, []).append(s.value * s.criterion.weight)
        totals[entry.pk] = sorted(Decimal(sum(v)) / 100 for v in per_judge.values())
    expected = sorted(totals, key=lambda pk: -(sum(totals[pk][1:-1]) / (len(totals[pk]) - 2)))
    assert [r.entry_id for r in stored] == expected == [contest.entry_b.pk, contest.entry_a.pk, third.pk]
    assert stored[0].aggregate == Decimal("85.00")
    assert [(r.entry_id, r.aggregate, r.rank) for r in stored] == [
        (r.entry_id, r.aggregate, r.rank) for r in rank_round(contest.rounds[0])
    ]
    # The first two advance to the 复赛, the third stays behind.
    assert [r.advanced for r in stored] == [True, True, False]
    assert set(Entry.objects.filter(current_round=contest.rounds[1]).values_list("pk", flat=True)) == {
        contest.entry_a.pk,
        contest.entry_b.pk,
    }
    with pytest.raises(Refused):
        _score(judges[0], contest.entry_a, 1, 1)  # the round is closed


def _run_to_the_end(city, contest):
    admin = city.users["city_admin"]
    for rnd in contest.rounds:
        for judge in _judges(contest, 3, rnd):
            for entry in Entry.objects.filter(current_round=rnd):
                _score(judge, entry, 90 if entry == contest.entry_a else 70, 90)
        round_close(actor=admin, rnd=rnd)
    award_give(actor=admin, entry=contest.entry_a, level=contest.level)
    results_publish(actor=admin, competition=contest.competition)


def test_published_results_show_aggregates_only_and_scores_are_frozen(city, contest):
    assert (
        login_client(None)
        .get(reverse("projects:competition_results", args=[contest.competition.pk]))
        .status_code
        == 404
    )
    _run_to_the_end(city, contest)
    page = login_client(None).get(reverse("projects:competition_results", args=[contest.competition.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "最佳志愿服务项目奖" in html and "90.00" in html and "82.00" in html
    assert "创新性" not in html  # no criterion, no judge's score
    api = login_client(None).get(f"/api/v1/competitions/{contest.competition.pk}/results").json()
    assert [r["aggregate"] for r in api["results"]] == ["90.00", "82.00"]
    assert api["results"][0]["award"] == "最佳志愿服务项目奖" and api["results"][0]["prize_fen"] == 2_500_000
    assert set(api["results"][0]) == {
        "rank",
        "entry_id",
        "project_name",
        "organization_name",
        "aggregate",
        "median",
        "n_scores",
        "award",
        "prize_fen",
    }
    # Every score change after publishing is refused, and nothing changes.
    final_judge = Judge.objects.filter(round=contest.rounds[2]).first()
    before = list(Score.objects.values_list("pk", "value"))
    with pytest.raises(Refused):
        _score(final_judge, contest.entry_a, 10, 10)
    assert list(Score.objects.values_list("pk", "value")) == before
    assert Competition.objects.get().status == Competition.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="results_published").count() == 1


def test_organizers_see_the_judges_scores_entrants_do_not(city, contest):
    _score(contest.judge, contest.entry_a, 77, 66)
    url = reverse("projects:entry_detail", args=[contest.entry_a.pk])
    assert 'id="scores"' in login_client(city.users["city_admin"]).get(url).content.decode()
    own = login_client(city.users["org_admin"]).get(url)
    assert own.status_code == 200 and 'id="scores"' not in own.content.decode()


def test_judge_list_queries_stay_constant(city, contest, scene, assert_queries_constant):
    client = login_client(city.users[JUDGE])

    def grow():
        for i in range(3):
            project = scene.project.__class__.objects.create(
                organization=city.org_a,
                name=f"项目{i}",
                category="community",
                starts_on=scene.project.starts_on,
            )
            make_entry(contest.competition, project, contest.track, rnd=contest.rounds[0])

    assert_queries_constant(lambda: client.get(reverse("projects:judge_home")), grow)
    assert_queries_constant(lambda: client.get("/api/v1/judge/entries"), grow)


def test_a_region_grant_hides_the_regions_organizations(city, contest):
    judge = member(city.org_a).user  # a member of org A, also a region admin of town B
    Grant.objects.create(user=judge, role=Grant.Role.REGION_ADMIN, region=city.town_b)
    j = Judge.objects.create(user=judge, competition=contest.competition, round=contest.rounds[0])
    client = login_client(judge)
    assert client.get(reverse("projects:judge_score", args=[j.pk, contest.entry_a.pk])).status_code == 404
    assert client.get(reverse("projects:judge_score", args=[j.pk, contest.entry_b.pk])).status_code == 404
