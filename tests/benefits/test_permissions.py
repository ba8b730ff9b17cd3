"""The permission matrix of the store pages (partners, offers, codes, statistics, consent pages)
for the city's personas and the partners' (a store clerk, a clerk of another store, the store's
manager, a bank officer, an education officer). Outside a role's reach: 404; anonymous: the login
page (302). tests/test_permission_matrix.py reads the "benefits:…" names from here (and from
test_permissions_*.py, the loans and points pages)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.benefits.models import Consent, PartnerStaff, Redemption
from huiguang.benefits.services.consent import consent_grant
from huiguang.benefits.services.offers import redemption_claim

from ..conftest import login_client
from ..factories import ROLES
from .stores import make_manager, make_offer, volunteer_of

PARTNER_ROLES = ["clerk", "clerk_b", "manager", "bank_officer", "education_officer"]
ALL = ROLES + PARTNER_ROLES
VOLUNTEERS = {"volunteer", "volunteer_b", "leader"}


def expect(ok: int, who: set[str], otherwise: int = 404) -> dict:
    return {role: 302 if role == "anonymous" else (ok if role in who else otherwise) for role in ALL}


@pytest.fixture
def scene(city, partners):
    manager = make_manager(partners.store)
    users = {**city.users, **partners.users, "manager": manager}
    offer = make_offer(partners.store)
    v = volunteer_of(city)
    claim = redemption_claim(volunteer=v, offer=offer)
    consent = consent_grant(
        volunteer=v, partner=partners.bank, purpose="loan", fields=["score"], days=30, user=v.user
    )
    staff = PartnerStaff.objects.get(user=partners.users["clerk"])
    ids = {
        "store": partners.store.pk,
        "offer": offer.pk,
        "claim": claim.pk,
        "consent": consent.pk,
        "staff": staff.pk,
        "code": claim.code,
    }
    return users, ids


CITY = {"city_admin"}
STORE = {"clerk", "manager"}

GET = [
    ("benefits:partner_list", [], expect(200, CITY)),
    ("benefits:partner_create", [], expect(200, CITY)),
    ("benefits:partner_detail", ["store"], expect(200, CITY)),
    ("benefits:partner_edit", ["store"], expect(200, CITY)),
    ("benefits:offer_create", ["store"], expect(200, CITY)),
    ("benefits:offer_edit", ["offer"], expect(200, CITY)),
    ("benefits:city_stats", [], expect(200, {"city_admin", "auditor"})),
    ("benefits:city_stats_export", [], expect(200, {"city_admin", "auditor"})),
    ("benefits:offers", [], expect(200, VOLUNTEERS)),
    ("benefits:my_codes", [], expect(200, VOLUNTEERS)),
    ("benefits:my_code", ["claim"], expect(200, {"volunteer"})),  # the claimant's own
    ("benefits:stores", [], expect(200, set(ALL))),  # the map: anyone signed in
    ("benefits:my_data", [], expect(200, VOLUNTEERS)),
    # one partner link: straight to its code page
    ("benefits:partner_home", [], expect(302, STORE | {"clerk_b", "bank_officer", "education_officer"})),
    ("benefits:redeem", ["store"], expect(200, STORE)),
    ("benefits:partner_stats", ["store"], expect(200, {"manager"})),
    ("benefits:partner_stats_export", ["store"], expect(200, {"manager"})),
    # a clerk lands on the code page; anyone else reads what the code is for (and nothing else)
    ("benefits:code_link", ["code"], expect(302, set(PARTNER_ROLES), otherwise=404)),
]

POST = [
    ("benefits:partner_create", [], expect(422, CITY)),
    ("benefits:partner_edit", ["store"], expect(422, CITY)),
    ("benefits:staff_add", ["store"], expect(422, CITY)),
    ("benefits:staff_active", ["store", "staff"], expect(302, CITY)),
    ("benefits:offer_create", ["store"], expect(422, CITY)),
    ("benefits:offer_edit", ["offer"], expect(422, CITY)),
    ("benefits:offer_claim", ["offer"], expect(302, VOLUNTEERS)),
    ("benefits:my_code_cancel", ["claim"], expect(302, {"volunteer"})),
    ("benefits:consent_withdraw", ["consent"], expect(302, {"volunteer"})),
    ("benefits:redeem", ["store"], expect(422, STORE)),
]


def _args(args, ids):
    return [ids[a] for a in args]


@pytest.mark.parametrize("name,args,expected", GET, ids=[g[0] for g in GET])
def test_get_matrix(scene, name, args, expected):
    users, ids = scene
    url = reverse(name, args=_args(args, ids))
    got = {role: login_client(users[role]).get(url).status_code for role in ALL}
    assert got == expected


@pytest.mark.parametrize("name,args,expected", POST, ids=[p[0] for p in POST])
def test_post_matrix(scene, name, args, expected):
    users, ids = scene
    url = reverse(name, args=_args(args, ids))
    got = {role: login_client(users[role]).post(url, {}).status_code for role in ALL}
    assert got == expected


def test_a_post_outside_the_reach_changes_nothing(scene):
    users, ids = scene
    for role in ALL:
        if role != "volunteer":
            login_client(users[role]).post(reverse("benefits:my_code_cancel", args=[ids["claim"]]))
            login_client(users[role]).post(reverse("benefits:consent_withdraw", args=[ids["consent"]]))
    assert Redemption.objects.get(pk=ids["claim"]).cancelled_at is None
    assert Consent.objects.get(pk=ids["consent"]).withdrawn_at is None


# --- the API ---------------------------------------------------------------------------------------

API = "/api/v1"
API_MATRIX = [
    ("GET", "/me/offers", None, expect(200, VOLUNTEERS, otherwise=404)),
    ("GET", "/me/claims", None, expect(200, VOLUNTEERS, otherwise=404)),
    ("GET", "/me/consents", None, expect(200, VOLUNTEERS, otherwise=404)),
    ("GET", "/me/partner-accesses", None, expect(200, VOLUNTEERS, otherwise=404)),
    ("GET", "/stores", None, expect(200, set(ALL) - {"anonymous"})),
    # 409 for the volunteer: claimed once this month already (the quota)
    ("POST", "/offers/{offer}/claim", None, {**expect(201, VOLUNTEERS), "volunteer": 409}),
    ("POST", "/me/claims/{claim}/cancel", None, expect(200, {"volunteer"})),
    ("POST", "/me/consents/{consent}/withdraw", None, expect(200, {"volunteer"})),
    ("POST", "/partners/{store}/codes/lookup", {"code": "{code}"}, expect(200, STORE)),
    ("POST", "/partners/{store}/codes/redeem", {"code": "{code}"}, expect(200, STORE)),
    ("GET", "/partners/{store}/statistics", None, expect(200, {"manager"})),
]


@pytest.mark.parametrize(
    "method,url,body,expected", API_MATRIX, ids=[f"{m} {u}" for m, u, _b, _e in API_MATRIX]
)
def test_api_matrix(scene, method, url, body, expected):
    import json

    users, ids = scene
    got = {}
    for role in ALL:
        client = login_client(users[role])
        path = API + url.format(**ids)
        if method == "GET":
            response = client.get(path)
        else:
            data = {k: v.format(**ids) for k, v in (body or {}).items()}
            response = client.post(path, data=json.dumps(data), content_type="application/json")
        got[role] = response.status_code
        # one role's write must not change another's answer
        Redemption.objects.filter(pk=ids["claim"]).update(used_at=None, used_by=None, cancelled_at=None)
        Consent.objects.filter(pk=ids["consent"]).update(withdrawn_at=None)
    expected = {role: 401 if role == "anonymous" else status for role, status in expected.items()}
    assert got == expected
