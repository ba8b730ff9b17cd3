"""The four ways on a 375 px phone, end to end: the leader's QR screen → the URL it encodes →
the volunteer's phone checks in; the activity code with the phone's location; the leader's
roster in bulk; the leader scanning an e-card. No page scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import expect

from huiguang.attendance import codes
from huiguang.attendance.models import CheckIn
from huiguang.volunteers.ecard import ecard_token
from tests.browser.conftest import PHONE, login, scroll_width, shot
from tests.factories import PASSWORD

from .conftest import LAT, LNG, enrol, member

VOLUNTEER, LEADER = "13900000006", "13900000005"  # 张小明, 李队长


def _fits(page) -> None:
    assert scroll_width(page) <= PHONE["width"]


def _leader_phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    context.set_default_timeout(15000)
    return context


def test_qr_leader_screen_to_volunteer_phone(day, live_server, phone, browser, settings):
    settings.HUIGUANG_QR_ROTATE_SECONDS = 5  # the screen refreshes within the test
    settings.HUIGUANG_SITE_URL = live_server.url  # the QR link is on the public address
    leader_context = _leader_phone(browser)
    try:
        volunteer = phone.new_page()
        volunteer.goto(f"{live_server.url}/checkin/code/")  # log in first (the QR URL lives 5-10 s here)
        assert "/accounts/login/" in volunteer.url
        volunteer.fill("input[name=username]", VOLUNTEER)
        volunteer.fill("input[name=password]", PASSWORD)
        volunteer.click("form button[type=submit]")
        volunteer.wait_for_load_state()
        assert "/checkin/code/" in volunteer.url  # back where the volunteer was going

        leader = leader_context.new_page()
        login(leader, live_server.url, LEADER, PASSWORD)
        leader.goto(f"{live_server.url}/console/attendance/shifts/{day.shift.pk}/qr/")
        assert leader.locator("#qr-image svg").is_visible()
        assert leader.locator("#qr-code").inner_text() == codes.activity_code(day.activity.pk)
        assert leader.locator("#qr-inside").inner_text() == "0"
        _fits(leader)
        shot(leader, "attendance-qr-375")
        url = leader.locator("#qr-screen").get_attribute("data-checkin-url")
        assert url.startswith(f"{live_server.url}/checkin/")
        assert leader.locator("#qr-link").get_attribute("href") == url

        volunteer.goto(url)  # what the phone's camera opens
        _fits(volunteer)
        volunteer.click("#checkin-button")
        volunteer.wait_for_load_state()
        assert "张小明 已于" in volunteer.locator("#checkin-result").inner_text()
        _fits(volunteer)
        shot(volunteer, "attendance-qr-checked-in-375")
        checkin = CheckIn.objects.get()
        assert checkin.kind == "in" and checkin.method == "qr" and checkin.enrollment == day.enrollment

        # The leader's screen refreshes by itself: one person in, and a new token.
        expect(leader.locator("#qr-inside")).to_have_text("1", timeout=15000)
        expect(leader.locator("#qr-screen")).not_to_have_attribute("data-checkin-url", url, timeout=15000)
    finally:
        leader_context.close()


def test_code_and_location_on_a_phone(day, live_server, phone, settings):
    phone.grant_permissions(["geolocation"], origin=live_server.url)
    phone.set_geolocation({"latitude": float(LAT) + 0.0005, "longitude": float(LNG)})
    page = phone.new_page()
    login(page, live_server.url, VOLUNTEER, PASSWORD)
    page.goto(f"{live_server.url}/checkin/code/")
    page.wait_for_selector("#code-submit:not([disabled])")
    assert "已获取位置" in page.locator("#code-location").inner_text()
    page.fill("#code-input", codes.activity_code(day.activity.pk))
    _fits(page)
    shot(page, "attendance-code-375")
    page.click("#code-submit")
    page.wait_for_load_state()
    assert "张小明 已于" in page.locator("#checkin-result").inner_text()
    checkin = CheckIn.objects.get()
    assert checkin.method == "code_gps" and abs(float(checkin.lat) - (float(LAT) + 0.0005)) < 1e-6


def test_code_far_away_is_refused_with_the_distance(day, live_server, phone):
    phone.grant_permissions(["geolocation"], origin=live_server.url)
    phone.set_geolocation({"latitude": float(LAT) + 0.02, "longitude": float(LNG)})
    page = phone.new_page()
    login(page, live_server.url, VOLUNTEER, PASSWORD)
    page.goto(f"{live_server.url}/checkin/code/")
    page.wait_for_selector("#code-submit:not([disabled])")
    page.fill("#code-input", codes.activity_code(day.activity.pk))
    page.click("#code-submit")
    page.wait_for_load_state()
    text = page.locator("#checkin-result").inner_text()
    assert "2224 米" in text and "300 米" in text
    assert not CheckIn.objects.exists()


def test_the_leader_marks_the_roster_on_a_phone(day, live_server, phone, city):
    grandpa = enrol(day.shift, member(city.org_a, real_name="赵大爷"))
    page = phone.new_page()
    login(page, live_server.url, LEADER, PASSWORD)
    page.goto(f"{live_server.url}/console/attendance/shifts/{day.shift.pk}/")
    _fits(page)
    page.check(f"#att-{day.enrollment.pk}")
    page.check(f"#att-{grandpa.pk}")
    page.click("text=标记到岗")
    page.wait_for_load_state()
    assert "已标记到岗" in page.content()
    assert page.locator("tr", has_text="赵大爷").locator(".badge").inner_text() == "在岗"
    _fits(page)
    shot(page, "attendance-roster-375")
    page.check(f"#att-{grandpa.pk}")
    page.click("text=标记离岗")
    page.wait_for_load_state()
    assert "已标记离岗：赵大爷" in page.content()
    assert CheckIn.objects.filter(method="leader").count() == 3


def test_the_leader_scans_an_e_card_on_a_phone(day, live_server, phone):
    page = phone.new_page()
    login(page, live_server.url, LEADER, PASSWORD)
    page.goto(f"{live_server.url}/console/attendance/shifts/{day.shift.pk}/scan/")
    _fits(page)
    page.fill("#ecard-token", ecard_token(day.volunteer))
    page.click("#ecard-form button[type=submit]")
    page.wait_for_load_state()
    assert "张小明 已于" in page.content()
    _fits(page)
    shot(page, "attendance-ecard-375")
    checkin = CheckIn.objects.get()
    assert checkin.method == "ecard" and checkin.kind == "in"


def test_the_e_card_on_a_phone_shows_a_fresh_code_every_minute(day, live_server, phone):
    page = phone.new_page()
    page.clock.install()
    login(page, live_server.url, VOLUNTEER, PASSWORD)
    page.goto(f"{live_server.url}/me/ecard/")
    assert page.locator("#ecard-qr svg").is_visible()
    _fits(page)
    page.evaluate("document.querySelector('#ecard-qr svg').setAttribute('data-old', '1')")
    with page.expect_response(lambda r: r.url.endswith("/me/ecard/")):
        page.clock.fast_forward(61_000)
    expect(page.locator("#ecard-qr svg")).to_have_count(1)
    expect(page.locator("#ecard-qr svg[data-old]")).to_have_count(0)
    assert page.locator("#ecard-stale").is_hidden()
