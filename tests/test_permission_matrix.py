"""The permission matrix of every web page: (page, role) → status. Outside a role's scope: 404.

Anonymous visitors of a page that needs a login are sent to the login page (302). A guard test
fails when a URL is added without a row here. The API has its own matrix in tests/api/.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from huiguang.accounts.models import ApiToken
from huiguang.accounts.services import token_create
from huiguang.network.models import Grant, Membership, Site
from huiguang.volunteers.models import Volunteer

from .conftest import login_client
from .factories import ROLES, VolunteerFactory


def objects(city):
    v = Volunteer.objects.get(real_name="张小明")
    ward = VolunteerFactory(real_name="小朋友", guardian=v, status=Volunteer.Status.AWAITING_GUARDIAN)
    token, _ = token_create(user=city.users["volunteer_b"], name="app", created_by=city.users["volunteer_b"])
    grant = Grant.objects.get(user=city.users["outsider"])
    return {
        "org_a": city.org_a.pk,
        "site_a": Site.objects.get(name="东湖新时代文明实践站").pk,
        "volunteer": v.pk,
        "membership": Membership.objects.get(volunteer=v, organization=city.org_a).pk,
        "ward": ward.pk,
        "token_b": token.pk,
        "grant": grant.pk,
    }


# (url name, args (names in objects() or literals), expected status per role in ROLES order)
GET = [
    ("web:home", [], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("web:console", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("core:healthz", [], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("accounts:login", [], [200, 302, 302, 302, 302, 302, 302, 302, 302]),
    ("accounts:token_list", [], [302, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("network:grant_list", [], [302, 404, 404, 404, 404, 404, 404, 404, 200]),
    ("accounts:audit_list", [], [302, 404, 404, 404, 404, 404, 404, 200, 200]),
    ("network:directory", [], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("network:org_public", ["TA"], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("network:my_memberships", [], [302, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("network:org_apply", [], [302, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("network:region_list", [], [302, 404, 404, 404, 404, 200, 200, 200, 200]),
    ("network:region_detail", ["330482001"], [302, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("network:region_edit", ["330482001"], [302, 404, 404, 404, 404, 200, 404, 404, 200]),
    ("network:org_list", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("network:org_create", [], [302, 404, 404, 404, 200, 200, 200, 404, 200]),
    ("network:org_detail", ["org_a"], [302, 404, 404, 200, 200, 200, 404, 200, 200]),
    ("network:org_edit", ["org_a"], [302, 404, 404, 404, 200, 200, 404, 404, 200]),
    ("network:site_list", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("network:site_create", [], [302, 404, 404, 404, 200, 200, 200, 404, 200]),
    ("network:site_edit", ["site_a"], [302, 404, 404, 404, 200, 200, 404, 404, 200]),
    ("network:membership_list", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("volunteers:register", [], [200, 302, 302, 302, 200, 200, 200, 200, 200]),
    ("volunteers:me", [], [302, 200, 200, 200, 404, 404, 404, 404, 404]),
    ("volunteers:ecard", [], [302, 200, 200, 200, 404, 404, 404, 404, 404]),
    ("volunteers:console_list", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("volunteers:console_detail", ["volunteer"], [302, 404, 404, 200, 200, 200, 404, 200, 200]),
    ("volunteers:import_upload", [], [302, 404, 404, 404, 200, 200, 200, 404, 200]),
    ("volunteers:import_template", ["xlsx"], [302, 404, 404, 404, 200, 200, 200, 404, 200]),
    ("notifications:center", [], [302, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("notifications:preferences", [], [302, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("ledger:public_key", [], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("ledger:verify_lookup", [], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("ledger:verify", ["TA-2026-99999"], [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("ledger:seals", [], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("ledger:pending", [], [302, 404, 404, 404, 200, 200, 200, 404, 200]),
    ("ledger:records", [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("ledger:star_policy", [], [302, 404, 404, 404, 404, 404, 404, 404, 200]),
    ("ledger:my_certificates", [], [302, 200, 200, 200, 404, 404, 404, 404, 404]),
    ("ledger:certificate_queue", [], [302, 404, 404, 404, 200, 200, 200, 404, 200]),
    ("ledger:my_hours", [], [302, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("ledger:ward", ["ward"], [302, 200, 404, 404, 404, 404, 404, 404, 404]),  # the guardian only
]

# State-changing endpoints, posted with no data: a role outside the scope gets 404 (or the
# login redirect) and nothing changes; a role inside gets the form's answer (never a 500).
POST = [
    ("accounts:token_revoke", ["token_b"], [302, 404, 302, 404, 404, 404, 404, 404, 302]),
    ("network:grant_revoke", ["grant"], [302, 404, 404, 404, 404, 404, 404, 404, 302]),
    (
        "network:org_join",
        ["TA"],
        [302, 409, 302, 409, 409, 409, 409, 409, 409],
    ),  # 409: already a member / no volunteer profile
    ("network:my_membership_leave", ["membership"], [302, 302, 404, 404, 404, 404, 404, 404, 404]),
    ("network:org_decide", ["org_a"], [302, 404, 404, 404, 404, 422, 404, 404, 422]),
    ("network:org_set_status", ["org_a"], [302, 404, 404, 404, 404, 409, 404, 404, 409]),
    ("network:membership_decide", [], [302, 404, 404, 404, 422, 422, 422, 404, 422]),
    ("network:membership_role", ["membership"], [302, 404, 404, 404, 422, 422, 404, 404, 422]),
    ("volunteers:reveal_own_id", [], [302, 200, 200, 200, 404, 404, 404, 404, 404]),
    ("volunteers:guardian_consent", ["ward"], [302, 302, 404, 404, 404, 404, 404, 404, 404]),
    ("volunteers:ward_standing_consent", ["ward"], [302, 302, 404, 404, 404, 404, 404, 404, 404]),
    ("volunteers:console_reveal_id", ["volunteer"], [302, 404, 404, 404, 404, 404, 404, 404, 200]),
    ("volunteers:import_upload", [], [302, 404, 404, 404, 422, 422, 422, 404, 422]),
    ("notifications:mark_all_read", [], [302, 302, 302, 302, 302, 302, 302, 302, 302]),
]

# Covered by their own tests (they need an import batch or a full login flow).
ELSEWHERE = {
    "ledger:certificate_pdf": "tests/ledger_certificates/test_certificates.py::test_permissions",
    "ledger:certificate_detail": "tests/ledger_certificates/test_certificates.py::test_permissions",
    "ledger:certificate_issue": "tests/ledger_certificates/ (issue, refuse, revoke by role)",
    "ledger:certificate_refuse": "tests/ledger_certificates/ (issue, refuse, revoke by role)",
    "ledger:certificate_revoke": "tests/ledger_certificates/ (issue, refuse, revoke by role)",
    "notifications:open": "tests/notifications/ (another user's notification → 404)",
    "accounts:logout": "tests/accounts/test_login.py",
    "volunteers:import_preview": "tests/volunteers_import/",
    "volunteers:import_confirm": "tests/volunteers_import/",
    "volunteers:import_report": "tests/volunteers_import/",
}


def resolve_args(args, objs):
    return [objs.get(a, a) if isinstance(a, str) else a for a in args]


@pytest.mark.parametrize("name,args,expected", GET, ids=[g[0] for g in GET])
def test_get_matrix(city, name, args, expected):
    objs = objects(city)
    url = reverse(name, args=resolve_args(args, objs))
    got = [login_client(city.users[role]).get(url).status_code for role in ROLES]
    assert dict(zip(ROLES, got)) == dict(zip(ROLES, expected))


@pytest.mark.parametrize("name,args,expected", POST, ids=[p[0] for p in POST])
def test_post_matrix(city, name, args, expected):
    got = []
    for role in ROLES:
        # A fresh set of objects for each role: one role's POST must not change another's answer.
        objs = objects(city)
        url = reverse(name, args=resolve_args(args, objs))
        got.append(login_client(city.users[role]).post(url, {}).status_code)
        _undo(city)
    assert dict(zip(ROLES, got)) == dict(zip(ROLES, expected))


def _undo(city):
    """Restore the personas' state between roles (the matrix is about who may, not what was done)."""
    Volunteer.objects.filter(real_name="小朋友").delete()
    ApiToken.objects.all().delete()
    Membership.objects.filter(volunteer__real_name="张小明", organization=city.org_a).update(
        status=Membership.Status.ACTIVE
    )
    if not Grant.objects.filter(user=city.users["outsider"]).exists():
        Grant.objects.create(user=city.users["outsider"], role=Grant.Role.REGION_ADMIN, region=city.town_b)
    Membership.objects.filter(organization=city.org_a, status=Membership.Status.APPLIED).delete()


def _names_in_app_matrices() -> set[str]:
    """URL names that an app's own permission matrices (tests/<app>/test_permissions.py and
    tests/<app>/test_permissions_<area>.py) cover."""
    import re
    from pathlib import Path

    found: set[str] = set()
    for path in Path(__file__).parent.glob("*/test_permissions*.py"):
        found |= set(re.findall(r'"([a-z_]+:[a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_page_is_in_the_matrix():
    covered = {g[0] for g in GET} | {p[0] for p in POST} | set(ELSEWHERE) | _names_in_app_matrices()
    names = set()

    def walk(patterns, namespace=None):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, p.namespace or namespace)
            elif (
                namespace
                in {
                    "core",
                    "accounts",
                    "network",
                    "volunteers",
                    "notifications",
                    "activities",
                    "attendance",
                    "ledger",
                    "credit",
                    "benefits",
                    "reports",
                    "projects",
                    "training",
                    "needs",
                    "mobilization",
                }
                and p.name
            ):
                names.add(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns)
    assert names - covered == set(), "add these pages to the permission matrix"
