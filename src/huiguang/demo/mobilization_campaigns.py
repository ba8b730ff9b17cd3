"""The demo city's rapid mobilization campaign (`seed_demo`): 2020年疫情防控志愿者招募, ended and kept
as history — up to 2,100 recruits (the source report: 2,100+ recruited, 1,150+ deployed within weeks)
at every stage, the deployed ones with an attended place on the 2020 checkpoint shifts.

Everything is written with bulk inserts (the services are for live campaigns; a seeded history
needs none of their notifications), and the rows agree with each other exactly as the services
would leave them: every deployed recruit has one attended enrollment on his shift, every shift's
`taken` equals its enrollments, so the board's funnel equals the rows.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from huiguang.activities.models import Activity, Category, Enrollment, Shift
from huiguang.mobilization.models.campaigns import Campaign, Recruit, ScreeningQuestion
from huiguang.network.models import Organization, Region
from huiguang.training.models import Course
from huiguang.volunteers.models import Volunteer

RECRUITS = 2100
DEPLOYED = 1150
TZ = ZoneInfo("Asia/Shanghai")
DAY0 = dt.datetime(2020, 1, 26, 8, 0, tzinfo=TZ)  # the call went out on the second day of the Spring Festival


def _town_by_region() -> dict[int, int]:
    """{region id: id of its town} for every region at or below a town."""
    towns = {r.path: r.pk for r in Region.objects.filter(level=Region.Level.TOWN)}
    out = {}
    for pk, path in Region.objects.values_list("pk", "path"):
        parts = [p for p in path.split("/") if p]
        for i in range(len(parts)):
            town = towns.get("/".join(parts[: i + 1]) + "/")
            if town is not None:
                out[pk] = town
                break
    return out


def seed_mobilization_campaigns(*, rng: random.Random) -> dict[str, int]:
    city = Region.objects.filter(level=Region.Level.CITY).order_by("pk").first()
    league = Organization.objects.filter(status=Organization.Status.ACTIVE).order_by("pk").first()
    category = Category.objects.order_by("pk").first()
    if city is None or league is None or category is None:
        return {}
    course = Course.objects.filter(category=Course.Category.INDUCTION, grants__isnull=False).first()
    campaign = Campaign.objects.create(
        name="2020年疫情防控志愿者招募",
        description="新冠肺炎疫情防控期间，面向全市招募志愿者，经健康审核和岗前培训后，"
        "分派到各镇街道卡口值守、社区排查和物资配送岗位。",
        region=city,
        status=Campaign.Status.ENDED,
        course=course,
        target_recruited=2000,
        target_screened=1800,
        target_trained=1500,
        target_deployed=1100,
        opened_at=DAY0,
        closed_at=DAY0 + dt.timedelta(days=25),
        ended_at=DAY0 + dt.timedelta(days=66),
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=DAY0 - dt.timedelta(hours=6))
    questions = ScreeningQuestion.objects.bulk_create(
        [
            ScreeningQuestion(
                campaign=campaign,
                position=0,
                text="近14天内是否有发热、咳嗽等症状，或有疫区旅居史？",
                choices=["yes", "no"],
                disqualifying=["yes"],
            ),
            ScreeningQuestion(
                campaign=campaign,
                position=1,
                text="是否患有高血压、糖尿病等基础疾病？",
                choices=["yes", "no"],
                review=["yes"],
            ),
        ]
    )

    fever, illness = (q.pk for q in questions)  # answers are keyed by question id, as recruit_join keeps them
    adults = list(
        Volunteer.objects.filter(status=Volunteer.Status.ACTIVE, birth_date__lte=dt.date(2002, 1, 26))
        .order_by("pk")
        .values_list("pk", "residence_region_id")
    )
    chosen = rng.sample(adults, min(RECRUITS, len(adults)))
    n = len(chosen)
    deployed_n = round(n * DEPLOYED / RECRUITS)
    # The rest of the funnel in the report's proportions: trained but not placed, screened but
    # not trained, rejected at screening, left waiting for a review when the campaign ended.
    trained_n = round(n * 0.14)
    screened_n = round(n * 0.12)
    rejected_n = round(n * 0.05)
    town_of = _town_by_region()

    # The checkpoint shifts, one activity per town, enough places for every deployed recruit.
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code")[:8]) or [city]
    per_shift = -(-deployed_n // (len(towns) * 2)) if deployed_n else 0
    activities = []
    for i, town in enumerate(towns):
        starts = DAY0 + dt.timedelta(days=8 + i % 5, hours=0)
        activities.append(
            Activity(
                organization=league,
                title=f"疫情防控卡口值守·{town.name}",
                category=category,
                description="进出车辆人员登记、测温、劝返。",
                region=town,
                address=f"{town.name}主要路口",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=10),
                status=Activity.Status.FINISHED,
            )
        )
    Activity.objects.bulk_create(activities)
    shifts = Shift.objects.bulk_create(
        [
            Shift(
                activity=a,
                name=name,
                starts_at=a.starts_at + dt.timedelta(hours=offset),
                ends_at=a.starts_at + dt.timedelta(hours=offset + 5),
                capacity=per_shift,
                waitlist_size=0,
            )
            for a in activities
            for name, offset in (("早班", 0), ("晚班", 5))
        ]
    )

    recruits, enrollments = [], []
    for i, (volunteer_id, region_id) in enumerate(chosen):
        joined = DAY0 + dt.timedelta(minutes=int(rng.triangular(0, 60 * 24 * 20, 60 * 24 * 2)))
        screened = joined + dt.timedelta(hours=rng.randint(2, 30))
        trained = screened + dt.timedelta(days=rng.randint(1, 4))
        row = Recruit(
            campaign=campaign,
            volunteer_id=volunteer_id,
            town_id=town_of.get(region_id),
            answers={},
            joined_at=joined,
        )
        if i < deployed_n:
            shift = shifts[i % len(shifts)]
            row.stage, row.shift = Recruit.Stage.DEPLOYED, shift
            row.screened_at, row.trained_at = screened, trained
            row.deployed_at = max(trained + dt.timedelta(hours=6), shift.starts_at - dt.timedelta(days=1))
            enrollments.append(
                Enrollment(
                    shift=shift,
                    volunteer_id=volunteer_id,
                    status=Enrollment.Status.ATTENDED,
                    decided_at=row.deployed_at,
                )
            )
        elif i < deployed_n + trained_n:
            row.stage, row.screened_at, row.trained_at = Recruit.Stage.TRAINED, screened, trained
        elif i < deployed_n + trained_n + screened_n:
            row.stage, row.screened_at = Recruit.Stage.SCREENED, screened
        elif i < deployed_n + trained_n + screened_n + rejected_n:
            row.stage, row.rejected_at = Recruit.Stage.REJECTED, screened
            row.reason = "“近14天内是否有发热、咳嗽等症状，或有疫区旅居史？”的回答：yes"
        else:
            row.stage, row.needs_review = Recruit.Stage.RECRUITED, True
        row.answers = {
            str(fever): "yes" if row.stage == Recruit.Stage.REJECTED else "no",
            str(illness): "yes" if row.needs_review else "no",
        }
        recruits.append(row)
    Recruit.objects.bulk_create(recruits, batch_size=1000)
    Enrollment.objects.bulk_create(enrollments, batch_size=1000)
    held: dict[int, int] = {}
    for e in enrollments:
        held[e.shift.pk] = held.get(e.shift.pk, 0) + 1
    for shift in shifts:
        shift.taken = held.get(shift.pk, 0)
    Shift.objects.bulk_update(shifts, ["taken"])
    return {"campaigns": 1, "recruits": len(recruits), "deployed": len(enrollments)}
