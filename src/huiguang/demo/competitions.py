"""The demo city's project competitions (issue 12), deterministic from the seed.

- the first competition, 追梦金平湖·全民志愿红, co-hosted by 市委组织部, 市文明办 (宣传部), 团市委 and
  市民政局: three rounds (初赛 → 复赛 → 决赛, the final on 22 July at 东湖中学), twelve entries (one
  found not eligible), five judges per round with their scores, the rounds closed through the
  services (so the stored rankings are the rule's), two 最佳志愿服务项目奖 of 25,000 CNY to
  红色周末学堂 and 金平湖城市小管家, the results published;
- the second competition, open: its first round being scored, the demo judge (DEMO_ACCOUNTS
  "judge") among its judges with a declared conflict, half of his entries still to score.

Judges score only the entries the conflict rule shows them (selectors.judge_entries). Runs after
seed_projects with its own random.Random(seed). A few hundred queries.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.network.models import Grant as RoleGrant
from huiguang.network.models import Organization
from huiguang.projects.models import (
    AwardLevel,
    Competition,
    Criterion,
    Entry,
    Judge,
    Project,
    Round,
    Score,
    Track,
)
from huiguang.projects.selectors.competitions import judge_entries
from huiguang.projects.services.judging import award_give, results_publish, round_close

from .accounts import ACCOUNTS_BY_KEY

WINNERS = ("红色周末学堂", "金平湖城市小管家")
CO_HOSTS = ("市委组织部", "市文明办", "团市委", "市民政局")
TRACKS = ("社区治理", "助老扶幼", "文明实践")
CRITERIA = (("项目设计", 30), ("实施成效", 40), ("可持续性", 30))
JUDGE_NAMES = ("沈文博", "顾晓岚", "陆建华", "朱敏", "姚国平", "钟雅琴")
# A minimal PDF standing in for a scanned application form (the demo has no real scans).
FORM_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _judge_users() -> list[User]:
    account = ACCOUNTS_BY_KEY["judge"]
    users = [User.objects.filter(phone=account.phone).first()]
    for i, name in enumerate(JUDGE_NAMES[1:], start=1):
        user, _ = User.objects.get_or_create(
            phone=f"1380000{4100 + i}", defaults={"display_name": f"{name}（评委）"}
        )
        users.append(user)
    return [u for u in users if u is not None]


def _competition(name, year, hosts, rounds, entries_close_on, blind=False):
    competition = Competition.objects.create(
        name=name,
        year=year,
        entries_close_on=entries_close_on,
        blind_review=blind,
        description="面向全市志愿服务组织征集优秀志愿服务项目，经初赛、复赛和决赛评选，获奖项目获得创投资助。",
        entry_rules="项目已实施一年以上；由项目所属组织报名；提交申报书（PDF）和项目照片。",
    )
    competition.co_hosts.set(hosts)
    tracks = [Track.objects.create(competition=competition, name=t) for t in TRACKS]
    made = []
    for number, (rname, starts, ends, venue, advance) in enumerate(rounds, start=1):
        rnd = Round.objects.create(
            competition=competition,
            number=number,
            name=rname,
            starts_on=starts,
            ends_on=ends,
            venue=venue,
            advance_count=advance,
        )
        Criterion.objects.bulk_create(Criterion(round=rnd, name=n, weight=w) for n, w in CRITERIA)
        made.append(rnd)
    return competition, tracks, made


def _enter(competition, tracks, projects, first_round, rng, submitted_at, ineligible: int | None = None):
    entries = []
    for i, project in enumerate(projects):
        entry = Entry(
            competition=competition,
            track=tracks[i % len(tracks)],
            project=project,
            organization=project.organization,
            summary=f"{project.name}：{project.beneficiaries or '社区居民'}。{project.goals}",
            status=Entry.Status.INELIGIBLE if i == ineligible else Entry.Status.ELIGIBLE,
            review_note="项目实施不满一年。" if i == ineligible else "",
            current_round=None if i == ineligible else first_round,
        )
        entry.application_form.save(
            f"demo-{competition.pk}-{project.pk}.pdf", ContentFile(FORM_PDF), save=False
        )
        entry.save()
        entries.append(entry)
    Entry.objects.filter(pk__in=[e.pk for e in entries]).update(submitted_at=submitted_at)
    for k, entry in enumerate(entries):  # distinct submission times: the last tie rule needs them
        Entry.objects.filter(pk=entry.pk).update(submitted_at=submitted_at + dt.timedelta(minutes=7 * k))
    return entries


def _score_round(rnd, judges, rng, *, favour=(), skip_every: int = 0) -> int:
    """Every judge scores the entries the conflict rule shows him (the winners a little higher)."""
    criteria = list(rnd.criteria.all())
    rows = []
    for j_index, judge in enumerate(judges):
        for e_index, entry in enumerate(judge_entries(judge)):
            if skip_every and (e_index + j_index) % skip_every == 0:
                continue
            base = 88 if entry.project.name in favour else 70
            for c in criteria:
                rows.append(
                    Score(judge=judge, entry=entry, criterion=c, value=min(100, base + rng.randrange(0, 12)))
                )
    Score.objects.bulk_create(rows)
    return len(rows)


def seed_competitions(*, seed: int, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(f"competitions-{seed}")
    admin_grant = (
        RoleGrant.objects.filter(role=RoleGrant.Role.CITY_ADMIN).select_related("user").order_by("pk").first()
    )
    winners = list(Project.objects.filter(name__in=WINNERS).select_related("organization").order_by("name"))
    if admin_grant is None or len(winners) < 2:
        return {}
    admin = admin_grant.user
    hosts = list(Organization.objects.filter(name__in=CO_HOSTS))
    others = list(
        Project.objects.exclude(name__in=WINNERS).select_related("organization").order_by("name", "pk")
    )
    rng.shuffle(others)
    users = _judge_users()

    # The first competition: held this year if its final (22 July) is past, else last year.
    year = today.year if today >= dt.date(today.year, 7, 23) else today.year - 1
    d = lambda m, day: dt.date(year, m, day)  # noqa: E731
    first, tracks, rounds = _competition(
        "追梦金平湖·全民志愿红",
        year,
        hosts,
        [
            ("初赛", d(6, 20), d(6, 30), "线上评审", 6),
            ("复赛", d(7, 8), d(7, 12), "市青少年宫", 3),
            ("决赛", d(7, 22), d(7, 22), "东湖中学", 0),
        ],
        d(6, 15),
    )
    submitted = timezone.make_aware(dt.datetime(year, 6, 1, 9, 0))
    entries = _enter(first, tracks, [*winners, *others[:10]], rounds[0], rng, submitted, ineligible=11)
    counts = {"competitions": 2, "entries": len(entries), "judges": 0, "scores": 0}
    for rnd in rounds:
        judges = [Judge.objects.create(user=u, competition=first, round=rnd) for u in users[:5]]
        counts["judges"] += len(judges)
        counts["scores"] += _score_round(rnd, judges, rng, favour=WINNERS)
        round_close(actor=admin, rnd=rnd)
    best = AwardLevel.objects.create(
        competition=first, name="最佳志愿服务项目奖", prize_fen=2_500_000, places=2
    )
    merit = AwardLevel.objects.create(
        competition=first, name="优秀志愿服务项目奖", prize_fen=500_000, places=3
    )
    final = list(rounds[2].results.order_by("rank").select_related("entry"))
    for result in final:
        level = best if result.entry.project.name in WINNERS else merit
        award_give(actor=admin, entry=result.entry, level=level)
    results_publish(actor=admin, competition=first)

    # The second competition: its first round being scored now; the demo judge declared a conflict.
    second, tracks2, rounds2 = _competition(
        f"追梦金平湖·全民志愿红（第二届 {today.year + 1}）",
        today.year + 1,
        hosts,
        [
            ("初赛", today - dt.timedelta(days=3), today + dt.timedelta(days=11), "线上评审", 4),
            ("决赛", today + dt.timedelta(days=30), today + dt.timedelta(days=30), "东湖中学", 0),
        ],
        today - dt.timedelta(days=5),
        blind=True,
    )
    entries2 = _enter(second, tracks2, others[10:18], rounds2[0], rng, timezone.now() - dt.timedelta(days=20))
    judges2 = [Judge.objects.create(user=u, competition=second, round=rounds2[0]) for u in users[:5]]
    judges2[0].conflicts.set([entries2[0].organization])
    counts["entries"] += len(entries2)
    counts["judges"] += len(judges2)
    counts["scores"] += _score_round(rounds2[0], judges2, rng, skip_every=2)
    return counts
