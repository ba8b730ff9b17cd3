"""A star volunteer claims an offer on a 375 px phone and the store's clerk redeems it on theirs
(two browser contexts); the store pages at 1366 px. Screenshots under var/screenshots/."""

from __future__ import annotations

from huiguang.benefits.models import Redemption
from huiguang.benefits.services.consent import consent_grant, partner_read
from tests.benefits.stores import give_star, make_manager, make_offer, volunteer_of
from tests.browser.conftest import PHONE, login, scroll_width, shot
from tests.factories import PASSWORD


def _fits(page, width: int) -> None:
    assert scroll_width(page) <= width


def test_a_star_volunteer_claims_and_the_clerk_redeems_on_phones(city, partners, live_server, phone):
    base = live_server.url
    v = volunteer_of(city)
    give_star(v, 3)
    partners.store.latitude, partners.store.longitude = 30.7010, 121.0150
    partners.store.save()
    make_offer(
        partners.store, title="三星志愿者免费面一碗", min_star=3, description="每月一次，到店出示兑换码"
    )
    make_offer(partners.store_b, title="五星志愿者赠书", min_star=5)

    page = phone.new_page()
    login(page, base, v.user.phone, PASSWORD)
    page.goto(f"{base}/me/offers/")
    assert "需要志愿者星级至少5星" in page.content()
    _fits(page, 375)
    shot(page, "benefits-offers-375")
    page.click("form[action$='/claim/'] button")
    page.wait_for_load_state()
    claim = Redemption.objects.get(volunteer=v)
    assert page.inner_text("#claim-code") == f"{claim.code[:4]}-{claim.code[4:]}"
    assert page.locator("svg").count() >= 1
    _fits(page, 375)
    shot(page, "benefits-code-375")

    clerk_context = phone.browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    clerk = clerk_context.new_page()
    login(clerk, base, partners.users["clerk"].phone, PASSWORD)
    clerk.goto(f"{base}/")
    clerk.wait_for_load_state()
    assert clerk.url.endswith(f"/partner/{partners.store.pk}/redeem/")
    clerk.fill("#ecard-token", claim.code.lower())
    clerk.click("text=查询")
    clerk.wait_for_load_state()
    assert "三星志愿者免费面一碗" in clerk.content() and clerk.inner_text("#claim-name") == "张**"
    _fits(clerk, 375)
    shot(clerk, "benefits-clerk-lookup-375")
    clerk.click("#claim-card button")
    clerk.wait_for_load_state()
    assert "已核销" in clerk.content()
    shot(clerk, "benefits-clerk-redeemed-375")
    claim.refresh_from_db()
    assert claim.used_by == partners.users["clerk"]
    clerk_context.close()

    page.goto(f"{base}/me/codes/{claim.pk}/")
    assert "已核销" in page.inner_text("#claim-state")
    page.goto(f"{base}/me/stores/")
    _fits(page, 375)
    shot(page, "benefits-stores-375")
    consent_grant(volunteer=v, partner=partners.bank, purpose="loan", fields=["score"], days=30, user=v.user)
    partner_read(
        user=partners.users["bank_officer"],
        partner=partners.bank,
        volunteer=v,
        purpose="loan",
        fields=["score"],
        what="志愿贷推荐核验",
    )
    page.goto(f"{base}/me/data-access/")
    assert "志愿贷推荐核验" in page.content()
    _fits(page, 375)
    shot(page, "benefits-my-data-375")
    page.click("#consents button")
    page.wait_for_load_state()
    assert "授权已撤回" in page.content()


def test_the_store_pages_at_1366(city, partners, live_server, desktop):
    base = live_server.url
    offer = make_offer(partners.store, title="星级志愿者面馆八折")
    from huiguang.benefits.services.offers import redemption_claim, redemption_redeem

    claim = redemption_claim(volunteer=volunteer_of(city), offer=offer)
    redemption_redeem(user=partners.users["clerk"], partner=partners.store, code=claim.code)
    admin = desktop.new_page()
    login(admin, base, city.users["city_admin"].phone, PASSWORD)
    for path, name in [
        ("/console/partners/", "benefits-partners-1366"),
        (f"/console/partners/{partners.store.pk}/", "benefits-partner-detail-1366"),
        (f"/console/partners/{partners.store.pk}/offers/new/", "benefits-offer-form-1366"),
        ("/console/offers/statistics/", "benefits-city-stats-1366"),
    ]:
        admin.goto(base + path)
        _fits(admin, 1366)
        shot(admin, name)
    manager = desktop.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN").new_page()
    login(manager, base, make_manager(partners.store).phone, PASSWORD)
    manager.goto(f"{base}/partner/{partners.store.pk}/statistics/")
    assert manager.inner_text("#total-redeemed") == "1"
    _fits(manager, 375)
    shot(manager, "benefits-partner-stats-375")
    volunteer = desktop.browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN"
    ).new_page()
    login(volunteer, base, city.users["volunteer_b"].phone, PASSWORD)
    for path, name in [("/me/offers/", "benefits-offers-1366"), ("/me/stores/", "benefits-stores-1366")]:
        volunteer.goto(base + path)
        _fits(volunteer, 1366)
        shot(volunteer, name)
