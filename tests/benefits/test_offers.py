"""Offers for volunteers: eligibility with every reason shown, the quota per period, claiming gives
a code with a QR, cancelling gives the unit back, the list's queries do not grow."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.benefits.eligibility import period_key
from huiguang.benefits.models import Offer, Redemption
from huiguang.benefits.services.offers import ClaimRefused, redemption_claim
from huiguang.core.models import AuditEntry

from ..accounts.zh import zh
from ..conftest import login_client
from .stores import give_star, make_offer, volunteer_of

pytestmark = pytest.mark.django_db


def _reasons(page: str, offer: Offer) -> str:
    start = page.index(f'data-offer="{offer.pk}"')
    return page[start : page.index("</div></div></div>", start)]


def test_the_list_says_why_not_for_each_offer(city, partners):
    v = volunteer_of(city)
    give_star(v, 1)
    starred = make_offer(partners.store, title="三星志愿者专享", min_star=3)
    newcomers = make_offer(partners.store, title="新居民子女托管", new_residents_only=True)
    zhapu = make_offer(partners.store_b, title="乍浦居民购书", region=city.town_b)
    scored = make_offer(partners.store, title="信用分礼遇", min_score=400)
    gone = make_offer(partners.store, title="售罄", stock=1, taken=1)
    open_offer = make_offer(partners.store, title="一星礼遇", min_star=1)
    page = login_client(v.user).get(reverse("benefits:offers")).content.decode()
    assert zh("Needs a volunteer star of at least %(n)s.", n=3) in _reasons(page, starred)
    assert zh("For new residents (新居民) only.") in _reasons(page, newcomers)
    assert zh("Only for residents of %(region)s.", region="乍浦镇") in _reasons(page, zhapu)
    assert 'data-reason="NO_SCORE"' in _reasons(page, scored)
    assert zh("None left: every unit has been claimed.") in _reasons(page, gone)
    assert f'action="{reverse("benefits:offer_claim", args=[open_offer.pk])}"' in page
    assert "data-reason" not in _reasons(page, open_offer)
    # eligible first
    assert page.index("一星礼遇") < page.index("三星志愿者专享")


def test_every_reason_is_given_at_once(city, partners):
    v = volunteer_of(city)
    offer = make_offer(partners.store, min_star=2, new_residents_only=True, region=city.town_b)
    data = login_client(v.user).get("/api/v1/me/offers").json()
    [row] = [r for r in data if r["offer"]["id"] == offer.pk]
    assert row["eligible"] is False
    assert [r["code"] for r in row["reasons"]] == ["STAR", "NEW_RESIDENT", "REGION"]


def test_a_new_resident_of_the_region_with_the_star_may_claim(city, partners):
    v = volunteer_of(city)
    v.is_new_resident = True
    v.save(update_fields=["is_new_resident"])
    give_star(v, 2)
    offer = make_offer(partners.store, min_star=2, new_residents_only=True, region=city.town_a)
    claim = redemption_claim(volunteer=v, offer=offer)
    assert claim.partner == partners.store and len(claim.code) == 8


def test_claiming_shows_the_code_and_a_qr_of_our_url(city, partners, settings):
    settings.HUIGUANG_SITE_URL = "https://zyz.pinghu.example"
    v = volunteer_of(city)
    offer = make_offer(partners.store, title="爱心面馆八折")
    client = login_client(v.user)
    response = client.post(reverse("benefits:offer_claim", args=[offer.pk]))
    claim = Redemption.objects.get(volunteer=v)
    assert response.url == reverse("benefits:my_code", args=[claim.pk])
    page = client.get(response.url).content.decode()
    assert f"{claim.code[:4]}-{claim.code[4:]}" in page
    assert "<svg" in page
    assert claim.expires_at <= offer.valid_until
    offer.refresh_from_db()
    assert offer.taken == 1
    assert AuditEntry.objects.filter(action="offer.claim", object_id=str(claim.pk)).exists()
    api = client.get("/api/v1/me/claims").json()["items"][0]
    assert api["qr_url"] == f"https://zyz.pinghu.example/c/{claim.code}/"


def test_the_quota_counts_claims_in_the_current_period_only(city, partners):
    v = volunteer_of(city)
    offer = make_offer(partners.store, quota=2, period=Offer.Period.MONTH)
    redemption_claim(volunteer=v, offer=offer)
    redemption_claim(volunteer=v, offer=offer)
    with pytest.raises(ClaimRefused) as exc:
        redemption_claim(volunteer=v, offer=offer)
    assert exc.value.reason == "QUOTA"
    # last month's claims do not count this month
    last_month = timezone.now() - dt.timedelta(days=40)
    Redemption.objects.filter(volunteer=v).update(period_key=period_key(Offer.Period.MONTH, last_month))
    redemption_claim(volunteer=v, offer=offer)
    assert Redemption.objects.filter(volunteer=v).count() == 3


def test_period_keys():
    at = timezone.make_aware(dt.datetime(2026, 12, 6, 12, 0))
    assert [period_key(p, at) for p in ("day", "week", "month", "year", "ever")] == [
        "2026-12-06",
        "2026-W49",
        "2026-12",
        "2026",
        "ever",
    ]


def test_cancelling_an_unused_claim_returns_the_stock_and_frees_the_quota(city, partners):
    v = volunteer_of(city)
    offer = make_offer(partners.store, stock=1)
    claim = redemption_claim(volunteer=v, offer=offer)
    client = login_client(v.user)
    response = client.post(reverse("benefits:my_code_cancel", args=[claim.pk]), follow=True)
    assert zh("The claim is cancelled and the unit is back in stock.") in response.content.decode()
    offer.refresh_from_db()
    assert offer.taken == 0
    claim.refresh_from_db()
    assert claim.cancelled_at is not None
    # twice is harmless: the stock is given back once
    client.post(reverse("benefits:my_code_cancel", args=[claim.pk]))
    offer.refresh_from_db()
    assert offer.taken == 0
    redemption_claim(volunteer=v, offer=offer)  # the unit and the quota are free again


def test_a_redeemed_code_cannot_be_cancelled(city, partners):
    v = volunteer_of(city)
    claim = redemption_claim(volunteer=v, offer=make_offer(partners.store))
    Redemption.objects.filter(pk=claim.pk).update(used_at=timezone.now())
    response = login_client(v.user).post(f"/api/v1/me/claims/{claim.pk}/cancel")
    assert response.status_code == 409 and response.json()["reason"] == "USED"
    assert Offer.objects.get(pk=claim.offer_id).taken == 1


def test_a_closed_offer_cannot_be_claimed(city, partners):
    v = volunteer_of(city)
    offer = make_offer(partners.store, active=False)
    assert login_client(v.user).post(reverse("benefits:offer_claim", args=[offer.pk])).status_code == 404
    assert not Redemption.objects.exists()


def test_the_offer_list_and_codes_run_a_constant_number_of_queries(city, partners, assert_queries_constant):
    v = volunteer_of(city)
    client = login_client(v.user)

    def grow():
        for i in range(8):
            offer = make_offer(partners.store if i % 2 else partners.store_b, quota=3, min_star=(i + 1) % 2)
            if i % 2:
                redemption_claim(volunteer=v, offer=offer)

    redemption_claim(volunteer=v, offer=make_offer(partners.store))

    def pages():
        for name in ("benefits:offers", "benefits:my_codes", "benefits:stores"):
            assert client.get(reverse(name)).status_code == 200
        assert client.get("/api/v1/me/offers").status_code == 200
        assert client.get("/api/v1/me/claims").status_code == 200

    assert_queries_constant(pages, grow)


def test_the_city_admin_publishes_an_offer_and_a_bad_one_answers_422(city, partners):
    client = login_client(city.users["city_admin"])
    url = reverse("benefits:offer_create", args=[partners.store.pk])
    data = {
        "title": "星级志愿者免费理发",
        "category": "life",
        "min_star": "2",
        "quota": "1",
        "period": "month",
        "stock": "50",
        "valid_from": "2026-12-01T08:00",
        "valid_until": "2026-11-01T08:00",
        "code_days": "7",
        "active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert zh("The end of the validity must come after its start.") in response.content.decode()
    assert not Offer.objects.exists()
    data["valid_until"] = "2027-03-01T08:00"
    assert client.post(url, data).status_code == 302
    offer = Offer.objects.get()
    assert (offer.title, offer.min_star, offer.stock, offer.partner) == (
        "星级志愿者免费理发",
        2,
        50,
        partners.store,
    )


def test_the_stock_cannot_drop_below_what_is_claimed(city, partners):
    offer = make_offer(partners.store, stock=5, quota=5)
    for _i in range(3):
        redemption_claim(volunteer=volunteer_of(city), offer=offer)
    client = login_client(city.users["city_admin"])
    response = client.get(reverse("benefits:offer_edit", args=[offer.pk]))
    form = response.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        stock="2",
        region="",
        valid_from=timezone.localtime(offer.valid_from).strftime("%Y-%m-%dT%H:%M"),
        valid_until=timezone.localtime(offer.valid_until).strftime("%Y-%m-%dT%H:%M"),
        active="on",
    )
    data.pop("new_residents_only", None)
    data.pop("min_score", None)
    response = client.post(reverse("benefits:offer_edit", args=[offer.pk]), data)
    assert response.status_code == 422
    assert (
        zh("%(n)s units are already claimed: the stock cannot be smaller.", n=3) in response.content.decode()
    )
    offer.refresh_from_db()
    assert offer.stock == 5


def test_the_stores_are_listed_nearest_first(city, partners):
    partners.store.latitude, partners.store.longitude = 30.7010, 121.0150
    partners.store.save()
    partners.store_b.latitude, partners.store_b.longitude = 30.6150, 121.0920
    partners.store_b.save()
    client = login_client(city.users["volunteer"])
    page = client.get(reverse("benefits:stores"), {"lat": "30.62", "lng": "121.09"}).content.decode()
    assert page.index("乍浦爱心书店") < page.index("东湖爱心面馆")
    assert "<circle" in page
    data = client.get("/api/v1/stores?lat=30.70&lng=121.01").json()
    assert [s["name"] for s in data] == ["东湖爱心面馆", "乍浦爱心书店"]
    assert data[0]["distance_km"] < 1
    # nonsense coordinates are no position, never an error
    assert client.get("/api/v1/stores?lat=abc&lng=999").status_code == 200
    assert json.loads(client.get("/api/v1/stores").content)[0]["distance_km"] is None


def test_the_minimum_credit_score_reads_the_latest_snapshot(city, partners):
    from huiguang.credit.services.snapshots import snapshot_compute

    v = volunteer_of(city)
    score = snapshot_compute(volunteer=v).score
    above = make_offer(partners.store, title="高信用分礼遇", min_score=score + 1)
    at = make_offer(partners.store, title="信用分达标礼遇", min_score=score)
    data = {r["offer"]["id"]: r for r in login_client(v.user).get("/api/v1/me/offers").json()}
    assert [r["code"] for r in data[above.pk]["reasons"]] == ["SCORE"]
    assert data[at.pk]["eligible"] is True
    assert redemption_claim(volunteer=v, offer=at).offer == at
