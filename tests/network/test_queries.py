"""List pages run a fixed number of queries, however many rows there are."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.network.models import Membership, Region

from ..factories import MembershipFactory, OrganizationFactory, RegionFactory, SiteFactory, VolunteerFactory

PAGES = [
    ("city_admin", "network:region_list"),
    ("town_admin", "network:region_list"),
    ("city_admin", "network:org_list"),
    ("town_admin", "network:org_list"),
    ("org_admin", "network:org_list"),
    ("city_admin", "network:site_list"),
    ("org_admin", "network:site_list"),
    ("city_admin", "network:membership_list"),
    ("org_admin", "network:membership_list"),
    ("leader", "network:membership_list"),
    ("anonymous", "network:directory"),
    ("volunteer", "network:my_memberships"),
]


def page(client, url):
    """A call of the page that checks it answered (a 404 would run fewer queries)."""

    def get():
        assert client.get(url).status_code == 200

    return get


@pytest.mark.parametrize("persona,name", PAGES, ids=[f"{p}-{n.split(':')[1]}" for p, n in PAGES])
def test_list_pages_do_not_grow_with_rows(city, as_role, assert_queries_constant, persona, name):
    _grow_batch(city, start=0, n=3)
    queries = assert_queries_constant(
        page(as_role(persona), reverse(name)), lambda: _grow_batch(city, start=3, n=60)
    )
    assert queries <= 15


def _grow_batch(city, start: int, n: int) -> None:
    """n more villages, organizations under org A, sites, members, applications and former memberships."""
    for i in range(start, start + n):
        village = RegionFactory(
            code=f"330482001{i + 100:03d}", name=f"测试村{i}", level=Region.Level.VILLAGE, parent=city.town_a
        )
        org = OrganizationFactory(
            code=f"Q{i:04d}", name=f"测试队{i}", region=village, parent=city.org_a, specialty=f"专业{i % 5}"
        )
        SiteFactory(name=f"测试阵地{i}", region=village, organization=org)
        MembershipFactory(organization=org, volunteer=VolunteerFactory(residence_region=village))
        MembershipFactory(
            organization=city.org_a,
            status=Membership.Status.APPLIED,
            volunteer=VolunteerFactory(residence_region=village),
        )
        MembershipFactory(
            organization=org, volunteer=city.users["volunteer"].volunteer, status=Membership.Status.LEFT
        )


def test_organization_detail_does_not_grow_with_members(city, as_role, assert_queries_constant):
    url = reverse("network:org_detail", args=[city.org_a.pk])
    queries = assert_queries_constant(
        page(as_role("org_admin"), url), lambda: _grow_batch(city, start=0, n=40)
    )
    assert queries <= 20


def test_public_organization_page_has_a_fixed_cost(city, as_role, assert_queries_constant):
    url = reverse("network:org_public", args=["TA"])
    queries = assert_queries_constant(
        page(as_role("volunteer"), url), lambda: _grow_batch(city, start=0, n=30)
    )
    assert queries <= 15
