"""The demo accounts: one per role, defined once here and used by seed_demo (which creates them)
and demo_logins (which reads them back from the database).

Every demo account, and every generated volunteer, logs in with DEMO_PASSWORD.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "Huiguang#2026"

# Organization codes the accounts refer to (services.py gives organizations these codes).
YOUTH_LEAGUE = "BM01"  # 团市委, the first department
CIVILIZATION_OFFICE = "BM02"  # 市文明办
MEDICAL_GUIDE_TEAM = "ZY01"  # 仁芯导医志愿服务队, the first professional team
RESCUE_TEAM = "ZY04"  # 曙光应急救援队
FAMILY_TEAM = "ZY05"  # 小银杏志愿服务队
DANGHU = "330482001"  # 当湖街道
DONGHU = "330482001001"  # 东湖社区
CHENGNAN = "330482001005"  # 城南社区
ZHAPU = "330482103"  # 乍浦镇


def village_team_code(region_code: str) -> str:
    return f"V{region_code}"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    label: Promise | str
    phone: str
    name: str
    grant: str = ""  # a Grant.Role value
    region: str = ""  # region code of a region_admin grant
    organization: str = ""  # organization code of an org_admin / leader grant
    affiliation: str = ""  # organization code shown next to a city-wide role
    # A volunteer profile (age at data.REFERENCE_TIME, residence code, memberships by code).
    volunteer: bool = False
    gender: str = ""
    age: int = 0
    residence: str = ""
    occupation: str = ""
    political: str = "masses"
    skills: tuple[str, ...] = ()
    member_of: tuple[str, ...] = ()
    applied_to: tuple[str, ...] = ()
    guardian: str = ""  # key of the guardian's account (minors)
    awaiting_consent: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "city_admin",
        _("city administrator"),
        "13800000001",
        "陈志远",
        grant="city_admin",
        affiliation=YOUTH_LEAGUE,
    ),
    DemoAccount(
        "auditor", _("auditor"), "13800000002", "周文静", grant="auditor", affiliation=CIVILIZATION_OFFICE
    ),
    DemoAccount(
        "town_admin",
        _("region administrator (town)"),
        "13800000003",
        "沈建明",
        grant="region_admin",
        region=DANGHU,
    ),
    DemoAccount(
        "community_admin",
        _("region administrator (community)"),
        "13800000004",
        "钱丽华",
        grant="region_admin",
        region=DONGHU,
    ),
    DemoAccount(
        "org_admin",
        _("organization administrator"),
        "13800000005",
        "顾慧敏",
        grant="org_admin",
        organization=MEDICAL_GUIDE_TEAM,
        volunteer=True,
        gender="F",
        age=38,
        residence="330482001002",
        occupation="护士",
        political="party",
        skills=("medical", "first_aid"),
    ),
    DemoAccount(
        "leader",
        _("team leader"),
        "13800000006",
        "陆建华",
        grant="leader",
        organization=MEDICAL_GUIDE_TEAM,
        volunteer=True,
        gender="M",
        age=45,
        residence=DONGHU,
        occupation="医生",
        political="party",
        skills=("medical", "first_aid", "driving"),
    ),
    DemoAccount(
        "volunteer",
        _("volunteer"),
        "13800000007",
        "张晓雯",
        volunteer=True,
        gender="F",
        age=26,
        residence=DONGHU,
        occupation="企业职工",
        political="league",
        skills=("photography", "foreign_language"),
        member_of=(MEDICAL_GUIDE_TEAM, village_team_code(DONGHU)),
        applied_to=(RESCUE_TEAM,),
    ),
    DemoAccount(
        "guardian",
        _("guardian of minor volunteers"),
        "13800000008",
        "徐国强",
        volunteer=True,
        gender="M",
        age=41,
        residence=CHENGNAN,
        occupation="工程师",
        skills=("driving", "computer"),
        member_of=(village_team_code(CHENGNAN), FAMILY_TEAM),
    ),
    DemoAccount(
        "minor",
        _("minor volunteer"),
        "13800000009",
        "徐子涵",
        volunteer=True,
        gender="F",
        age=12,
        residence=CHENGNAN,
        member_of=(FAMILY_TEAM,),
        guardian="guardian",
    ),
    DemoAccount(
        "minor_pending",
        _("minor volunteer awaiting consent"),
        "13800000010",
        "徐子墨",
        volunteer=True,
        gender="M",
        age=10,
        residence=CHENGNAN,
        guardian="guardian",
        awaiting_consent=True,
    ),
    DemoAccount(
        "outsider",
        _("region administrator (another town)"),
        "13800000011",
        "金伟东",
        grant="region_admin",
        region=ZHAPU,
    ),
    # partner staff of the first demo store (爱心店家): no grant, no volunteer profile
    DemoAccount("store_clerk", _("partner store clerk"), "13800000021", "沈晓芸"),
    DemoAccount("store_manager", _("partner store manager"), "13800000022", "陆建明"),
    # Partner staff: no grant; demo/benefits_loans.py links them to their partner (PartnerStaff).
    DemoAccount("bank_officer", _("bank officer (志愿贷)"), "13800000023", "顾海燕"),
    DemoAccount("education_officer", _("education officer (积分入学)"), "13800000024", "朱文博"),
    # projects: the league cadre who mentors projects of the 蒲公英 programme (no console role)
    DemoAccount(
        "mentor", _("project mentor (league cadre)"), "13800000031", "钱晓燕", affiliation=YOUTH_LEAGUE
    ),
    DemoAccount(
        "trainer",
        _("trainer (leader of the rescue team)"),
        "13800000012",
        "沈立新",
        grant="leader",
        organization=RESCUE_TEAM,
        volunteer=True,
        gender="M",
        age=39,
        residence=CHENGNAN,
        occupation="急诊科护士",
        political="party",
        skills=("first_aid", "medical"),
    ),
    # needs: a resident of 东湖社区 who asks for help (点单) and rates it (评单)
    DemoAccount("resident", _("resident"), "13800000130", "陈阿婆"),
    # competitions: a judge of the project competitions (no console role)
    DemoAccount("judge", _("competition judge"), "13800000032", "沈文博", affiliation=CIVILIZATION_OFFICE),
)

ACCOUNTS_BY_KEY = {account.key: account for account in DEMO_ACCOUNTS}
