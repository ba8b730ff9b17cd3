"""A resident's request on 375 px phones, end to end: the resident posts a need with "use my
location"; the community opens it to volunteers; a volunteer finds it nearby, takes it, checks in
at the address with the code and the phone's location (Playwright geolocation), checks out and
closes it; the resident rates it through the SMS link; the team's rating figure changes."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from huiguang.attendance.models import CheckIn
from huiguang.needs.models import ServiceRequest
from huiguang.needs.selectors.requests import rating_figures, ratings_for
from huiguang.notifications import sms
from tests.browser.conftest import PHONE, login, scroll_width, shot
from tests.factories import PASSWORD

from ..needs.conftest import LAT, LNG, needs
from ..needs.conftest import PHONE as RESIDENT_PHONE

__all__ = ["needs"]  # the fixture, shared with tests/needs

VOLUNTEER, TOWN_ADMIN = "13900000006", "13900000003"  # 张小明, 街道管理员


def _fits(page) -> None:
    assert scroll_width(page) <= PHONE["width"]


def _context(browser, *, located: bool, base: str):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    context.set_default_timeout(15000)
    if located:
        context.grant_permissions(["geolocation"], origin=base)
        context.set_geolocation({"latitude": float(LAT), "longitude": float(LNG)})
    return context


def test_post_open_take_check_in_close_and_rate_on_phones(city, needs, live_server, browser, settings):
    settings.HUIGUANG_SITE_URL = live_server.url
    base = live_server.url
    contexts = [_context(browser, located=True, base=base) for _ in range(3)]
    try:
        # 1. the resident posts a need (点单)
        resident = contexts[0].new_page()
        login(resident, base, RESIDENT_PHONE, PASSWORD)
        resident.goto(f"{base}/needs/post/")
        _fits(resident)
        start = timezone.localtime() - dt.timedelta(minutes=40)
        resident.select_option("#id_category", label="助老服务")
        resident.fill("#id_description", "老人独居，想请志愿者上门量血压")
        resident.fill("#id_address", "东湖社区 3 幢 201")
        resident.fill("#id_window_start", start.strftime("%Y-%m-%dT%H:%M"))
        resident.fill("#id_window_end", (start + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
        resident.click("#use-location")
        resident.wait_for_function("() => document.querySelector('[name=lat]').value !== ''")
        shot(resident, "needs-post-375")
        resident.click("#post-form button[type=submit]")
        resident.wait_for_load_state()
        req = ServiceRequest.objects.get()
        assert "/needs/mine/" in resident.url and req.number in resident.content()
        assert abs(float(req.lat) - float(LAT)) < 1e-5
        _fits(resident)
        shot(resident, "needs-mine-detail-375")

        # 2. the community opens it to volunteers nearby (接单)
        admin = contexts[1].new_page()
        login(admin, base, TOWN_ADMIN, PASSWORD)
        admin.goto(f"{base}/needs/console/")
        _fits(admin)
        shot(admin, "needs-queue-375")
        admin.click(f"[data-request='{req.pk}']")
        admin.wait_for_load_state()
        assert RESIDENT_PHONE in admin.locator("#contact").inner_text()
        admin.select_option("#id_team-organization", label=city.org_a.name)
        _fits(admin)
        shot(admin, "needs-console-detail-375")
        admin.click("#open-button")
        admin.wait_for_load_state()
        req.refresh_from_db()
        assert req.status == ServiceRequest.Status.OPEN

        # 3. a volunteer finds it nearby and takes it
        volunteer = contexts[2].new_page()
        login(volunteer, base, VOLUNTEER, PASSWORD)
        volunteer.goto(f"{base}/needs/nearby/")
        volunteer.click("#use-location")
        volunteer.wait_for_url("**/needs/nearby/?*")
        assert volunteer.locator(f"[data-request='{req.pk}'] [data-km]").inner_text().endswith("km")
        _fits(volunteer)
        shot(volunteer, "needs-nearby-375")
        volunteer.click(f"[data-request='{req.pk}']")
        volunteer.click("#take-button")
        volunteer.wait_for_load_state()
        assert volunteer.locator("#contact-phone").inner_text() == RESIDENT_PHONE
        code = volunteer.locator("#checkin-code").inner_text()
        _fits(volunteer)
        shot(volunteer, "needs-taken-375")

        # 4. check in at the address: the code and the phone's location (the attendance page)
        volunteer.click("#checkin-link")
        volunteer.wait_for_selector("#code-submit:not([disabled])")
        volunteer.fill("#code-input", code)
        volunteer.click("#code-submit")
        volunteer.wait_for_load_state()
        assert "张小明 已于" in volunteer.locator("#checkin-result").inner_text()
        CheckIn.objects.update(at=F("at") - dt.timedelta(minutes=30))  # half an hour of service
        volunteer.goto(f"{base}/checkin/code/")
        volunteer.wait_for_selector("#code-submit:not([disabled])")
        volunteer.fill("#code-input", code)
        volunteer.click("#code-submit")
        volunteer.wait_for_load_state()
        assert CheckIn.objects.filter(kind="out").count() == 1

        # 5. close it with notes
        volunteer.goto(f"{base}/needs/taken/{req.pk}/")
        volunteer.fill("#id_notes", "量了血压 130/85，陪老人聊了半小时")
        volunteer.click("#close-form button[type=submit]")
        volunteer.wait_for_load_state()
        req.refresh_from_db()
        assert req.status == ServiceRequest.Status.DONE

        # 6. the resident rates it through the SMS link, without logging in (评单)
        link = next(m.text for m in sms.outbox if "/needs/rate/" in m.text).split()[-1]
        assert link.startswith(base)
        assert rating_figures(ratings_for(city.users["org_admin"])) == []
        anonymous = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
        try:
            rate = anonymous.new_page()
            rate.goto(link)
            _fits(rate)
            shot(rate, "needs-rate-375")
            rate.click("label[for=score-5]")
            rate.fill("#id_comment", "小张很耐心，谢谢！")
            rate.click("#rate-submit")
            rate.wait_for_load_state()
            assert "谢谢您" in rate.content()
            shot(rate, "needs-rated-375")
            rate.goto(link)  # a second use is refused
            assert "已评价过" in rate.content()
        finally:
            anonymous.close()
        rows = rating_figures(ratings_for(city.users["org_admin"]))
        assert [(r["organization__name"], r["ratings"], float(r["average"])) for r in rows] == [
            (city.org_a.name, 1, 5.0)
        ]
    finally:
        for context in contexts:
            context.close()


def test_the_needs_pages_at_1366(city, needs, live_server, desktop):
    """The console queue and a request's page, the resident's list, on a desktop screen."""
    from ..needs.conftest import done, opened, posted

    posted(needs)
    opened(city, needs)
    done(city, needs)
    base = live_server.url
    page = desktop.new_page()
    login(page, base, TOWN_ADMIN, PASSWORD)
    page.goto(f"{base}/needs/console/")
    assert page.locator("#queue [data-request]").count() == 3
    shot(page, "needs-queue-1366")
    page.click("#queue [data-request] >> nth=0")
    page.wait_for_load_state()
    assert scroll_width(page) <= 1366
    shot(page, "needs-console-detail-1366")
    desktop.clear_cookies()
    resident = desktop.new_page()
    login(resident, base, RESIDENT_PHONE, PASSWORD)
    resident.goto(f"{base}/needs/mine/")
    assert resident.locator("#my-requests a").count() == 3
    shot(resident, "needs-mine-1366")
