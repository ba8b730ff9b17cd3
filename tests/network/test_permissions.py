"""Every page of the network × every persona: 200 where allowed, 302 to log in, 404 elsewhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.network.models import Membership, Organization, Site

from ..factories import OrganizationFactory

PERSONAS = [
    "city_admin",
    "auditor",
    "town_admin",
    "org_admin",
    "leader",
    "volunteer",
    "volunteer_b",
    "outsider",
    "anonymous",
]


def expect(**overrides):
    """A row of expected statuses: `default` for everyone not named."""
    default = overrides.pop("default")
    return {p: overrides.get(p, default) for p in PERSONAS}


CONSOLE_READERS = dict(
    city_admin=200,
    auditor=200,
    town_admin=200,
    org_admin=200,
    leader=200,
    outsider=200,
    anonymous=302,
    default=404,
)
CONSOLE_WRITERS = dict(
    city_admin=200, town_admin=200, org_admin=200, outsider=200, anonymous=302, default=404
)

# (name, url builder, expected statuses)
GET_PAGES = [
    ("directory", lambda c: reverse("network:directory"), expect(default=200)),
    (
        "directory_filtered",
        lambda c: reverse("network:directory") + "?region=330482001&kind=team&q=当湖",
        expect(default=200),
    ),
    ("org_public_a", lambda c: reverse("network:org_public", args=["TA"]), expect(default=200)),
    ("org_public_pending", lambda c: reverse("network:org_public", args=["PA"]), expect(default=404)),
    ("org_public_suspended", lambda c: reverse("network:org_public", args=["SB"]), expect(default=404)),
    ("org_public_unknown", lambda c: reverse("network:org_public", args=["NOPE"]), expect(default=404)),
    ("my_memberships", lambda c: reverse("network:my_memberships"), expect(anonymous=302, default=200)),
    ("org_apply", lambda c: reverse("network:org_apply"), expect(anonymous=302, default=200)),
    (
        "region_list",
        lambda c: reverse("network:region_list"),
        expect(city_admin=200, auditor=200, town_admin=200, outsider=200, anonymous=302, default=404),
    ),
    (
        "region_city",
        lambda c: reverse("network:region_detail", args=["330482"]),
        expect(city_admin=200, auditor=200, anonymous=302, default=404),
    ),
    (
        "region_town_a",
        lambda c: reverse("network:region_detail", args=["330482001"]),
        expect(city_admin=200, auditor=200, town_admin=200, anonymous=302, default=404),
    ),
    (
        "region_village_a1",
        lambda c: reverse("network:region_detail", args=["330482001001"]),
        expect(city_admin=200, auditor=200, town_admin=200, anonymous=302, default=404),
    ),
    (
        "region_town_b",
        lambda c: reverse("network:region_detail", args=["330482103"]),
        expect(city_admin=200, auditor=200, outsider=200, anonymous=302, default=404),
    ),
    (
        "region_edit_a",
        lambda c: reverse("network:region_edit", args=["330482001"]),
        expect(city_admin=200, town_admin=200, anonymous=302, default=404),
    ),
    (
        "region_edit_b",
        lambda c: reverse("network:region_edit", args=["330482103"]),
        expect(city_admin=200, outsider=200, anonymous=302, default=404),
    ),
    ("org_list", lambda c: reverse("network:org_list"), expect(**CONSOLE_READERS)),
    (
        "org_list_filtered",
        lambda c: reverse("network:org_list") + "?kind=team&status=active&region=330482001&q=队",
        expect(**CONSOLE_READERS),
    ),
    (
        "org_detail_a",
        lambda c: reverse("network:org_detail", args=[c.org_a.pk]),
        expect(
            city_admin=200, auditor=200, town_admin=200, org_admin=200, leader=200, anonymous=302, default=404
        ),
    ),
    (
        "org_detail_a1",
        lambda c: reverse("network:org_detail", args=[c.org_a1.pk]),
        expect(city_admin=200, auditor=200, town_admin=200, org_admin=200, anonymous=302, default=404),
    ),
    (
        "org_detail_b",
        lambda c: reverse("network:org_detail", args=[c.org_b.pk]),
        expect(city_admin=200, auditor=200, outsider=200, anonymous=302, default=404),
    ),
    (
        "org_detail_pending_a",
        lambda c: reverse("network:org_detail", args=[Organization.objects.get(code="PA").pk]),
        expect(city_admin=200, auditor=200, town_admin=200, anonymous=302, default=404),
    ),
    ("org_create", lambda c: reverse("network:org_create"), expect(**CONSOLE_WRITERS)),
    (
        "org_edit_a",
        lambda c: reverse("network:org_edit", args=[c.org_a.pk]),
        expect(city_admin=200, town_admin=200, org_admin=200, anonymous=302, default=404),
    ),
    (
        "org_edit_b",
        lambda c: reverse("network:org_edit", args=[c.org_b.pk]),
        expect(city_admin=200, outsider=200, anonymous=302, default=404),
    ),
    ("site_list", lambda c: reverse("network:site_list"), expect(**CONSOLE_READERS)),
    (
        "site_list_filtered",
        lambda c: reverse("network:site_list") + "?kind=youth_home&region=330482103&q=乍浦",
        expect(**CONSOLE_READERS),
    ),
    ("site_create", lambda c: reverse("network:site_create"), expect(**CONSOLE_WRITERS)),
    (
        "site_edit_a1",
        lambda c: reverse("network:site_edit", args=[Site.objects.get(organization=c.org_a1).pk]),
        expect(city_admin=200, town_admin=200, org_admin=200, anonymous=302, default=404),
    ),
    (
        "site_edit_b",
        lambda c: reverse("network:site_edit", args=[Site.objects.get(organization=c.org_b).pk]),
        expect(city_admin=200, outsider=200, anonymous=302, default=404),
    ),
    ("membership_list", lambda c: reverse("network:membership_list"), expect(**CONSOLE_READERS)),
    (
        "membership_list_all",
        lambda c: reverse("network:membership_list") + "?status=&organization=TA&q=张",
        expect(**CONSOLE_READERS),
    ),
]


@pytest.fixture
def extra_orgs(city, pending_org_a):
    OrganizationFactory(
        code="SB", name="已暂停队伍", region=city.town_b, status=Organization.Status.SUSPENDED
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,expected", GET_PAGES, ids=[row[0] for row in GET_PAGES])
def test_get_page(city, extra_orgs, as_role, persona, name, url, expected):
    response = as_role(persona).get(url(city))
    assert response.status_code == expected[persona], f"{persona} GET {name}"
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


def _membership_of(city, persona):
    return Membership.objects.get(volunteer=city.users[persona].volunteer).pk


# POSTs that change something: who reaches them. Successful writes redirect (302); refusals of the
# rules render with 4xx; everyone outside the scope or without a writing role gets 404.
POSTS = [
    (
        "membership_decide",
        lambda c: (reverse("network:membership_decide"), {"action": "approve", "ids": ["999999"]}),
        expect(city_admin=302, town_admin=302, org_admin=302, outsider=302, default=404),
    ),
    (
        "membership_role_volunteer_a",
        lambda c: (
            reverse("network:membership_role", args=[_membership_of(c, "volunteer")]),
            {"role": "member"},
        ),
        expect(city_admin=302, town_admin=302, org_admin=302, default=404),
    ),
    (
        "membership_role_volunteer_b",
        lambda c: (
            reverse("network:membership_role", args=[_membership_of(c, "volunteer_b")]),
            {"role": "member"},
        ),
        expect(city_admin=302, outsider=302, default=404),
    ),
    (
        "org_decide_pending_a",
        lambda c: (
            reverse("network:org_decide", args=[Organization.objects.get(code="PA").pk]),
            {"action": "reject", "reason": "材料不全"},
        ),
        expect(city_admin=302, town_admin=302, default=404),
    ),
    (
        "org_status_a",
        lambda c: (
            reverse("network:org_set_status", args=[c.org_a.pk]),
            {"action": "suspend", "reason": "整改"},
        ),
        expect(city_admin=302, town_admin=302, default=404),
    ),
    (
        "org_status_a1",
        lambda c: (
            reverse("network:org_set_status", args=[c.org_a1.pk]),
            {"action": "suspend", "reason": "整改"},
        ),
        expect(city_admin=302, town_admin=302, org_admin=302, default=404),
    ),
    (
        "org_edit_a",
        lambda c: (
            reverse("network:org_edit", args=[c.org_a.pk]),
            {"name": "当湖志愿队", "kind": "team", "region": c.town_a.pk, "staff_count": 0},
        ),
        expect(city_admin=302, town_admin=302, org_admin=302, default=404),
    ),
    (
        "region_edit_a",
        lambda c: (
            reverse("network:region_edit", args=["330482001"]),
            {"name": "当湖街道", "population": 90000},
        ),
        expect(city_admin=302, town_admin=302, default=404),
    ),
    (
        "site_edit_b",
        lambda c: (
            reverse("network:site_edit", args=[Site.objects.get(organization=c.org_b).pk]),
            {"name": "乍浦青年之家", "kind": "youth_home", "region": c.town_b.pk},
        ),
        expect(city_admin=302, outsider=302, default=404),
    ),
]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
@pytest.mark.parametrize("name,build,expected", POSTS, ids=[row[0] for row in POSTS])
def test_post_action(city, extra_orgs, as_role, persona, name, build, expected):
    url, data = build(city)
    response = as_role(persona).post(url, data)
    assert response.status_code == expected[persona], f"{persona} POST {name}"


@pytest.mark.parametrize("name,build,expected", POSTS, ids=[row[0] for row in POSTS])
def test_post_action_anonymous_goes_to_login(city, extra_orgs, as_role, name, build, expected):
    url, data = build(city)
    response = as_role("anonymous").post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_town_admin_opening_another_towns_organization_gets_not_found(city, as_role):
    client = as_role("town_admin")
    for url in (
        reverse("network:org_detail", args=[city.org_b.pk]),
        reverse("network:org_edit", args=[city.org_b.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "乍浦镇志愿服务队" not in response.content.decode()


def test_outsider_opening_org_a_gets_not_found(city, as_role):
    assert as_role("outsider").get(reverse("network:org_detail", args=[city.org_a.pk])).status_code == 404


def test_read_only_roles_see_no_edit_buttons(city, as_role):
    for persona in ("auditor", "leader"):
        client = as_role(persona)
        for url in (
            reverse("network:org_list"),
            reverse("network:org_detail", args=[city.org_a.pk]),
            reverse("network:site_list"),
            reverse("network:membership_list"),
        ):
            html = client.get(url).content.decode()
            assert reverse("network:org_edit", args=[city.org_a.pk]) not in html, (persona, url)
            assert reverse("network:org_create") not in html
            assert reverse("network:site_create") not in html
            assert "/role/" not in html
            assert 'name="approve_one"' not in html


def test_managers_see_edit_buttons(city, as_role):
    html = as_role("org_admin").get(reverse("network:org_list")).content.decode()
    assert reverse("network:org_edit", args=[city.org_a.pk]) in html
    assert reverse("network:org_create") in html
