"""Browser test on a 375 px phone: a team leader creates an activity, adds its shifts as a grid
and submits it; the town admin (the reviewer) finds it in the review queue and publishes it.
No console page scrolls sideways on the phone."""

import datetime as dt

from django.utils import timezone

from huiguang.activities.models import Activity
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import PASSWORD

from ..factories import enrol, make_shift, member
from .conftest import category, make_activity


def no_sideways_scroll(page) -> bool:
    return scroll_width(page) <= 375


def test_organizer_creates_submits_and_the_reviewer_publishes(city, live_server, phone):
    category()
    base = live_server.url
    page = phone.new_page()
    login(page, base, "13900000005", PASSWORD)  # 李队长, leader of org A
    page.goto(f"{base}/console/activities/")
    assert no_sideways_scroll(page)
    page.click("text=新建活动")
    page.wait_for_url("**/console/activities/new/")
    day = timezone.localdate() + dt.timedelta(days=20)
    page.select_option("select[name=organization]", str(city.org_a.pk))
    page.fill("input[name=title]", "金平湖·志愿服务日（东湖社区）")
    page.select_option("select[name=category]", label="健康义诊")
    page.fill("input[name=address]", "东湖社区文化广场")
    page.fill("input[name=starts_at]", f"{day:%Y-%m-%d}T08:00")
    page.fill("input[name=ends_at]", f"{day:%Y-%m-%d}T12:00")
    page.check("input[name=agreement_required]")
    page.fill("textarea[name=agreement_text]", "本人自愿参加志愿服务，服从现场安排。")
    assert no_sideways_scroll(page)
    shot(page, "activity-create-375")
    page.click("form button[type=submit]")
    page.wait_for_url("**/console/activities/*/")
    activity = Activity.objects.get(title="金平湖·志愿服务日（东湖社区）")
    assert "草稿已保存" in page.content()

    page.click("text=批量添加岗位")
    page.fill("textarea[name=positions]", "量血压 × 4\n理发 × 2\n磨刀 × 2")
    page.fill("textarea[name=slots]", "08:30-10:00\n10:00-11:30")
    shot(page, "activity-grid-375")
    page.click("form button[type=submit]")
    page.wait_for_url(f"**/console/activities/{activity.pk}/")
    assert "已添加 6 个岗位" in page.content()
    assert no_sideways_scroll(page)
    page.click("text=提交审核")
    page.wait_for_load_state()
    shot(page, "activity-submitted-375")
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PENDING

    reviewer_context = phone.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    reviewer = reviewer_context.new_page()
    login(reviewer, base, "13900000003", PASSWORD)  # the town admin of 当湖街道
    reviewer.goto(f"{base}/console/activities/review/")
    assert no_sideways_scroll(reviewer)
    reviewer.click("text=金平湖·志愿服务日（东湖社区）")
    reviewer.wait_for_url(f"**/console/activities/{activity.pk}/")
    assert no_sideways_scroll(reviewer)
    shot(reviewer, "activity-review-375")
    reviewer.click("text=通过并发布")
    reviewer.wait_for_load_state()
    assert "已通过并发布" in reviewer.content()
    reviewer_context.close()
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED and activity.reviewed_by == city.users["town_admin"]
    assert activity.shifts.count() == 6


def test_roster_on_a_phone(city, live_server, phone):
    activity = make_activity(city.org_a, status=Activity.Status.PUBLISHED)
    shift = make_shift(activity, name="理发", capacity=8)
    for i in range(6):
        enrol(shift, member(city.org_a, real_name=f"志愿者{i}"))
    page = phone.new_page()
    login(page, live_server.url, "13900000004", PASSWORD)
    page.goto(f"{live_server.url}/console/activities/shifts/{shift.pk}/roster/")
    assert "志愿者0" in page.content()
    assert no_sideways_scroll(page)
    shot(page, "activity-roster-375")
