"""Residents' requests for the demo city, written through the needs services: in each of a few
communities one request in every state (posted, accepted, declined with a reason, merged, dispatched,
open, taken, done, rated), the demo resident's own requests among them, and ratings. Deterministic
from the seed; the time windows lie around the moment of seeding, as a live queue would."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.activities.models import Category, Enrollment
from huiguang.core.id_card import make_id_number
from huiguang.needs.models import CareRecipient, Resident, ServiceRequest, Visit
from huiguang.needs.services import care as care_services
from huiguang.needs.services import requests as services
from huiguang.needs.services.ratings import rating_submit, rating_token
from huiguang.network.models import Grant, Membership, Organization, Region, Site
from huiguang.volunteers.models import Volunteer

from .accounts import ACCOUNTS_BY_KEY, DONGHU, village_team_code

COMMUNITIES = 6
NEEDS = [
    ("上门量血压、测血糖，老人行动不便", "medical"),
    ("独居老人家中灯泡坏了，需要帮忙更换", "elderly"),
    ("孩子放学后无人辅导作业，希望有志愿者帮忙", "education"),
    ("残疾人家庭需要陪同去医院复查", "disability"),
    ("楼道堆放杂物，需要帮忙清理", "environment"),
    ("老人想学用智能手机视频通话", "elderly"),
    ("磨刀、理发，行动不便的老人希望上门服务", "elderly"),
    ("家里水管漏水，老人不会处理", "elderly"),
    ("希望有人陪老人聊聊天", "elderly"),
]
STATES = ["posted", "accepted", "declined", "merged", "dispatched", "open", "taken", "done", "rated"]
COMMENTS = ["非常耐心，谢谢志愿者！", "来得很及时，服务很好。", "", "态度很好，下次还找你们。", "基本满意。"]


def _category(code: str) -> Category:
    found = Category.objects.filter(code=code).first()
    return found or Category.objects.order_by("sort", "pk").first()  # type: ignore[return-value]


def _position(region: Region, rng: random.Random) -> tuple[Decimal, Decimal]:
    site = Site.objects.filter(region=region, lat__isnull=False).first()
    lat, lng = 30.70, 121.02  # the city centre when the community has no site with a position
    if site is not None and site.lat is not None and site.lng is not None:
        lat, lng = float(site.lat), float(site.lng)
    q = Decimal("0.000001")
    return (
        Decimal(str(lat + rng.uniform(-0.004, 0.004))).quantize(q),
        Decimal(str(lng + rng.uniform(-0.004, 0.004))).quantize(q),
    )


def seed_needs(*, rng: random.Random) -> dict[str, int]:
    admin = Grant.objects.filter(role=Grant.Role.CITY_ADMIN).select_related("user").first()
    if admin is None:
        return {"requests": 0, "ratings": 0}
    reviewer = admin.user
    account = ACCOUNTS_BY_KEY["resident"]
    donghu = Region.objects.get(code=DONGHU)
    resident_user = User.objects.get(phone=account.phone)
    resident = Resident.objects.create(
        user=resident_user,
        name=account.name,
        region=donghu,
        address="东湖社区 3 幢 2 单元 201 室",
        phone_verified_at=timezone.now(),
    )
    communities = [
        donghu,
        *Region.objects.filter(level=Region.Level.VILLAGE).exclude(pk=donghu.pk).order_by("path"),
    ]
    now = timezone.now().replace(second=0, microsecond=0)
    counts = {"requests": 0, "ratings": 0}
    # One activity a day per volunteer (the demo's rule): those serving today serve nothing else.
    today = timezone.localdate(now)
    busy = set(
        Enrollment.objects.filter(shift__starts_at__date=today)
        .exclude(status=Enrollment.Status.CANCELLED)
        .values_list("volunteer_id", flat=True)
    )
    for region in communities[:COMMUNITIES]:
        team = Organization.objects.filter(
            code=village_team_code(region.code), status=Organization.Status.ACTIVE
        ).first()
        if team is None:
            continue
        members = list(
            Volunteer.objects.filter(
                status=Volunteer.Status.ACTIVE,
                memberships__organization=team,
                memberships__status=Membership.Status.ACTIVE,
            )
            .exclude(pk__in=busy)
            .order_by("pk")[:12]
        )
        if not members:
            continue
        kept = None
        for i, state in enumerate(STATES):
            text, category = NEEDS[(i + len(region.code)) % len(NEEDS)]
            lat, lng = _position(region, rng)
            start = (
                now - dt.timedelta(hours=1)
                if state in ("taken", "done", "rated")
                else now + dt.timedelta(hours=rng.randint(2, 48))
            )
            mine = region == donghu and state in ("posted", "open", "rated", "declined")
            data = {
                "category": _category(category),
                "description": text,
                "address": f"{region.name}{rng.randint(1, 30)} 幢 {rng.randint(1, 6)}0{rng.randint(1, 4)} 室",
                "lat": lat,
                "lng": lng,
                "window_start": start,
                "window_end": start + dt.timedelta(hours=4),
                "phone": account.phone if mine else f"139{rng.randint(10**7, 10**8 - 1)}",
            }
            if mine:
                req = services.request_post(actor=resident.user, data=data)
            else:
                names = ["王阿婆", "李大爷", "张奶奶", "赵阿姨", "孙大伯", "周奶奶"]
                data.update(on_behalf=True, region=region, resident_name=rng.choice(names))
                req = services.request_post(actor=reviewer, data=data)
            counts["requests"] += 1
            _advance(
                req,
                state,
                reviewer=reviewer,
                team=team,
                members=members,
                busy=busy,
                kept=kept,
                rng=rng,
                counts=counts,
            )
            if state == "accepted":
                kept = req
    counts.update(seed_care(reviewer=reviewer, communities=communities[:COMMUNITIES], rng=rng))
    return counts


def _advance(req: ServiceRequest, state: str, *, reviewer, team, members, busy, kept, rng, counts) -> None:
    if state == "posted":
        return
    if state == "accepted":
        services.request_accept(actor=reviewer, req=req)
    elif state == "declined":
        services.request_decline(actor=reviewer, req=req, reason="该需求属于物业维修范围，已转交物业处理")
    elif state == "merged" and kept is not None:
        services.request_merge(actor=reviewer, req=req, into=kept)
    elif state == "dispatched":
        services.request_dispatch(actor=reviewer, req=req, organization=team)
    elif state == "open":
        services.request_open(actor=reviewer, req=req, organization=team)
    else:  # taken, done, rated: the team assigns one of its members
        services.request_dispatch(actor=reviewer, req=req, organization=team)
        free = [m for m in members if m.pk not in busy]
        if not free:  # everyone of the team serves elsewhere today: it stays dispatched
            return
        volunteer = free[rng.randrange(len(free))]
        busy.add(volunteer.pk)
        services.request_assign(actor=reviewer, req=req, volunteer=volunteer)
        if state in ("done", "rated"):
            req.refresh_from_db()
            services.request_close(actor=volunteer.user, req=req, notes="已上门服务，老人很满意。")
        if state == "rated":
            req.refresh_from_db()
            rating_submit(
                token=rating_token(req.rating_invite),
                score=rng.choice([5, 5, 4, 4, 3]),
                comment=rng.choice(COMMENTS),
            )
            counts["ratings"] += 1


# --- the care register: a few people per community, visit plans and a year of visits ------------------------

CARED = [
    ("lonely_elderly", "weekly", "独居，腿脚不便，需要每周上门看看"),
    ("disabled", "monthly", "重度残疾，需要定期上门、代购生活用品"),
    ("bereaved_family", "festivals", "失独家庭，节日上门慰问"),
    ("struggling_worker", "monthly", "困难职工，家中老人需要照看"),
]
CARED_NAMES = ["沈阿婆", "陆大爷", "顾奶奶", "朱伯伯", "钱阿姨", "徐爷爷", "陈奶奶", "蒋大伯"]
VISIT_NOTES = ["量了血压，精神不错", "陪聊了一小时", "帮忙打扫了卫生", "送去了米和油", "一切安好"]
FOUND = ["家里灯坏了", "想理发", "药快吃完了，需要代购"]


def _festivals(year: int) -> list[str]:
    # 春节, 端午, 中秋, 重阳 of the year (the lunar calendar moves them: the demo's years are listed).
    days = {
        2025: ["2025-01-29", "2025-05-31", "2025-10-06", "2025-10-29"],
        2026: ["2026-02-17", "2026-06-19", "2026-09-25", "2026-10-18"],
        2027: ["2027-02-06", "2027-06-09", "2027-09-15", "2027-10-08"],
    }
    return days.get(year, [])


def seed_care(*, reviewer, communities: list[Region], rng: random.Random) -> dict[str, int]:
    """Through the services: recipients with their plans; the past year's visits are written in one
    insert (the visit service stamps the present moment), about one in ten periods left unvisited."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    counts = {"care_recipients": 0, "visits": 0}
    visits: list[Visit] = []
    for c, region in enumerate(communities):
        team = Organization.objects.filter(
            code=village_team_code(region.code), status=Organization.Status.ACTIVE
        ).first()
        if team is None:
            continue
        members = list(
            Volunteer.objects.filter(
                status=Volunteer.Status.ACTIVE,
                memberships__organization=team,
                memberships__status=Membership.Status.ACTIVE,
            ).order_by("pk")[:6]
        )
        if not members:
            continue
        for k in range(3):
            category, frequency, needs = CARED[(c + k) % len(CARED)]
            lat, lng = _position(region, rng)
            named = members[k % len(members)]
            birth = dt.date(1938 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28))
            recipient = care_services.care_recipient_create(
                actor=reviewer,
                data={
                    "category": category,
                    "name": CARED_NAMES[(c * 3 + k) % len(CARED_NAMES)],
                    "id_number": make_id_number("330482", birth, 500 + c * 10 + k),
                    "phone": f"136{rng.randint(10**7, 10**8 - 1)}",
                    "region": region,
                    "address": _address(region, rng),
                    "lat": lat,
                    "lng": lng,
                    "needs": needs,
                    "organization": team,
                    "volunteers": [named],
                },
            )
            plan = care_services.visit_plan_create(
                actor=reviewer,
                recipient=recipient,
                data={
                    "frequency": frequency,
                    "festival_dates": _festivals(start.year) + _festivals(today.year),
                    "starts_on": start,
                    "volunteers": [named],
                },
            )
            counts["care_recipients"] += 1
            visits.extend(_year_of_visits(recipient, plan, named, start, today, rng))
    Visit.objects.bulk_create(visits)
    counts["visits"] = len(visits)
    return counts


