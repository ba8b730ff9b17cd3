"""Issue 3 on a 375 px phone: find an activity near a point, sign up, land on the waitlist, get
promoted when another volunteer cancels, and see it in "my activities"."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Shift
from huiguang.activities.services.enrollments import enrollment_create
from huiguang.notifications.models import Notification
from huiguang.volunteers.models import Volunteer
from tests.factories import PASSWORD, make_activity, make_shift

from .conftest import login, scroll_width, shot


def activity_near(city, title: str, lat: str, lng: str, capacity: int = 1) -> tuple[Activity, Shift]:
    """A published activity of org A at (lat, lng), 5 days ahead at 09:00, with one shift."""
    start = (timezone.localtime() + dt.timedelta(days=5)).replace(hour=9, minute=0, second=0, microsecond=0)
    activity = make_activity(
        city.org_a,
        starts_at=start,
        hours=3,
        title=title,
        region=city.village_a1,
        lat=Decimal(lat),
        lng=Decimal(lng),
    )
    return activity, make_shift(activity, name="陪伴聊天", capacity=capacity)


def test_find_near_sign_up_waitlist_promotion_and_my_activities(city, live_server, phone):
    near, shift = activity_near(city, "东湖社区关爱独居老人", "30.701000", "121.021000")
    activity_near(city, "远方的海边清洁", "30.600000", "121.300000", capacity=5)
    first = Volunteer.objects.get(real_name="王小红")  # takes the only place
    enrollment_create(volunteer=first, shift=shift, actor=first.user)

    page = phone.new_page()
    login(page, live_server.url, "13900000006", PASSWORD)  # 张小明
    page.goto(f"{live_server.url}/activities/?lat=30.70&lng=121.02&km=5")
    assert scroll_width(page) <= 375
    cards = page.content()
    assert "东湖社区关爱独居老人" in cards and "远方的海边清洁" not in cards
    shot(page, "activities-near-375")
    page.click("text=东湖社区关爱独居老人")
    page.wait_for_load_state()
    page.click("button:has-text('候补')")
    page.wait_for_load_state()
    shot(page, "activity-waitlisted-375")
    mine = Enrollment.objects.get(volunteer__real_name="张小明", shift=shift)
    assert mine.status == Enrollment.Status.WAITLISTED

    other = phone.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    other_page = other.new_page()
    login(other_page, live_server.url, "13900000007", PASSWORD)  # 王小红 cancels
    other_page.goto(f"{live_server.url}/me/activities/")
    other_page.once("dialog", lambda dialog: dialog.accept())
    other_page.click("button:has-text('取消')")
    other_page.wait_for_load_state()
    other.close()

    mine.refresh_from_db()
    assert mine.status == Enrollment.Status.CONFIRMED
    assert Notification.objects.filter(user=mine.volunteer.user, kind="enrollment_promoted").exists()
    page.goto(f"{live_server.url}/me/activities/")
    body = page.locator("main").inner_text()
    assert "东湖社区关爱独居老人" in body and "已确认" in body
    shot(page, "my-activities-promoted-375")
