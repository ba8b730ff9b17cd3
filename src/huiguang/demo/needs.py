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
from huiguang.needs.models import Resident, ServiceRequest
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
