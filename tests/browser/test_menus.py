"""The menus at 375 px (collapsed navbar, dropdowns) and 1366 px: a volunteer's daily items without
the console, a city admin's console groups; the pending records keep their hours column in view.
Screenshots go to var/screenshots/menus/ (ignored by git) for a person to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tests.factories import PASSWORD, make_activity, make_shift
from tests.ledger_hours.conftest import attended_record

from .conftest import login, scroll_width

SHOTS = Path(settings.VAR_DIR) / "screenshots" / "menus"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"test-{name}.png"), full_page=True)


def open_menu(page, menu_id: str) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#mainnav.show").wait_for()
    page.click(f"#{menu_id} > .dropdown-toggle")
    page.locator(f"#{menu_id} .dropdown-menu.show").wait_for()


def test_volunteer_menu_on_a_phone_shows_the_daily_items_not_the_console(city, live_server, phone, desktop):
    for context, width in ((phone, 375), (desktop, 1366)):
        page = context.new_page()
        login(page, live_server.url, "13900000006", PASSWORD)  # 张小明
        assert page.locator("[data-testid=next-shift]").is_visible()  # the volunteer's own home
        open_menu(page, "nav-mine")
        daily = page.locator("#nav-daily > li.nav-item:not(.dropdown) .nav-link")
        assert daily.all_inner_texts() == ["首页", "志愿活动", "签到", "我的活动", "我的时数"]
        assert page.locator("#nav-mine .dropdown-menu >> text=API 令牌").is_visible()
        assert page.locator("#nav-console").count() == 0
        assert scroll_width(page) <= width
        shot(page, f"volunteer-menu-{width}")


def test_city_admin_menu_shows_the_console_groups(city, live_server, phone, desktop):
    for context, width in ((phone, 375), (desktop, 1366)):
        page = context.new_page()
        login(page, live_server.url, "13900000001", PASSWORD)
        open_menu(page, "nav-console")
        headers = page.locator("#nav-console .dropdown-header").all_inner_texts()
        assert headers == [
            "志愿活动",
            "时数与记录",
            "居民点单",
            "信用与表彰",
            "志愿贷与积分入学",
            "组织网络",
            "志愿者",
            "合作方与礼遇",
            "统计报表",
            "系统管理",
        ]
        for label in ("导出服务记录", "星级标准", "数据看板", "考核评估", "审计日志", "角色授权"):
            item = page.locator("#nav-console .dropdown-item", has_text=label)
            assert item.is_visible()
            box = item.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        shot(page, f"city-admin-menu-{width}")


def test_pending_records_show_the_hours_on_a_phone(city, live_server, phone):
    starts = (timezone.now() - dt.timedelta(days=2)).replace(hour=1, minute=0, second=0, microsecond=0)
    shift = make_shift(make_activity(city.org_a, starts_at=starts, title="东湖社区关爱独居老人上门走访服务"))
    attended_record(shift, city.users["volunteer"].volunteer, actor=city.users["org_admin"], confirm=False)
    page = phone.new_page()
    login(page, live_server.url, "13900000004", PASSWORD)  # 队伍管理员
    page.goto(f"{live_server.url}/console/records/pending/")
    hours = page.locator("td[data-testid=hours]").first
    assert "3.0 h" in hours.inner_text()
    box = hours.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert page.locator("th[data-testid=hours-header]").is_visible()
    assert scroll_width(page) <= 375
    shot(page, "pending-records-375")
