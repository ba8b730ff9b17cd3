"""The demo city's service projects, brands and funding (issue 12), deterministic from the seed.

- the brand 阳光爱心书屋 with its 8 sites (one reading room in each of eight villages) and its
  brand project, plus 红色周末学堂 and 金平湖城市小管家;
- the 蒲公英 programme of the 青苹果 fund: 27 youth projects funded with 200,000 CNY, each with
  three milestones (start, mid-term, closing) relative to today — some reports accepted, some
  waiting for the mentor, some milestones overdue — and the payments made so far;
- mentors: the demo mentor (DEMO_ACCOUNTS "mentor") guides nine projects, the city admin the rest;
- activities of the projects' organizations linked to their projects, before the ledger is
  seeded, so the confirmations fill the project rollups.

Runs between seed_activities and seed_ledger, with its own random.Random(seed): the draws of the
rest of the demo stay as they were. About a hundred queries.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db.models import Count
from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.activities.models import Activity
from huiguang.network.models import Grant as RoleGrant
from huiguang.network.models import Organization, Region, Site
from huiguang.projects.models import (
    Brand,
    Disbursement,
    Funder,
    Grant,
    Milestone,
    MilestoneReport,
    Programme,
    Project,
    ProjectMentor,
    SpendingLine,
)

from .accounts import ACCOUNTS_BY_KEY, YOUTH_LEAGUE, village_team_code

C = Project.Category
PUGONGYING = [  # 蒲公英 youth public-service projects: (name, category)
    ("小候鸟暑期课堂", C.CHILDREN),
    ("银龄手机课堂", C.ELDERLY),
    ("河小青护河行动", C.ENVIRONMENT),
    ("爱心理发进村", C.ELDERLY),
    ("心语聊天室", C.HEALTH),
    ("书香童年共读", C.CULTURE),
    ("反诈宣讲轻骑兵", C.CIVILITY),
    ("垃圾分类小管家", C.ENVIRONMENT),
    ("新居民子女学业辅导", C.CHILDREN),
    ("助残微心愿", C.DISABILITY),
    ("应急救护进社区", C.HEALTH),
    ("文明交通劝导", C.CIVILITY),
    ("非遗传承小课堂", C.CULTURE),
    ("独居老人暖心饭桌", C.ELDERLY),
    ("青春议事厅", C.COMMUNITY),
    ("乡村美育课堂", C.CHILDREN),
    ("红色故事宣讲团", C.CULTURE),
    ("社区邻里节", C.COMMUNITY),
    ("留守儿童亲情视频", C.CHILDREN),
    ("困境家庭助学", C.CHILDREN),
    ("湿地观鸟护鸟", C.ENVIRONMENT),
    ("法律明白人", C.CIVILITY),
    ("夕阳红健步走", C.ELDERLY),
    ("星星的孩子陪伴", C.DISABILITY),
    ("网格夜巡", C.COMMUNITY),
    ("田间科技服务", C.OTHER),
    ("心理护航进校园", C.HEALTH),
]
# 11 × 8,000 + 16 × 7,000 = 200,000 CNY (in fen)
AMOUNTS = [800_000] * 11 + [700_000] * 16
PROGRAMME_BUDGET = 20_000_000
MENTORED_BY_DEMO_MENTOR = 9


def _user(key: str) -> User | None:
    account = ACCOUNTS_BY_KEY.get(key)
    return User.objects.filter(phone=account.phone).first() if account else None


def _link_activities(project: Project, organization: Organization, n: int) -> int:
    ids = list(
        Activity.objects.filter(organization=organization, project__isnull=True)
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)[:n]
    )
    return Activity.objects.filter(pk__in=ids).update(project=project)


def _brand(rng: random.Random, league: Organization, today: dt.date) -> tuple[Brand, list[Project], int]:
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("code"))
    chosen = sorted(rng.sample(villages, min(8, len(villages))), key=lambda r: r.code)
    sites = Site.objects.bulk_create(
        [
            Site(
                name=f"阳光爱心书屋·{v.name}",
                kind=Site.Kind.YOUTH_HOME,
                region=v,
                organization=league,
                address=f"{v.name}村（社区）服务中心二楼",
            )
            for v in chosen
        ]
    )
    brand = Brand.objects.create(
        name="阳光爱心书屋",
        organization=league,
        description="团市委联合爱心企业在村（社区）建设的公益书屋，志愿者周末陪伴儿童阅读、做作业。",
    )
    brand.sites.set(sites)
    projects = [
        Project.objects.create(
            name="阳光爱心书屋·周末共读",
            brand=brand,
            organization=league,
            category=C.CULTURE,
            beneficiaries="农村留守儿童、新居民子女",
            goals="每个书屋每周至少开放一次，全年陪伴阅读 5000 人次。",
            starts_on=today - dt.timedelta(days=400),
            budget_fen=12_000_000,
            status=Project.Status.ACTIVE,
        )
    ]
    linked = _link_activities(projects[0], league, 6)
    return brand, projects, linked


def _named_owner(name: str) -> Organization | None:
    """The winners' own organizations (issue 12): 新庄村 of 林埭镇, the law-enforcement bureau's team."""
    if name == "红色周末学堂":
        village = Region.objects.filter(name="新庄村", parent__name="林埭镇").first()
        return Organization.objects.filter(code=village_team_code(village.code)).first() if village else None
    return Organization.objects.filter(name="金平湖城市小管家志愿服务队").first()


def _named_projects(organizations: Sequence[Organization], today: dt.date) -> list[Project]:
    """The two winners of the first competition, run as projects (the competition is the
    competitions' demo)."""
    made: list[Project] = []
    for name, category, beneficiaries in (
        ("红色周末学堂", C.CHILDREN, "新庄村青少年"),
        ("金平湖城市小管家", C.CIVILITY, "城区居民、商户"),
    ):
        owner = _named_owner(name) or organizations[len(made) % len(organizations)]
        made.append(
            Project.objects.create(
                name=name,
                organization=owner,
                category=category,
                beneficiaries=beneficiaries,
                goals="全年开展服务不少于 24 次。",
                starts_on=today - dt.timedelta(days=300),
                budget_fen=2_500_000,
                status=Project.Status.ACTIVE,
            )
        )
    return made


def seed_projects(*, seed: int, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(f"projects-{seed}")
    league = Organization.objects.filter(code=YOUTH_LEAGUE).first()
    admin_grant = (
        RoleGrant.objects.filter(role=RoleGrant.Role.CITY_ADMIN).select_related("user").order_by("pk").first()
    )
    if league is None or admin_grant is None:
        return {}
    admin, mentor = admin_grant.user, _user("mentor") or admin_grant.user
    # Organizations with activities run the projects (their activities link to them).
    teams: list[Organization] = list(
        Organization.objects.filter(status=Organization.Status.ACTIVE)
        .exclude(kind=Organization.Kind.DEPARTMENT)
        .annotate(n=Count("activities"))
        .filter(n__gt=0)
        .order_by("path")
    ) or [league]
    brand, brand_projects, linked = _brand(rng, league, today)
    named = _named_projects(teams, today)

    fund = Funder.objects.create(name="青苹果基金", kind=Funder.Kind.FUND, contact_name="王芳")
    Funder.objects.create(name="平湖市青年企业家协会", kind=Funder.Kind.ASSOCIATION)
    Funder.objects.create(name="共青团平湖市委员会", kind=Funder.Kind.DEPARTMENT)
    programme = Programme.objects.create(
        name="蒲公英计划",
        year=today.year,
        funder=fund,
        budget_fen=PROGRAMME_BUDGET,
        description="遴选 27 个青年公益项目，资助 20 万元，由团干部担任导师全程指导。",
    )
    awarded = today - dt.timedelta(days=150)
    counts = {"milestones": 0, "disbursements": 0, "reports": 0, "overdue": 0}
    mentors: list[ProjectMentor] = []
    for i, ((name, category), amount) in enumerate(zip(PUGONGYING, AMOUNTS, strict=True)):
        owner = teams[rng.randrange(len(teams))]
        project = Project.objects.create(
            name=name,
            organization=owner,
            category=category,
            beneficiaries="社区居民",
            goals="按节点完成服务并提交报告。",
            starts_on=awarded,
            ends_on=awarded + dt.timedelta(days=365),
            budget_fen=amount,
            status=Project.Status.ACTIVE,
        )
        linked += _link_activities(project, owner, 2)
        mentors.append(
            ProjectMentor(
                project=project, user=mentor if i < MENTORED_BY_DEMO_MENTOR else admin, assigned_by=admin
            )
        )
        grant = Grant.objects.create(
            project=project,
            funder=fund,
            programme=programme,
            amount_fen=amount,
            purpose="蒲公英计划项目资助",
            awarded_on=awarded,
            created_by=admin,
        )
        _milestones(rng, grant, awarded, today, admin, counts)
    ProjectMentor.objects.bulk_create(mentors)
    for project in [*brand_projects, *named]:
        linked += _link_activities(project, project.organization, 3)
    return {
        "brands": 1,
        "brand_sites": brand.sites.count(),
        "projects": Project.objects.count(),
        "programme_projects": len(PUGONGYING),
        "granted_fen": sum(AMOUNTS),
        "linked_activities": linked,
        **counts,
    }


def _milestones(
    rng: random.Random, grant: Grant, awarded: dt.date, today: dt.date, admin, counts: dict
) -> None:
    """Start (due 30 days after the award: done by most), mid-term (due 120 days after: some
    reports accepted, some waiting, some overdue) and closing (ahead)."""
    M, R = Milestone.Status, MilestoneReport.Status
    plan = [
        ("项目启动", 30, "实施方案、志愿者招募"),
        ("中期评估", 120, "服务记录、照片、支出明细"),
        ("结项验收", 330, "结项报告、成效评估"),
    ]
    start_paid = grant.amount_fen // 2
    Disbursement.objects.create(
        grant=grant,
        amount_fen=start_paid,
        paid_on=grant.awarded_on + dt.timedelta(days=7),
        note="首期拨付",
        created_by=admin,
    )
    paid = start_paid
    counts["disbursements"] += 1
    for step, (title, days, deliverables) in enumerate(plan):
        due = awarded + dt.timedelta(days=days)
        outcome = "open"
        if due < today:
            outcome = rng.choices(["accepted", "submitted", "open"], [7, 2, 1] if step == 0 else [4, 3, 3])[0]
        status = {"accepted": M.ACCEPTED, "submitted": M.REPORTED, "open": M.OPEN}[outcome]
        milestone = Milestone.objects.create(
            grant=grant, title=title, due_on=due, deliverables=deliverables, status=status
        )
        counts["milestones"] += 1
        counts["overdue"] += int(due <= today and status != M.ACCEPTED)
        if outcome == "open":
            continue
        report = MilestoneReport.objects.create(
            milestone=milestone,
            text=f"{title}：已按计划开展服务 {rng.randint(3, 12)} 次，服务对象 {rng.randint(30, 200)} 人次。",
            status=R.ACCEPTED if outcome == "accepted" else R.SUBMITTED,
            review_comment="材料齐全，同意通过。" if outcome == "accepted" else "",
            reviewed_at=timezone.now() if outcome == "accepted" else None,
        )
        counts["reports"] += 1
        spent = start_paid * rng.randint(30, 45) // 100
        SpendingLine.objects.bulk_create(
            [
                SpendingLine(report=report, item="活动物资", amount_fen=spent // 2),
                SpendingLine(report=report, item="志愿者保险", amount_fen=spent - spent // 2),
            ]
        )
        if outcome == "accepted" and step == 1 and paid + grant.amount_fen * 3 // 10 <= grant.amount_fen:
            second = grant.amount_fen * 3 // 10
            Disbursement.objects.create(
                grant=grant,
                milestone=milestone,
                amount_fen=second,
                paid_on=due + dt.timedelta(days=10),
                note="中期拨付",
                created_by=admin,
            )
            paid += second
            counts["disbursements"] += 1
    Grant.objects.filter(pk=grant.pk).update(paid_fen=paid)
