"""The demo city's 49 partner stores, their rights in the ten categories, claims and redemptions."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.urls import reverse

from huiguang.benefits.models import Offer, Partner, PartnerStaff, Redemption
from huiguang.demo.accounts import ACCOUNTS_BY_KEY

from ..conftest import login_client

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_49_stores_with_rights_claims_and_working_logins():
    call_command("seed_demo", "--volunteers", "300", stdout=StringIO())
    stores = Partner.objects.filter(kind=Partner.Kind.STORE)
    assert stores.count() == 49
    assert set(stores.values_list("region__code", flat=True)) <= {"330482001", "330482002", "330482003"}
    assert not stores.filter(Q(latitude__isnull=True) | Q(staff__isnull=True)).exists()
    assert all(30.6 < float(s.latitude) < 30.8 and 120.9 < float(s.longitude) < 121.1 for s in stores)
    assert set(Offer.objects.values_list("category", flat=True)) == set(Offer.Category.values)
    # the stock counters equal the claims that hold a unit, never above the stock
    offers = Offer.objects.annotate(
        held=Count("redemptions", filter=Q(redemptions__cancelled_at__isnull=True))
    )
    assert not offers.exclude(taken=F("held")).exists()
    assert not Offer.objects.filter(taken__gt=F("stock")).exists()
    assert Redemption.objects.filter(used_at__isnull=False).exists()
    assert not Redemption.objects.exclude(partner=F("offer__partner")).exists()
    # the printable demo logins: the clerk lands on the code page, the manager reads the statistics
    clerk = PartnerStaff.objects.get(user__phone=ACCOUNTS_BY_KEY["store_clerk"].phone)
    manager = PartnerStaff.objects.get(user__phone=ACCOUNTS_BY_KEY["store_manager"].phone, role="manager")
    assert clerk.partner == manager.partner
    landing = login_client(clerk.user).get("/", follow=True)
    assert landing.redirect_chain[-1][0] == reverse("benefits:redeem", args=[clerk.partner_id])
    stats = login_client(manager.user).get(reverse("benefits:partner_stats", args=[manager.partner_id]))
    assert stats.status_code == 200
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert ACCOUNTS_BY_KEY["store_clerk"].phone in out.getvalue()
