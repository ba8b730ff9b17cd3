"""Personas of the suite: a small city with two towns, and one user for every role.

city 330482 ─ town A 330482001 (当湖街道) ─ village A1 330482001001
            └ town B 330482103 (乍浦镇)
org A (team, town A) ─ org A1 (sub-team);  org B (team, town B)
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from huiguang.benefits.models import Partner, PartnerStaff
from huiguang.network.models import Grant, Membership, Organization, Region

from .browser.conftest import CHROMIUM, DESKTOP, PHONE
from .factories import (
    PASSWORD,
    GrantFactory,
    MembershipFactory,
    OrganizationFactory,
    RegionFactory,
    SiteFactory,
    UserFactory,
    VolunteerFactory,
)

# Hypothesis times its own input generation and fails a test whose draws are slow: on a 2-core
# machine running both databases' suites and a browser, a stalled process trips that check
# although nothing in the code is slow. The properties are still checked on every example.
hypothesis_settings.register_profile("huiguang", suppress_health_check=[HealthCheck.too_slow], deadline=None)
hypothesis_settings.load_profile("huiguang")


@dataclass
class City:
    city: Region
    town_a: Region
    village_a1: Region
    town_b: Region
    org_a: Organization
    org_a1: Organization
    org_b: Organization
    users: dict


@pytest.fixture
def city(db) -> City:
    c = RegionFactory(code="330482", name="平湖市", level=Region.Level.CITY, parent=None)
    town_a = RegionFactory(code="330482001", name="当湖街道", level=Region.Level.TOWN, parent=c)
    village = RegionFactory(code="330482001001", name="东湖社区", level=Region.Level.VILLAGE, parent=town_a)
    town_b = RegionFactory(code="330482103", name="乍浦镇", level=Region.Level.TOWN, parent=c)
    org_a = OrganizationFactory(code="TA", name="当湖街道志愿服务队", region=town_a)
    org_a1 = OrganizationFactory(code="TA1", name="东湖社区小分队", region=village, parent=org_a)
    org_b = OrganizationFactory(code="TB", name="乍浦镇志愿服务队", region=town_b)
    SiteFactory(name="东湖新时代文明实践站", region=village, organization=org_a1)
    SiteFactory(name="乍浦青年之家", region=town_b, organization=org_b)

    users = {}
    users["city_admin"] = GrantFactory(
        user=UserFactory(phone="13900000001", display_name="市管理员"), role=Grant.Role.CITY_ADMIN
    ).user
    users["auditor"] = GrantFactory(
        user=UserFactory(phone="13900000002", display_name="审计员"), role=Grant.Role.AUDITOR
    ).user
    users["town_admin"] = GrantFactory(
        user=UserFactory(phone="13900000003", display_name="街道管理员"),
        role=Grant.Role.REGION_ADMIN,
        region=town_a,
    ).user
    users["org_admin"] = GrantFactory(
        user=UserFactory(phone="13900000004", display_name="队伍管理员"),
        role=Grant.Role.ORG_ADMIN,
        organization=org_a,
    ).user
    leader = VolunteerFactory(
        user=UserFactory(phone="13900000005"), real_name="李队长", residence_region=town_a
    )
    MembershipFactory(volunteer=leader, organization=org_a, role=Membership.Role.LEADER)
    GrantFactory(user=leader.user, role=Grant.Role.LEADER, organization=org_a)
    users["leader"] = leader.user
    v1 = VolunteerFactory(user=UserFactory(phone="13900000006"), real_name="张小明", residence_region=village)
    MembershipFactory(volunteer=v1, organization=org_a)
    users["volunteer"] = v1.user
    v2 = VolunteerFactory(user=UserFactory(phone="13900000007"), real_name="王小红", residence_region=town_b)
    MembershipFactory(volunteer=v2, organization=org_b)
    users["volunteer_b"] = v2.user
    users["outsider"] = GrantFactory(
        user=UserFactory(phone="13900000008", display_name="乍浦镇管理员"),
        role=Grant.Role.REGION_ADMIN,
        region=town_b,
    ).user
    users["anonymous"] = None
    return City(c, town_a, village, town_b, org_a, org_a1, org_b, users)


@dataclass
class Partners:
    store: Partner
    store_b: Partner
    bank: Partner
    education: Partner
    users: dict


@pytest.fixture
def partners(city) -> Partners:
    """The city's partners and the people who act for them: a store clerk (and a clerk of another
    store), a bank officer and an education officer. Their users hold no network grant."""
    store = Partner.objects.create(
        name="东湖爱心面馆", kind=Partner.Kind.STORE, region=city.town_a, address="当湖街道东湖路 1 号"
    )
    store_b = Partner.objects.create(
        name="乍浦爱心书店", kind=Partner.Kind.STORE, region=city.town_b, address="乍浦镇雅山路 2 号"
    )
    bank = Partner.objects.create(name="平湖农商银行", kind=Partner.Kind.BANK, region=city.city)
    education = Partner.objects.create(name="平湖市教育局", kind=Partner.Kind.EDUCATION, region=city.city)
    users = {}
    for role, phone, name, partner in [
        ("clerk", "13900000011", "面馆店员", store),
        ("clerk_b", "13900000012", "书店店员", store_b),
        ("bank_officer", "13900000013", "银行信贷员", bank),
        ("education_officer", "13900000014", "教育局经办人", education),
    ]:
        user = UserFactory(phone=phone, display_name=name)
        PartnerStaff.objects.create(user=user, partner=partner)
        users[role] = user
    return Partners(store, store_b, bank, education, users)


def login_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_role(city):
    """as_role("town_admin") → a logged-in test client."""

    def make(role: str) -> Client:
        return login_client(city.users[role])

    return make


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """MD5 in tests for speed; the argon2 test sets the production hashers itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_in_process_and_sms_stays_in_memory(settings):
    """The whole suite runs tasks immediately and keeps SMS in memory (nothing is printed)."""
    from huiguang.notifications import sms

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.HUIGUANG_SMS_BACKEND = "huiguang.notifications.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Chinese: a test client request that switched to English must not leak."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _flush_empties_only_the_tables_that_hold_rows():
    """PostgreSQL: after each transactional test (threads, browsers) Django empties the database
    with one TRUNCATE of all ~200 tables, which gives every table and index new files: 0.6-0.9 s a
    test here. Most of the tables are empty by then: the ones that hold rows (one query asks) are
    emptied by DELETE instead, in the flush's transaction (the foreign keys are checked at its
    commit, when the rows that point at each other are all gone). Same outcome: every table empty,
    sequences as they were (Django's flush does not reset them either)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        quote = self.quote_name
        probe = " UNION ALL ".join(
            f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {quote(table)})"  # noqa: S608 - table names only
            for i, table in enumerate(tables)
        )
        with self.connection.cursor() as cursor:
            cursor.execute(probe)
            holding = [tables[i] for (i,) in cursor.fetchall()]
        return [f"DELETE FROM {quote(table)};" for table in holding]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


# --- browser tests (Playwright + Debian's chromium) ---------------------------------------------


def pytest_collection_modifyitems(items):
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()) and (
            "phone" in item.fixturenames or "desktop" in item.fixturenames
        ):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def _context(browser, viewport):
    context = browser.new_context(
        viewport=viewport,
        locale="zh-CN",
        device_scale_factor=1,
        is_mobile=viewport["width"] < 500,
        has_touch=viewport["width"] < 500,
    )
    context.set_default_timeout(15000)
    return context


@pytest.fixture
def phone(browser):
    context = _context(browser, PHONE)
    yield context
    context.close()


@pytest.fixture
def desktop(browser):
    context = _context(browser, DESKTOP)
    yield context
    context.close()


__all__ = ["PASSWORD", "City", "login_client"]


@pytest.fixture
def assert_queries_constant():
    """assert_queries_constant(fn, grow): `fn` (a page or endpoint call) runs the same number of
    queries after `grow()` adds rows as before. `fn` runs once first to warm per-process caches."""

    def check(fn, grow, *, slack: int = 0):
        fn()
        with CaptureQueriesContext(connection) as small:
            fn()
        grow()
        with CaptureQueriesContext(connection) as big:
            fn()
        before, after = len(small.captured_queries), len(big.captured_queries)
        assert after <= before + slack, f"queries grew from {before} to {after} with the rows:\n" + "\n".join(
            q["sql"] for q in big.captured_queries
        )
        return after

    return check
