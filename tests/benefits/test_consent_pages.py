"""谁能看我的数据: the volunteer sees every consent and every read made under it, and withdraws a
consent there; from then on the partner's reads answer 404."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from huiguang.benefits.models import Consent
from huiguang.benefits.services.consent import consent_grant, partner_read
from huiguang.core.models import AuditEntry

from ..accounts.zh import zh
from ..conftest import login_client
from .stores import volunteer_of

pytestmark = pytest.mark.django_db

FIELDS = ["volunteer_number", "score"]


def _read(partners, v, what):
    return partner_read(
        user=partners.users["bank_officer"],
        partner=partners.bank,
        volunteer=v,
        purpose="loan",
        fields=FIELDS,
        what=what,
    )


def test_the_page_lists_consents_and_every_read(city, partners):
    v = volunteer_of(city)
    consent_grant(volunteer=v, partner=partners.bank, purpose="loan", fields=FIELDS, days=30, user=v.user)
    _read(partners, v, "志愿贷推荐核验")
    _read(partners, v, "放款前复核")
    page = login_client(v.user).get(reverse("benefits:my_data")).content.decode()
    assert "平湖农商银行" in page
    assert zh("volunteer number") in page and zh("credit score") in page
    assert "志愿贷推荐核验" in page and "放款前复核" in page
    assert zh("in force") in page
    # another volunteer sees none of it
    other = login_client(city.users["volunteer_b"]).get(reverse("benefits:my_data")).content.decode()
    assert "志愿贷推荐核验" not in other


def test_withdrawing_stops_the_reads_and_keeps_the_list(city, partners):
    v = volunteer_of(city)
    consent = consent_grant(
        volunteer=v, partner=partners.bank, purpose="loan", fields=FIELDS, days=30, user=v.user
    )
    _read(partners, v, "志愿贷推荐核验")
    client = login_client(v.user)
    response = client.post(reverse("benefits:consent_withdraw", args=[consent.pk]), follow=True)
    assert zh("Consent withdrawn: %(partner)s can no longer read your data.", partner="平湖农商银行") in (
        response.content.decode()
    )
    consent.refresh_from_db()
    assert consent.state == "withdrawn"
    with pytest.raises(Http404):
        _read(partners, v, "撤回后的读取")
    page = client.get(reverse("benefits:my_data")).content.decode()
    assert "志愿贷推荐核验" in page and "撤回后的读取" not in page
    assert AuditEntry.objects.filter(action="consent.withdraw", object_id=str(consent.pk)).exists()


def test_the_api_lists_and_withdraws(city, partners):
    v = volunteer_of(city)
    consent = consent_grant(
        volunteer=v, partner=partners.bank, purpose="loan", fields=FIELDS, days=30, user=v.user
    )
    _read(partners, v, "核验")
    client = login_client(v.user)
    assert client.get("/api/v1/me/consents").json()["items"][0]["state"] == "live"
    assert client.get("/api/v1/me/partner-accesses").json()["items"][0]["what"] == "核验"
    assert client.post(f"/api/v1/me/consents/{consent.pk}/withdraw").json()["state"] == "withdrawn"
    assert Consent.objects.get().withdrawn_at is not None
    # another volunteer's consent: 404
    assert (
        login_client(city.users["volunteer_b"]).post(f"/api/v1/me/consents/{consent.pk}/withdraw").status_code
        == 404
    )


def test_the_access_list_runs_a_constant_number_of_queries(city, partners, assert_queries_constant):
    v = volunteer_of(city)
    consent_grant(volunteer=v, partner=partners.bank, purpose="loan", fields=FIELDS, days=30, user=v.user)
    _read(partners, v, "首次读取")
    client = login_client(v.user)

    def grow():
        consent_grant(
            volunteer=v, partner=partners.education, purpose="points", fields=["child"], days=30, user=v.user
        )
        for i in range(5):
            _read(partners, v, f"读取{i}")

    assert_queries_constant(lambda: client.get(reverse("benefits:my_data")), grow)
    assert_queries_constant(lambda: client.get("/api/v1/me/partner-accesses"), grow)
