"""Who may open the check-in pages: the leader pages for those who run the activity's
organization (its leaders and admins, admins above it, region admins of its subtree, city admins),
404 for everyone else; the volunteer's pages for anyone logged in (refusals explain themselves)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.attendance import codes

from ..factories import ROLES

pytestmark = pytest.mark.django_db

SIGNED_IN = [role for role in ROLES if role != "anonymous"]

LEADER_PAGES = ["attendance:roster", "attendance:qr", "attendance:qr_state", "attendance:ecard_scan"]
EXPECTED = {
    "city_admin": 200,
    "town_admin": 200,
    "org_admin": 200,
    "leader": 200,
    "auditor": 404,
    "outsider": 404,
    "volunteer": 404,
    "volunteer_b": 404,
}


@pytest.mark.parametrize("name", LEADER_PAGES)
@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_who_runs_the_leader_pages(day, as_role, role, name):
    response = as_role(role).get(reverse(name, args=[day.shift.pk]))
    assert response.status_code == EXPECTED[role]


@pytest.mark.parametrize("name", LEADER_PAGES)
def test_anonymous_is_sent_to_log_in(day, client, name):
    response = client.get(reverse(name, args=[day.shift.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The volunteer's pages: (role, status) — 200 for the volunteer with a place, 409 with the reason for
# the rest (no place on the shift, or no volunteer profile), the login page for anonymous visitors.
SCAN = {"volunteer": 200, "volunteer_b": 409, "leader": 409, "city_admin": 409, "outsider": 409}


@pytest.mark.parametrize("role", sorted(SCAN))
def test_who_opens_the_qr_url(day, as_role, role):
    response = as_role(role).get(reverse("attendance:scan", args=[codes.qr_token(day.shift.pk)]))
    assert response.status_code == SCAN[role]


@pytest.mark.parametrize("role", SIGNED_IN)
def test_the_code_page_opens_for_everyone_logged_in(day, as_role, role):
    assert as_role(role).get(reverse("attendance:code")).status_code == 200


@pytest.mark.parametrize("name", ["attendance:code"])
def test_the_code_page_asks_anonymous_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
