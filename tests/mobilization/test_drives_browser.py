"""The QR sign-up of a recruitment drive on a 375 px phone: a newcomer registers and is signed up."""

from __future__ import annotations

import datetime as dt

from huiguang.core.id_card import make_id_number
from huiguang.mobilization.models.drives import Drive, DriveSignup, DriveUnit
from huiguang.network.models import Membership
from tests.browser.conftest import scroll_width, shot
from tests.factories import PASSWORD


def test_a_newcomer_signs_up_through_a_unit_qr_page_on_a_phone(city, live_server, phone):
    drive = Drive.objects.create(
        name="2026 青年志愿者招募",
        year=2026,
        region=city.city,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 12, 31),
        status=Drive.Status.OPEN,
    )
    unit = DriveUnit.objects.create(drive=drive, region=city.village_a1, team=city.org_a1, target=20)
    page = phone.new_page()
    page.goto(f"{live_server.url}/d/{unit.slug}/")
    assert page.locator("#unit-name").inner_text() == "东湖社区"
    assert scroll_width(page) <= 375
    page.fill("input[name=real_name]", "沈青禾")
    page.fill("input[name=id_number]", make_id_number("330482", dt.date(2004, 6, 1), 321))
    page.fill("input[name=phone]", "13512345678")
    page.fill("input[name=password]", PASSWORD)
    page.select_option("select[name=political_status]", "league")
    page.check("input[name=consent]")
    shot(page, "drive-signup-375")
    page.click("#register-form button[type=submit]")
    page.wait_for_selector("#signed-up")
    assert (
        "沈青禾" not in page.locator("#signed-up").inner_text()
    )  # the page thanks, the alert names the unit
    assert "东湖社区" in page.content()
    shot(page, "drive-signed-up-375")
    signup = DriveSignup.objects.select_related("volunteer").get(unit=unit)
    assert signup.newcomer and signup.volunteer.residence_region == city.village_a1
    assert Membership.objects.get(volunteer=signup.volunteer).organization == city.org_a1