def _address(region: Region, rng: random.Random) -> str:
    return f"{region.name}{rng.randint(1, 30)} 幢 {rng.randint(1, 6)}0{rng.randint(1, 4)} 室"


def _year_of_visits(recipient: CareRecipient, plan, volunteer, start: dt.date, today: dt.date, rng):
    if plan.frequency == "weekly":
        days = [start + dt.timedelta(days=7 * w + rng.randint(0, 4)) for w in range(52)]
    elif plan.frequency == "monthly":
        days = [start + dt.timedelta(days=30 * m + rng.randint(0, 20)) for m in range(12)]
    else:
        days = [dt.date.fromisoformat(d) + dt.timedelta(days=rng.randint(-2, 1)) for d in plan.festival_dates]
    out = []
    for day in days:
        if not (start <= day < today) or rng.random() < 0.1:  # about one in ten missed
            continue
        at = timezone.make_aware(
            dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice([0, 15, 30])))
        )
        found = rng.choice(FOUND) if rng.random() < 0.08 else ""
        out.append(
            Visit(
                recipient=recipient,
                plan=plan,
                organization=plan.organization,
                volunteer=volunteer,
                visited_at=at,
                lat=recipient.lat,
                lng=recipient.lng,
                distance_m=rng.randint(3, 60),
                notes=rng.choice(VISIT_NOTES),
                needs_found=found,
            )
        )
    return out
