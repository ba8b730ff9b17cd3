"""The demo city's credit scores and honors: honors for some of the most active volunteers and a
few organizations (through the honor service's rules, written in bulk), a snapshot for every
volunteer by the nightly recompute, and one review request waiting for the city admin (from the
demo volunteer 张晓雯, account "volunteer"). Deterministic from the seed."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Sum

from huiguang.credit.models import CreditReview, Honor
from huiguang.credit.services.reviews import review_request
from huiguang.credit.services.snapshots import snapshots_recompute_all
from huiguang.ledger.models import VolunteerHours
from huiguang.network.models import Grant, Organization
from huiguang.projects.models import Project
from huiguang.volunteers.models import Volunteer

from .accounts import ACCOUNTS_BY_KEY

VOLUNTEER_TITLES = [
    ("优秀志愿者", Honor.Level.CITY, "共青团平湖市委员会"),
    ("最美志愿者", Honor.Level.CITY, "平湖市文明办"),
    ("浙江省优秀志愿者", Honor.Level.PROVINCE, "浙江省志愿服务联合会"),
    ("全国优秀志愿者", Honor.Level.NATIONAL, "中央文明办"),
]
ORGANIZATION_TITLES = [
    ("优秀志愿服务组织", Honor.Level.CITY, "平湖市文明办"),
    ("浙江省五星级志愿服务组织", Honor.Level.PROVINCE, "浙江省志愿服务联合会"),
]
CITATIONS = ["长期坚持社区助老服务", "疫情防控一线表现突出", "组织多场文明实践活动", "常年参与环境保护行动"]


PROJECT_TITLES = [
    ("浙江省优秀志愿服务项目", Honor.Level.PROVINCE, "浙江省志愿服务联合会"),
    ("全国最佳志愿服务项目", Honor.Level.NATIONAL, "中央文明办"),
]


def _honor(rng: random.Random, today: dt.date, actor, title: tuple, **recipient) -> Honor:
    name, level, issuer = title
    return Honor(
        title=name,
        level=level,
        issuer=issuer,
        awarded_on=today - dt.timedelta(days=rng.randint(30, 700)),
        citation=rng.choice(CITATIONS),
        created_by=actor,
        **recipient,
    )


def seed_credit(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    admin = Grant.objects.filter(role=Grant.Role.CITY_ADMIN).select_related("user").order_by("pk").first()
    actor = admin.user if admin else None
    top = list(
        VolunteerHours.objects.filter(credit_minutes__gt=0)
        .order_by("-credit_minutes", "volunteer_id")
        .values_list("volunteer_id", flat=True)[:40]
    )
    honors = []
    for i, volunteer_id in enumerate(top):
        if rng.random() < 0.5:
            continue
        title = VOLUNTEER_TITLES[0 if i > 10 else rng.randrange(len(VOLUNTEER_TITLES))]
        honors.append(_honor(rng, today, actor, title, volunteer_id=volunteer_id))
    busiest = (
        Organization.objects.filter(status=Organization.Status.ACTIVE)
        .annotate(m=Sum("records__minutes"))
        .filter(m__gt=0)
        .order_by("-m", "pk")[:5]
    )
    for org in busiest:
        title = ORGANIZATION_TITLES[rng.randrange(len(ORGANIZATION_TITLES))]
        honors.append(_honor(rng, today, actor, title, organization=org))
    # Brand projects win provincial and national awards (issue 12); the competition's awards became
    # their projects' honors when its results were published (demo/competitions.py).
    brand_projects = Project.objects.filter(brand__isnull=False).order_by("pk")[: len(PROJECT_TITLES)]
    for project, title in zip(brand_projects, PROJECT_TITLES, strict=False):
        honors.append(_honor(rng, today, actor, title, project=project))
    Honor.objects.bulk_create(honors)
    result = snapshots_recompute_all()
    reviews = 0
    demo = Volunteer.objects.filter(user__phone=ACCOUNTS_BY_KEY["volunteer"].phone).first()
    if demo is not None and not CreditReview.objects.filter(volunteer=demo).exists():
        review_request(
            volunteer=demo, text="上个月我参加了两次活动，守约率里的缺席记录似乎不对，请帮忙核实。"
        )
        reviews = 1
    return {"honors": len(honors), "snapshots": result.written, "reviews_open": reviews}
