"""The demo city: `huiguang seed_demo` builds Pinghu deterministically; `huiguang demo_logins`
prints one working account per role."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from huiguang.accounts.models import User
from huiguang.core.id_card import age_on, parse_id_number
from huiguang.demo import data
from huiguang.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from huiguang.demo.management.commands.demo_logins import display_width
from huiguang.demo.selectors import demo_login_list
from huiguang.network.models import Grant, Membership, Organization, Region, Site
from huiguang.volunteers.models import Skill, Volunteer, VolunteerNumberSequence

pytestmark = pytest.mark.django_db

VOLUNTEERS = 200
REF_DAY = data.REFERENCE_TIME.date()


def seed(volunteers: int = VOLUNTEERS, seed: int = 7, **options) -> str:
    """The network and the people only: activities and hours are tested in test_demo_activities."""
    out = StringIO()
    options.setdefault("network_only", True)
    call_command("seed_demo", volunteers=volunteers, seed=seed, stdout=out, **options)
    return out.getvalue()


def logins_output() -> str:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Region, Organization, Site, User, Volunteer, Membership, Grant, Skill)
    }


# --- the network -------------------------------------------------------------------------------


def test_city_has_three_streets_and_six_towns_with_villages(seeded):
    city = Region.objects.get(level=Region.Level.CITY)
    assert (city.code, city.name) == ("330482", "平湖市")
    towns = Region.objects.filter(level=Region.Level.TOWN).order_by("code")
    assert [t.name for t in towns] == [
        "当湖街道",
        "钟埭街道",
        "曹桥街道",
        "新埭镇",
        "新仓镇",
        "乍浦镇",
        "独山港镇",
        "广陈镇",
        "林埭镇",
    ]
    assert all(re.fullmatch(r"330482(00[1-3]|10[1-6])", t.code) for t in towns)
    for town in towns:
        villages = list(town.children.all())
        assert 6 <= len(villages) <= 12
        assert all(
            v.level == Region.Level.VILLAGE
            and len(v.code) == 12
            and v.code.startswith(town.code)
            and v.path == f"{town.path}{v.code}/"
            and v.population > 0
            for v in villages
        )
        # Communities (社区) take codes 0xx, villages (村) 2xx.
        assert all((v.code[9] == "0") == v.name.endswith("社区") for v in villages)
        assert town.population == sum(v.population for v in villages)
    assert city.population == sum(t.population for t in towns)


def test_departments_and_professional_teams_of_the_report(seeded):
    departments = Organization.objects.filter(kind=Organization.Kind.DEPARTMENT)
    assert departments.count() >= 20
    names = set(departments.values_list("name", flat=True))
    assert {
        "团市委",
        "市文明办",
        "市卫健局",
        "市教育局",
        "市残联",
        "农商银行平湖支行",
        "市消防救援大队",
    } <= names
    assert not departments.filter(staff_count=0).exists()

    teams = Organization.objects.filter(kind=Organization.Kind.PROFESSIONAL)
    assert teams.count() >= 20
    team_names = set(teams.values_list("name", flat=True))
    assert {
        "仁芯导医志愿服务队",
        "助残服务队",
        "12316农技党员志愿者服务队",
        "曙光应急救援队",
        "小银杏志愿服务队",
        "反诈宣传志愿服务队",
    } <= team_names
    assert teams.get(name="仁芯导医志愿服务队").specialty == "导医导诊"
    assert teams.get(name="仁芯导医志愿服务队").parent.name == "市卫健局"


def test_station_tiers_head_branch_and_posts(seeded):
    head = Organization.objects.get(tier=Organization.Tier.HEAD)
    assert head.name == "平湖市志愿者协会"
    branches = Organization.objects.filter(tier=Organization.Tier.BRANCH)
    assert branches.count() == 9
    assert all(b.parent_id == head.pk and b.region.level == Region.Level.TOWN for b in branches)
    posts = Organization.objects.filter(tier=Organization.Tier.POST).select_related("region", "parent")
    assert posts.count() >= 9
    assert all(
        p.region.level == Region.Level.VILLAGE and p.parent.tier == Organization.Tier.BRANCH for p in posts
    )


def test_two_organizations_wait_for_approval_with_an_applicant(seeded):
    pending = Organization.objects.filter(status=Organization.Status.PENDING)
    assert pending.count() == 2
    assert all(org.applicant_id and org.contact_phone for org in pending)
    assert (
        Organization.objects.exclude(
            status__in=[Organization.Status.ACTIVE, Organization.Status.PENDING]
        ).count()
        == 0
    )


def test_every_site_kind_is_placed_around_pinghu(seeded):
    kinds = set(Site.objects.values_list("kind", flat=True))
    assert kinds == set(Site.Kind.values)
    lat0, lng0 = Decimal("30.70"), Decimal("121.02")
    for site in Site.objects.all():
        assert abs(site.lat - lat0) < Decimal("0.2") and abs(site.lng - lng0) < Decimal("0.25")
        assert site.address.startswith("平湖市") and site.organization_id
    towns_with_sites = {s.region.path[:17] for s in Site.objects.select_related("region")}
    assert len(towns_with_sites) == 9


# --- volunteers --------------------------------------------------------------------------------


def test_requested_number_of_volunteers_with_unique_valid_id_numbers(seeded):
    volunteers = list(Volunteer.objects.select_related("user", "residence_region", "guardian"))
    assert len(volunteers) == VOLUNTEERS
    assert len({v.id_blind_index for v in volunteers}) == VOLUNTEERS
    assert len({v.volunteer_number for v in volunteers}) == VOLUNTEERS
    assert len({v.user.phone for v in volunteers}) == VOLUNTEERS
    prefixes = Counter()
    for v in volunteers:
        card = parse_id_number(v.decrypt_id_number())
        assert (card.birth_date, card.gender) == (v.birth_date, v.gender)
        assert v.id_masked == card.number[:6] + "********" + card.number[-4:]
        assert v.residence_region.level == Region.Level.VILLAGE
        assert re.fullmatch(r"330482(2023|2024|2025|2026)\d{6}", v.volunteer_number)
        assert v.volunteer_number[6:10] == str(v.registered_at.astimezone(data.REFERENCE_TIME.tzinfo).year)
        assert v.registered_at <= data.REFERENCE_TIME
        age = age_on(v.birth_date, REF_DAY)
        if v.guardian is None:
            assert 14 <= age <= 75
        prefixes[card.region_code[:2] == "33"] += 1
        if v.is_new_resident:
            assert card.region_code[:2] != "33"
    assert prefixes[True] > prefixes[False] > 0  # mostly Zhejiang, some new residents from elsewhere
    assert (
        Counter(card[:6] for card in (v.decrypt_id_number() for v in volunteers)).most_common(1)[0][0]
        == "330482"
    )


def test_registrations_spread_over_three_years_and_numbers_follow_them(seeded):
    volunteers = list(Volunteer.objects.order_by("registered_at", "volunteer_number"))
    years = Counter(v.registered_at.astimezone(data.REFERENCE_TIME.tzinfo).year for v in volunteers)
    assert set(years) == {2023, 2024, 2025, 2026}
    numbers = [v.volunteer_number for v in volunteers]
    assert numbers == sorted(numbers)
    # The sequences go on from the demo numbers: a registration today never reuses one.
    last = VolunteerNumberSequence.objects.get(prefix="3304822026").last
    assert last == years[2026]


def test_minors_have_an_adult_guardian_and_consent_or_wait_for_it(seeded):
    minors = list(Volunteer.objects.filter(guardian__isnull=False).select_related("guardian"))
    assert len(minors) >= 3
    for minor in minors:
        assert age_on(minor.birth_date, REF_DAY) < 14
        assert age_on(minor.guardian.birth_date, REF_DAY) >= 18
        if minor.status == Volunteer.Status.ACTIVE:
            assert minor.guardian_consented_at is not None
        else:
            assert minor.status == Volunteer.Status.AWAITING_GUARDIAN and minor.guardian_consented_at is None
    assert any(m.status == Volunteer.Status.AWAITING_GUARDIAN for m in minors)


def test_skills_table_and_volunteers_with_skills(seeded):
    assert {
        "医疗",
        "急救",
        "法律",
        "心理咨询",
        "摄影",
        "驾驶",
        "外语",
        "手语",
        "农技",
        "文艺",
        "电脑",
    } <= set(Skill.objects.values_list("name", flat=True))
    with_skills = Volunteer.objects.filter(skills__isnull=False).distinct().count()
    assert VOLUNTEERS // 5 < with_skills < VOLUNTEERS


# --- memberships and roles ---------------------------------------------------------------------


def test_most_volunteers_belong_to_one_to_three_organizations(seeded):
    per_volunteer = Counter(
        Membership.objects.filter(status=Membership.Status.ACTIVE).values_list("volunteer_id", flat=True)
    )
    in_one_to_three = sum(1 for n in per_volunteer.values() if 1 <= n <= 3)
    assert in_one_to_three >= VOLUNTEERS * 0.8
    assert Membership.objects.filter(status=Membership.Status.APPLIED).exists()


def test_every_active_organization_has_an_admin_and_every_team_a_leader_with_grants(seeded):
    for org in Organization.objects.filter(status=Organization.Status.ACTIVE):
        admins = Membership.objects.filter(
            organization=org, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
        ).select_related("volunteer")
        assert admins.exists(), org.name
        for m in admins:
            assert Grant.objects.filter(
                user=m.volunteer.user_id, role=Grant.Role.ORG_ADMIN, organization=org
            ).exists()
        if org.kind in (Organization.Kind.TEAM, Organization.Kind.PROFESSIONAL):
            leaders = Membership.objects.filter(
                organization=org, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE
            )
            assert leaders.count() == 1, org.name
            assert Grant.objects.filter(
                user=leaders[0].volunteer.user_id, role=Grant.Role.LEADER, organization=org
            ).exists()
    # Every organization grant matches an active membership with that role.
    for grant in Grant.objects.filter(role__in=[Grant.Role.ORG_ADMIN, Grant.Role.LEADER]):
        role = Membership.Role.ADMIN if grant.role == Grant.Role.ORG_ADMIN else Membership.Role.LEADER
        assert Membership.objects.filter(
            volunteer__user=grant.user_id,
            organization=grant.organization_id,
            role=role,
            status=Membership.Status.ACTIVE,
        ).exists()
    # A region administrator for every town and street.
    assert (
        Grant.objects.filter(role=Grant.Role.REGION_ADMIN, region__level=Region.Level.TOWN)
        .values("region")
        .distinct()
        .count()
        == 9
    )


# --- demo accounts -----------------------------------------------------------------------------


def test_demo_accounts_hold_their_roles(seeded):
    users = {u.phone: u for u in User.objects.filter(phone__in=[a.phone for a in DEMO_ACCOUNTS])}
    assert len(users) == len(DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        user = users[account.phone]
        assert user.display_name == account.name
        if account.grant:
            grant = Grant.objects.get(user=user)
            assert grant.role == account.grant
            assert (grant.region.code if grant.region else "") == account.region
            assert (grant.organization.code if grant.organization else "") == account.organization
    community_admin = Grant.objects.get(user=users["13800000004"])
    assert community_admin.region.level == Region.Level.VILLAGE
    guardian = users["13800000008"].volunteer
    assert {w.user.phone for w in guardian.wards.all()} == {"13800000009", "13800000010"}


def test_demo_logins_prints_every_role_with_name_phone_password_and_scope(seeded):
    output = logins_output()
    assert "http://127.0.0.1:8000" in output
    assert "角色" in output and "姓名" in output and "范围" in output
    for account in DEMO_ACCOUNTS:
        line = next(line for line in output.splitlines() if account.phone in line)
        assert account.name in line and DEMO_PASSWORD in line
    assert "全市（团市委）" in output
    assert "区域管理员（村社区）" in output and "东湖社区" in output
    assert "徐子涵、徐子墨的监护人" in output
    assert "监护人：徐国强" in output


def test_demo_logins_table_columns_line_up_with_chinese_text(seeded):
    lines = [line for line in logins_output().splitlines() if re.search(r"1380000\d{4}", line)]
    starts = {display_width(line[: line.index("13800000")]) for line in lines}
    assert len(starts) == 1


def test_every_demo_account_logs_in_with_the_printed_password(seeded):
    rows = re.findall(r"(1380000\d{4})\s+(\S+)", logins_output())
    assert len(rows) == len(DEMO_ACCOUNTS)
    for phone, password in rows:
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": phone, "password": password})
        assert response.status_code == 302, phone
        assert response.wsgi_request.session["_auth_user_id"] == str(User.objects.get(phone=phone).pk)


def test_ordinary_volunteers_share_the_demo_password(seeded):
    volunteer = Volunteer.objects.exclude(user__phone__startswith="1380000").select_related("user").first()
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": volunteer.user.phone, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_demo_login_list_reads_with_a_fixed_number_of_queries(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        logins = demo_login_list()
    assert all(login.present for login in logins)


def test_demo_logins_on_a_database_without_demo_accounts_says_so():
    output = logins_output()
    assert "没有演示账号" in output


# --- running it twice --------------------------------------------------------------------------


def test_if_empty_on_a_seeded_database_changes_nothing(seeded):
    before = table_counts()
    output = seed(volunteers=300, seed=99, if_empty=True)
    assert "已有区域数据" in output
    assert table_counts() == before


def test_if_empty_on_an_empty_database_seeds():
    output = seed(if_empty=True)
    assert "演示城市已生成" in output
    assert Volunteer.objects.count() == VOLUNTEERS


def test_seeding_a_non_empty_database_without_if_empty_is_refused(seeded):
    before = table_counts()
    with pytest.raises(CommandError, match="--if-empty"):
        seed()
    assert table_counts() == before


def test_too_few_volunteers_is_refused_and_writes_nothing():
    with pytest.raises(CommandError, match="50"):
        seed(volunteers=10)
    assert not Region.objects.exists()
    assert not User.objects.exists()


def snapshot() -> dict:
    """Everything a person would compare, without primary keys, salts or ciphertexts."""
    return {
        "volunteers": list(
            Volunteer.objects.order_by("volunteer_number").values_list(
                "volunteer_number",
                "real_name",
                "user__phone",
                "id_blind_index",
                "birth_date",
                "gender",
                "residence_region__code",
                "registered_at",
                "occupation",
                "school",
                "political_status",
                "is_new_resident",
                "status",
                "guardian__volunteer_number",
            )
        ),
        "skills": sorted(
            Volunteer.skills.through.objects.values_list("volunteer__volunteer_number", "skill__code")
        ),
        "memberships": sorted(
            Membership.objects.values_list(
                "volunteer__volunteer_number",
                "organization__code",
                "role",
                "status",
                "applied_at",
                "decided_at",
                "left_at",
            )
        ),
        "organizations": list(
            Organization.objects.order_by("code").values_list(
                "code",
                "name",
                "kind",
                "tier",
                "status",
                "path",
                "region__code",
                "contact_name",
                "contact_phone",
                "created_at",
                "applicant__phone",
            )
        ),
        "sites": sorted(
            Site.objects.values_list(
                "name", "kind", "region__code", "address", "lat", "lng", "organization__code"
            )
        ),
        "grants": sorted(
            Grant.objects.values_list(
                "user__phone", "role", "region__code", "organization__code", "granted_at"
            )
        ),
        "regions": list(Region.objects.order_by("code").values_list("code", "name", "path", "population")),
    }


def seeded_snapshot(seed_value: int) -> dict:
    """Seed inside a savepoint, read everything, roll back: two runs each see an empty database."""
    sid = transaction.savepoint()
    try:
        seed(seed=seed_value)
        return snapshot()
    finally:
        transaction.savepoint_rollback(sid)


def test_the_same_seed_gives_identical_data_and_another_seed_another_city():
    first = seeded_snapshot(11)
    assert not Region.objects.exists()
    second = seeded_snapshot(11)
    assert first == second
    assert len(first["volunteers"]) == VOLUNTEERS
    other = seeded_snapshot(12)
    assert other["regions"] == first["regions"]  # the map is fixed
    assert [v[1] for v in other["volunteers"]] != [v[1] for v in first["volunteers"]]


@pytest.mark.slow
def test_the_default_seed_has_two_thousand_volunteers():
    # Speed is measured by hand / in bench/, never asserted in a test.
    call_command("seed_demo", "--network-only", stdout=StringIO())
    assert Volunteer.objects.count() == 2000
