"""API test helpers: clients authenticated by session or by bearer token, and the ids of the
persona city's objects (tests/conftest.py) for building URLs."""

import pytest
from django.test import Client
from django.utils import translation

from huiguang.accounts.services import token_create
from huiguang.network.models import Membership, Organization, Site
from huiguang.volunteers.models import Volunteer

from ..conftest import login_client
from ..factories import OrganizationFactory, bearer

API = "/api/v1"


def zh(msgid: str, **params) -> str:
    """The Chinese text the API answers for an English source string (which must be translated)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    assert text != msgid, f"not translated into Chinese: {msgid!r}"
    return text % params if params else text


@pytest.fixture(params=["session", "bearer"])
def api_as(request, city):
    """api_as("org_admin") → a client of that persona, logged in by session or by bearer token
    (every test using it runs once per way)."""

    def make(role: str) -> Client:
        user = city.users[role]
        if user is None:
            return Client()
        return login_client(user) if request.param == "session" else bearer(user)

    make.mode = request.param
    return make


@pytest.fixture
def ids(city) -> dict:
    """Ids to fill into URL templates: {org_a}, {site_a1}, {membership_v1}, {volunteer_b}, …"""
    pending = OrganizationFactory(
        code="TP", name="当湖街道新队伍", region=city.town_a, status=Organization.Status.PENDING
    )
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    volunteer_b = Volunteer.objects.get(user=city.users["volunteer_b"])
    return {
        "org_a": city.org_a.pk,
        "org_a1": city.org_a1.pk,
        "org_b": city.org_b.pk,
        "org_pending": pending.pk,
        "site_a1": Site.objects.get(organization=city.org_a1).pk,
        "site_b": Site.objects.get(organization=city.org_b).pk,
        "membership_v1": Membership.objects.get(volunteer=volunteer).pk,
        "membership_b": Membership.objects.get(volunteer=volunteer_b).pk,
        "volunteer": volunteer.pk,
        "volunteer_b": volunteer_b.pk,
        "volunteer_token": token_create(user=volunteer.user, name="手机", created_by=volunteer.user)[0].pk,
        "volunteer_b_phone": city.users["volunteer_b"].phone,
    }
