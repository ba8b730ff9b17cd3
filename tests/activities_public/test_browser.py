"""On a 375 px phone: a volunteer finds an activity near them, joins the waitlist, is promoted
when another volunteer cancels, and sees it in "my activities"."""

from __future__ import annotations

from huiguang.activities.models import Enrollment
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import PASSWORD

from ..factories import enrol, make_activity
from .conftest import PINGHU, point_east, shift_of


def no_horizontal_scroll(page) -> bool:
    return scroll_width(page) <= 375


def test_find_nearby_join_waitlist_get_promoted(city, live_server, phone):
    base = live_server.url
    lat, lng = point_east(1.2)
    near = make_activity(
        organization=city.org_a, title="东湖社区义剪", lat=lat, lng=lng, address="东湖社区文化礼堂"
    )
    shift = shift_of(activity=near, name="理发", capacity=1, waitlist_size=2)
    lat, lng = point_east(30)
    make_activity(organization=city.org_b, title="乍浦海边清扫", lat=lat, lng=lng)
    enrol(shift, city.users["volunteer_b"].volunteer)

    phone.grant_permissions(["geolocation"], origin=base)
    phone.set_geolocation({"latitude": PINGHU[0], "longitude": PINGHU[1]})
    page = phone.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, "13900000006", PASSWORD)

    page.goto(f"{base}/activities/")
    assert "乍浦海边清扫" in page.content()
    page.click("text=使用我的位置")
    page.wait_for_url("**lat=30.7*")
    assert "东湖社区义剪" in page.content() and "乍浦海边清扫" not in page.content()
    assert "距离 1.2 公里" in page.content()
    assert no_horizontal_scroll(page)
    shot(page, "activities-near-375")

    page.click("text=东湖社区义剪")
    page.wait_for_url(f"**/activities/{near.pk}/")
    assert no_horizontal_scroll(page)
    page.click(f"#shift-{shift.pk} button:has-text('加入候补')")
    page.wait_for_url(f"**/activities/{near.pk}/")
    row = page.locator(f"#shift-{shift.pk}").inner_text()
    assert "候补中" in row and "候补第 1 位" in row
    shot(page, "activity-waitlisted-375")

    other = phone.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    other_page = other.new_page()
    other_page.on("dialog", lambda dialog: dialog.accept())
    login(other_page, base, "13900000007", PASSWORD)
    other_page.goto(f"{base}/me/activities/")
    other_page.click("button:has-text('取消报名')")
    other_page.wait_for_load_state()
    other.close()

    mine = Enrollment.objects.get(shift=shift, volunteer=city.users["volunteer"].volunteer)
    assert mine.status == Enrollment.Status.CONFIRMED

    page.goto(f"{base}/me/activities/")
    upcoming = page.locator(".list-group-item", has_text="东湖社区义剪").inner_text()
    assert "已确认" in upcoming and "取消报名" in upcoming
    assert no_horizontal_scroll(page)
    shot(page, "my-activities-promoted-375")

    page.goto(f"{base}/me/shifts/")
    assert no_horizontal_scroll(page)
    shot(page, "shifts-i-can-take-375")
