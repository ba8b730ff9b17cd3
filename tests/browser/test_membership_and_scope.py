import datetime as dt

from huiguang.core.id_card import make_id_number
from huiguang.network.models import Membership
from huiguang.volunteers.models import Volunteer
from tests.factories import PASSWORD

from .conftest import login, scroll_width, shot


def register(page, base_url):
    page.goto(base_url + "/register/")
    page.fill("input[name=real_name]", "周一帆")
    page.fill("input[name=id_number]", make_id_number("330482", dt.date(1998, 4, 2), 77))
    page.fill("input[name=phone]", "15012345678")
    page.fill("input[name=password]", "Yifan#2026")
    page.select_option("select[name=region_code]", "330482001001")
    page.check("input[name=consent]")
    page.click("#register-form button[type=submit]")
    page.wait_for_url("**/me/")


def test_org_admin_approves_a_new_volunteers_membership(city, live_server, phone, desktop):
    base = live_server.url
    volunteer_page = phone.new_page()
    register(volunteer_page, base)
    volunteer_page.goto(f"{base}/orgs/TA/")
    assert "当湖街道志愿服务队" in volunteer_page.content()
    volunteer_page.click("text=申请加入")
    volunteer_page.wait_for_load_state()
    shot(volunteer_page, "org-public-applied-375")
    membership = Membership.objects.get(volunteer__real_name="周一帆", organization=city.org_a)
    assert membership.status == Membership.Status.APPLIED

    admin_context = phone.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    admin_page = admin_context.new_page()
    login(admin_page, base, "13900000004", PASSWORD)
    admin_page.goto(f"{base}/console/memberships/?status=applied")
    assert scroll_width(admin_page) <= 375
    shot(admin_page, "memberships-applied-375")
    admin_page.click("button[aria-label='批准 周一帆']")
    admin_page.wait_for_load_state()
    shot(admin_page, "memberships-approved-375")
    admin_context.close()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert membership.decided_by == city.users["org_admin"]

    volunteer_page.goto(f"{base}/me/")
    assert "有效" in volunteer_page.locator("text=当湖街道志愿服务队").locator("xpath=..").inner_text()
    assert Volunteer.objects.get(real_name="周一帆").memberships.filter(status="active").count() == 1

    wide = desktop.new_page()
    login(wide, base, "13900000004", PASSWORD)
    wide.goto(f"{base}/console/memberships/?status=active")
    shot(wide, "memberships-active-1366")


def test_town_admin_opening_another_towns_organization_gets_not_found(city, live_server, phone):
    page = phone.new_page()
    login(page, live_server.url, "13900000003", PASSWORD)
    own = page.goto(f"{live_server.url}/console/orgs/{city.org_a.pk}/")
    assert own.status == 200 and "当湖街道志愿服务队" in page.content()
    response = page.goto(f"{live_server.url}/console/orgs/{city.org_b.pk}/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "未找到"
    assert "乍浦镇志愿服务队" not in page.content()
    shot(page, "not-found-375")
