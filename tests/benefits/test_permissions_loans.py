"""The permission matrix of the loan and school-points pages and endpoints: every persona of the
city (tests/factories.ROLES) and the partners' (a store clerk, a bank officer and manager, an
education officer and manager). Outside a persona's scope: 404; anonymous: the login page (302)
on the web, 401 on the API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from huiguang.benefits.models import PartnerStaff
from huiguang.benefits.services.loans import referral_request
from huiguang.benefits.services.points import application_decide, points_apply

from ..conftest import login_client
from ..factories import ROLES, UserFactory, bearer
from .loans_points_data import child_id, make_policy, make_product

pytestmark = pytest.mark.django_db

PARTNER_ROLES = ["clerk", "bank_officer", "bank_manager", "education_officer", "education_manager"]
PERSONAS = ROLES + PARTNER_ROLES
VOLUNTEERS = {"volunteer", "volunteer_b", "leader"}
BANK = {"bank_officer", "bank_manager"}
SCHOOL = {"education_officer", "education_manager"}


def web(status: int, roles: set, otherwise: int = 404) -> dict:
    return {r: (status if r in roles else otherwise) for r in PERSONAS} | {"anonymous": 302}


def api(status: int, roles: set, otherwise: int = 404) -> dict:
    return {r: (status if r in roles else otherwise) for r in PERSONAS} | {"anonymous": 401}


@pytest.fixture
def world(city, partners):
    users = dict(city.users) | dict(partners.users)
    for role, phone, partner in [
        ("bank_manager", "13900000021", partners.bank),
        ("education_manager", "13900000022", partners.education),
    ]:
        users[role] = UserFactory(phone=phone)
        PartnerStaff.objects.create(user=users[role], partner=partner, role=PartnerStaff.Role.MANAGER)
    v = city.users["volunteer"].volunteer
    product = make_product(partners.bank)
    policy = make_policy(partners.education)
    referral = referral_request(volunteer=v, product=product, days=30, user=v.user)
    pending = points_apply(
        volunteer=v,
        policy=policy,
        child_name="张小宝",
        child_id_number=child_id(12),
        grade="primary_1",
        guardian_declared=True,
        user=v.user,
    )
    approved = points_apply(
        volunteer=v,
        policy=policy,
        child_name="张小贝",
        child_id_number=child_id(14),
        grade="kindergarten",
        guardian_declared=True,
        user=v.user,
    )
    application_decide(user=partners.users["education_officer"], application=approved, approve=True)
    objs = {
        "product": product.pk,
        "policy": policy.pk,
        "referral": referral.pk,
        "pending": pending.pk,
        "approved": approved.pk,
    }
    return users, objs


CITY_ADMIN = {"city_admin"}
CITY_WIDE = {"city_admin", "auditor"}

GET = [
    ("benefits:my_loans", [], web(200, VOLUNTEERS)),
    ("benefits:loan_request", ["product"], web(200, VOLUNTEERS)),
    ("benefits:my_referral", ["referral"], web(200, {"volunteer"})),
    ("benefits:bank_referrals", [], web(200, BANK)),
    ("benefits:bank_verify", [], web(200, BANK)),
    ("benefits:bank_referral", ["referral"], web(200, BANK)),
    ("benefits:loan_products", [], web(200, CITY_ADMIN | {"bank_manager"})),
    ("benefits:loan_product_create", [], web(200, CITY_ADMIN)),
    ("benefits:loan_product", ["product"], web(200, {"bank_manager"}) | {"city_admin": 302}),
    ("benefits:loan_product_edit", ["product"], web(200, CITY_ADMIN)),
    ("benefits:loan_statistics", [], web(200, CITY_WIDE)),
    ("benefits:loan_statistics_export", [], web(200, CITY_WIDE)),
    ("benefits:my_points", [], web(200, VOLUNTEERS)),
    ("benefits:points_apply", [], web(200, VOLUNTEERS)),
    ("benefits:my_points_application", ["pending"], web(200, {"volunteer"})),
    ("benefits:points_certificate", ["approved"], web(200, {"volunteer"})),
    ("benefits:points_certificate", ["pending"], web(404, set())),
    ("benefits:points_verify", [], dict.fromkeys(PERSONAS, 200)),
    ("benefits:school_applications", [], web(200, SCHOOL)),
    ("benefits:school_application", ["pending"], web(200, SCHOOL)),
    ("benefits:points_policies", [], web(200, CITY_ADMIN | {"education_manager"})),
    ("benefits:points_policy_create", [], web(200, CITY_ADMIN | {"education_manager"})),
    ("benefits:points_policy_edit", ["policy"], web(200, CITY_ADMIN | {"education_manager"})),
    ("benefits:points_statistics", [], web(200, CITY_WIDE)),
    ("benefits:points_statistics_export", [], web(200, CITY_WIDE)),
]

# Posted empty: inside the scope the form answers 422 and nothing changes; outside 404.
POST = [
    ("benefits:bank_decide", ["referral"], web(422, BANK)),
    ("benefits:school_decide", ["pending"], web(422, SCHOOL)),
    ("benefits:loan_request", ["product"], web(422, VOLUNTEERS)),
    ("benefits:points_apply", [], web(422, VOLUNTEERS)),
    ("benefits:loan_product_create", [], web(422, CITY_ADMIN)),
    ("benefits:points_policy_create", [], web(422, CITY_ADMIN | {"education_manager"})),
]


def _client(users, role) -> Client:
    return Client() if role == "anonymous" else login_client(users[role])


@pytest.mark.parametrize("name,args,expected", GET, ids=[f"{g[0]}-{'-'.join(g[1])}" for g in GET])
def test_get_matrix(world, name, args, expected):
    users, objs = world
    url = reverse(name, args=[objs[a] for a in args])
    got = {role: _client(users, role).get(url).status_code for role in PERSONAS}
    assert got == expected


@pytest.mark.parametrize("name,args,expected", POST, ids=[p[0] for p in POST])
def test_post_matrix(world, name, args, expected):
    users, objs = world
    url = reverse(name, args=[objs[a] for a in args])
    got = {role: _client(users, role).post(url, {}).status_code for role in PERSONAS}
    assert got == expected


API_MATRIX = [
    ("GET", "/loan-products", None, api(200, VOLUNTEERS)),
    ("GET", "/me/loan-referrals", None, api(200, VOLUNTEERS)),
    ("GET", "/me/loan-referrals/{referral}", None, api(200, {"volunteer"})),
    ("POST", "/loan-products/{product}/referrals", {"agree": False}, api(422, VOLUNTEERS)),
    ("POST", "/bank/attestations/verify", {"attestation": "x.y"}, api(200, BANK)),
    ("GET", "/bank/referrals", None, api(200, BANK)),
    ("GET", "/bank/referrals/{referral}", None, api(200, BANK)),
    ("POST", "/bank/referrals/{referral}/decision", {"approve": False}, api(422, BANK)),
    ("GET", "/benefits/statistics/loans", None, api(200, CITY_WIDE)),
    ("GET", "/points-policies", None, api(200, VOLUNTEERS)),
    ("GET", "/me/points-applications", None, api(200, VOLUNTEERS)),
    ("POST", "/me/points-applications", "apply", api(422, VOLUNTEERS)),
    ("GET", "/school/applications", None, api(200, SCHOOL)),
    ("GET", "/school/applications/{pending}", None, api(200, SCHOOL)),
    ("POST", "/school/applications/{pending}/decision", {"approve": False}, api(422, SCHOOL)),
    ("POST", "/points-certificates/verify", {"certificate": "x.y"}, dict.fromkeys(PERSONAS, 200)),
    ("GET", "/benefits/statistics/points", None, api(200, CITY_WIDE)),
]


@pytest.mark.parametrize(
    "method,path,body,expected", API_MATRIX, ids=[f"{m} {p}" for m, p, _b, _e in API_MATRIX]
)
def test_api_matrix(world, method, path, body, expected):
    """Bodies are well-formed, so that the scope decides (a malformed one is 422 for anyone)."""
    users, objs = world
    if body == "apply":  # refused for want of consent, after the scope check
        body = {
            "policy": objs["policy"],
            "child_name": "王小",
            "child_id_number": child_id(16),
            "guardian_declared": True,
            "agree": False,
        }
    url = "/api/v1" + path.format(**objs)
    got = {}
    for role in PERSONAS:
        client = Client() if role == "anonymous" else bearer(users[role])
        response = (
            client.get(url) if method == "GET" else client.post(url, body, content_type="application/json")
        )
        got[role] = response.status_code
    assert got == expected
