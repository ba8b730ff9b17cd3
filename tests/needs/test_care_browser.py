"""On a 375 px phone: the named volunteer opens whom they visit, logs a visit at the door (the
phone's location, Playwright geolocation) and sees it logged; the page never scrolls sideways."""

from __future__ import annotations

import pytest

from huiguang.needs.models import Visit
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_volunteer_logs_a_home_visit_on_a_phone(city, needs, care, live_server, phone):
    phone.grant_permissions(["geolocation"])
    phone.set_geolocation({"latitude": 30.6981, "longitude": 121.0151})
    page = phone.new_page()
    login(page, live_server.url, "13900000006", PASSWORD)  # 张小明, named on 周奶奶
    page.goto(f"{live_server.url}/needs/visits/")
    page.click("#my-recipients a")
    page.fill("textarea[name=notes]", "量了血压 130/85，精神不错")
    page.fill("textarea[name=needs_found]", "厨房灯坏了")
    assert scroll_width(page) <= 375
    shot(page, "care-visit-log-375")
    page.click("#visit-submit")
    page.wait_for_url("**/needs/visits/*/")
    assert "厨房灯坏了" in page.inner_text("#needs-found")
    visit = Visit.objects.get()
    assert (
        visit.volunteer.user == city.users["volunteer"]
        and visit.distance_m is not None
        and visit.distance_m < 50
    )
    shot(page, "care-visit-done-375")
