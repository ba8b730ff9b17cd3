"""The clerk's code page: look a code up (the offer and the volunteer's masked name), redeem it
once, only at its own partner (another partner learns nothing), never an expired or cancelled one."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.benefits.models import Redemption
from huiguang.benefits.services.offers import redemption_claim
from huiguang.core.models import AuditEntry

from ..accounts.zh import zh
from ..conftest import login_client
from .stores import make_offer, volunteer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(city, partners):
    return redemption_claim(
        volunteer=volunteer_of(city), offer=make_offer(partners.store, title="爱心面馆八折")
    )


def _redeem_url(partner):
    return reverse("benefits:redeem", args=[partner.pk])


def test_the_clerk_types_the_code_sees_the_masked_name_and_redeems(partners, claim):
    clerk = login_client(partners.users["clerk"])
    typed = f"{claim.code[:4].lower()} {claim.code[4:]}"
    page = clerk.get(_redeem_url(partners.store), {"code": typed}).content.decode()
    assert "爱心面馆八折" in page
    assert "张**" in page and "张小明" not in page
    response = clerk.post(_redeem_url(partners.store), {"code": claim.code}, follow=True)
    assert (
        zh("Redeemed: %(offer)s for %(name)s.", offer="爱心面馆八折", name="张**")
        in response.content.decode()
    )
    claim.refresh_from_db()
    assert claim.used_at is not None and claim.used_by == partners.users["clerk"]
    assert AuditEntry.objects.filter(action="offer.redeem", outcome="ok").count() == 1


def test_a_second_redemption_is_refused_with_when(partners, claim):
    clerk = login_client(partners.users["clerk"])
    clerk.post(_redeem_url(partners.store), {"code": claim.code})
    response = clerk.post(_redeem_url(partners.store), {"code": claim.code})
    assert response.status_code == 409
    claim.refresh_from_db()
    when = timezone.localtime(claim.used_at).strftime("%Y-%m-%d %H:%M")
    assert zh("This code was redeemed already on %(at)s.", at=when) in response.content.decode()


def test_another_partners_clerk_is_refused_and_learns_nothing(partners, claim):
    other = login_client(partners.users["clerk_b"])
    page = other.get(_redeem_url(partners.store_b), {"code": claim.code})
    assert page.status_code == 422
    text = page.content.decode()
    assert zh("This is not a code of %(partner)s.", partner="乍浦爱心书店") in text
    assert "爱心面馆八折" not in text and "张**" not in text
    response = other.post(_redeem_url(partners.store_b), {"code": claim.code})
    assert response.status_code == 409
    assert "爱心面馆八折" not in response.content.decode()
    claim.refresh_from_db()
    assert claim.used_at is None
    assert AuditEntry.objects.get(action="offer.redeem").outcome == "denied"
    # the other store's page of the first store answers 404
    assert other.get(_redeem_url(partners.store)).status_code == 404


def test_an_unknown_code_reads_the_same_as_another_partners(partners, claim):
    clerk = login_client(partners.users["clerk_b"])
    a = clerk.post(_redeem_url(partners.store_b), {"code": claim.code})
    b = clerk.post(_redeem_url(partners.store_b), {"code": "XXXXYYYY"})
    assert a.status_code == b.status_code == 409
    message = zh("This is not a code of %(partner)s.", partner="乍浦爱心书店")
    assert message in a.content.decode() and message in b.content.decode()


def test_an_expired_code_is_refused(partners, claim):
    Redemption.objects.filter(pk=claim.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = login_client(partners.users["clerk"]).post(_redeem_url(partners.store), {"code": claim.code})
    assert response.status_code == 409
    assert zh("This code has expired.") in response.content.decode()
    claim.refresh_from_db()
    assert claim.used_at is None


def test_a_cancelled_code_is_refused(city, partners, claim):
    login_client(city.users["volunteer"]).post(reverse("benefits:my_code_cancel", args=[claim.pk]))
    response = login_client(partners.users["clerk"]).post(_redeem_url(partners.store), {"code": claim.code})
    assert response.status_code == 409
    assert zh("The volunteer cancelled this claim.") in response.content.decode()


def test_an_empty_code_answers_422(partners):
    response = login_client(partners.users["clerk"]).post(_redeem_url(partners.store), {"code": ""})
    assert response.status_code == 422


def test_the_qr_link_takes_a_clerk_to_the_code_page(partners, claim, city):
    url = reverse("benefits:code_link", args=[claim.code])
    response = login_client(partners.users["clerk"]).get(url)
    assert response.status_code == 302
    assert response.url == _redeem_url(partners.store) + f"?code={claim.code}"
    # a volunteer scanning it reads what it is for, nothing about the claim
    page = login_client(city.users["volunteer_b"]).get(url)
    assert page.status_code == 404 and "爱心面馆八折" not in page.content.decode()


def test_partner_staff_land_on_their_code_page(partners):
    response = login_client(partners.users["clerk"]).get(reverse("benefits:partner_home"))
    assert response.url == _redeem_url(partners.store)


def test_the_api_looks_up_and_redeems_once_only_at_its_partner(partners, claim):
    from ..factories import bearer

    clerk, other = bearer(partners.users["clerk"]), bearer(partners.users["clerk_b"])
    body = json.dumps({"code": claim.code})
    base = "/api/v1/partners"
    found = clerk.post(f"{base}/{partners.store.pk}/codes/lookup", body, content_type="application/json")
    assert found.status_code == 200
    assert (found.json()["volunteer_masked_name"], found.json()["state"]) == ("张**", "open")
    assert (
        other.post(
            f"{base}/{partners.store_b.pk}/codes/lookup", body, content_type="application/json"
        ).status_code
        == 404
    )
    refused = other.post(f"{base}/{partners.store_b.pk}/codes/redeem", body, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["reason"] == "NOT_HERE"
    assert "爱心面馆八折" not in refused.content.decode()
    done = clerk.post(f"{base}/{partners.store.pk}/codes/redeem", body, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "used"
    again = clerk.post(f"{base}/{partners.store.pk}/codes/redeem", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["reason"] == "USED"
