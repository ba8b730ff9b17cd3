"""The city's partner register: partners, staff accounts (an existing account or a new one),
deactivation, audit; the partner's and the city's statistics and their .xlsx."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huiguang.accounts.models import User
from huiguang.benefits.models import Partner, PartnerStaff
from huiguang.benefits.services.offers import redemption_claim, redemption_redeem
from huiguang.core.models import AuditEntry

from ..accounts.zh import zh
from ..conftest import login_client
from .stores import make_manager, make_offer, volunteer_of

pytestmark = pytest.mark.django_db


def test_the_city_admin_registers_a_store_with_its_location(city, partners):
    client = login_client(city.users["city_admin"])
    data = {
        "name": "当湖爱心理发店",
        "kind": "store",
        "status": "active",
        "region": city.town_a.pk,
        "address": "当湖街道胜利路 8 号",
        "latitude": "30.702100",
        "longitude": "121.016500",
        "contact_name": "陆师傅",
        "contact_phone": "13812345678",
    }
    response = client.post(reverse("benefits:partner_create"), data)
    partner = Partner.objects.get(name="当湖爱心理发店")
    assert response.url == reverse("benefits:partner_detail", args=[partner.pk])
    assert (float(partner.latitude), float(partner.longitude)) == (30.7021, 121.0165)
    assert AuditEntry.objects.filter(action="partner.create", object_id=str(partner.pk)).exists()
    # the same name again, or half a location: 422 with the reason, nothing written
    again = client.post(reverse("benefits:partner_create"), data)
    assert again.status_code == 422
    assert zh("A partner of this kind already has this name.") in again.content.decode()
    half = client.post(reverse("benefits:partner_create"), {**data, "name": "另一家", "longitude": ""})
    assert half.status_code == 422
    assert zh("Give both the latitude and the longitude, or neither.") in half.content.decode()
    assert Partner.objects.filter(name="另一家").count() == 0


def test_staff_accounts_new_and_existing_and_deactivation(city, partners):
    client = login_client(city.users["city_admin"])
    url = reverse("benefits:staff_add", args=[partners.store.pk])
    response = client.post(
        url, {"phone": "13812340001", "display_name": "新店员", "role": "staff"}, follow=True
    )
    new = User.objects.get(phone="13812340001")
    assert PartnerStaff.objects.filter(user=new, partner=partners.store, active=True).exists()
    assert "13812340001" in response.content.decode()
    # an existing account, as the manager
    client.post(url, {"phone": city.users["volunteer_b"].phone, "role": "manager"})
    link = PartnerStaff.objects.get(user=city.users["volunteer_b"])
    assert link.role == "manager"
    # a new number without a name: 422
    bad = client.post(url, {"phone": "13812340002", "role": "staff"})
    assert bad.status_code == 422
    assert zh("Give the name of the new account.") in bad.content.decode()
    assert not User.objects.filter(phone="13812340002").exists()
    # deactivated: the clerk's pages answer 404
    clerk_link = PartnerStaff.objects.get(user=partners.users["clerk"])
    client.post(reverse("benefits:staff_active", args=[partners.store.pk, clerk_link.pk]), {"active": "0"})
    assert (
        login_client(partners.users["clerk"])
        .get(reverse("benefits:redeem", args=[partners.store.pk]))
        .status_code
        == 404
    )
    assert AuditEntry.objects.filter(action="partner.staff_active").exists()


def test_a_suspended_partner_loses_its_pages_and_its_offers(city, partners):
    offer = make_offer(partners.store)
    partners.store.status = Partner.Status.SUSPENDED
    partners.store.save()
    assert (
        login_client(partners.users["clerk"])
        .get(reverse("benefits:redeem", args=[partners.store.pk]))
        .status_code
        == 404
    )
    page = login_client(city.users["volunteer"]).get(reverse("benefits:offers")).content.decode()
    assert offer.title not in page


def _scene(city, partners):
    offer = make_offer(partners.store, title="面馆八折", stock=5, quota=3)
    other = make_offer(partners.store_b, title="书店九折", stock=5)
    v = volunteer_of(city)
    a = redemption_claim(volunteer=v, offer=offer)
    redemption_claim(volunteer=v, offer=offer)
    redemption_claim(volunteer=v, offer=other)
    redemption_redeem(user=partners.users["clerk"], partner=partners.store, code=a.code)
    return offer


def test_the_managers_statistics_count_claims_redemptions_and_stock(city, partners):
    _scene(city, partners)
    manager = login_client(make_manager(partners.store))
    page = manager.get(reverse("benefits:partner_stats", args=[partners.store.pk]))
    html = page.content.decode()
    assert 'id="total-claims">2<' in html and 'id="total-redeemed">1<' in html
    assert "面馆八折" in html and "书店九折" not in html
    export = manager.get(reverse("benefits:partner_stats_export", args=[partners.store.pk]))
    wb = load_workbook(BytesIO(export.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[1][1:] == ("面馆八折", "餐饮礼遇", 5, 2, 3, 2, 1, 0)
    assert AuditEntry.objects.filter(action="offer.statistics_export").exists()
    api = manager.get(f"/api/v1/partners/{partners.store.pk}/statistics").json()
    assert (api["claims"], api["redeemed"], api["left"]) == (2, 1, 3)
    # a clerk is no manager
    assert (
        login_client(partners.users["clerk"])
        .get(reverse("benefits:partner_stats", args=[partners.store.pk]))
        .status_code
        == 404
    )


def test_the_citys_statistics_cover_every_partner(city, partners):
    _scene(city, partners)
    html = login_client(city.users["auditor"]).get(reverse("benefits:city_stats")).content.decode()
    assert 'id="total-claims">3<' in html and "书店九折" in html


def test_the_partner_list_runs_a_constant_number_of_queries(city, partners, assert_queries_constant):
    client = login_client(city.users["city_admin"])

    def grow():
        for _i in range(6):
            p = Partner.objects.create(
                name=f"爱心店{Partner.objects.count()}", kind="store", region=city.town_a
            )
            make_offer(p)

    assert_queries_constant(lambda: client.get(reverse("benefits:partner_list")), grow)
    assert_queries_constant(lambda: client.get(reverse("benefits:city_stats")), grow)


def test_a_clerk_lands_on_the_code_page_and_the_menus_link_the_pages(city, partners):
    from ..factories import PASSWORD

    client = login_client(None)
    client.post(reverse("accounts:login"), {"username": partners.users["clerk"].phone, "password": PASSWORD})
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("benefits:redeem", args=[partners.store.pk])
    assert f'href="{reverse("benefits:partner_home")}"' in response.content.decode()
    admin_home = login_client(city.users["city_admin"]).get("/").content.decode()
    assert f'href="{reverse("benefits:partner_list")}"' in admin_home
    mine = login_client(city.users["volunteer"]).get("/").content.decode()
    for name in ("benefits:offers", "benefits:my_codes", "benefits:stores", "benefits:my_data"):
        assert f'href="{reverse(name)}"' in mine
