"""The bulletin in the browser: the city admin generates, reviews and publishes last month's
bulletin and downloads its PDF and .xlsx (1366 px); a town admin reads the town's line and its
villages on a 375 px phone; the public page lists it. Screenshots under var/screenshots/."""

import io

import pytest
from openpyxl import load_workbook

from huiguang.reports.models import Bulletin
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import PASSWORD

from .conftest import confirmed, make_shift
from .test_bulletins import last_month

pytestmark = pytest.mark.browser


def _download(page, selector: str) -> bytes:
    with page.expect_download() as download:
        page.click(selector)
    return download.value.path().read_bytes()


def _fits(page, width: int) -> None:
    assert scroll_width(page) <= width


def test_city_admin_generates_reviews_publishes_and_a_town_admin_reads_the_towns_line(
    city, vol, org_admin, live_server, browser
):
    day = last_month().replace(day=10)
    confirmed(make_shift(city.org_a1, day=day, start=9, hours=3), vol, org_admin)
    confirmed(
        make_shift(city.org_b, day=day, start=9, hours=2),
        city.users["volunteer_b"].volunteer,
        city.users["city_admin"],
    )
    base, month = live_server.url, f"{last_month():%Y-%m}"

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = desk.new_page()
    login(page, base, "13900000001", PASSWORD)
    page.goto(f"{base}/console/bulletins/")
    shot(page, "bulletin-list-1366")
    page.fill("input[name=month]", month)
    page.click("#generate-form button")
    page.wait_for_load_state()
    assert "通报已生成草稿" in page.content()
    assert page.inner_text("#bulletin-status") == "草稿"
    page.wait_for_selector("#chart-units svg")
    page.wait_for_selector("#chart-days svg")
    assert page.inner_text('#section-town tr[data-unit="330482001"] th') == "当湖街道"
    shot(page, "bulletin-draft-1366")
    page.click("#review")
    page.wait_for_load_state()
    assert page.inner_text("#bulletin-status") == "已审核"
    page.click("#publish")
    page.wait_for_load_state()
    assert page.inner_text("#bulletin-status") == "已发布"
    assert page.locator("#bulletin-actions").count() == 0  # a published bulletin has no action left
    _fits(page, 1366)
    shot(page, "bulletin-published-1366")
    pdf = _download(page, "#download-pdf")
    assert pdf.startswith(b"%PDF")
    book = load_workbook(io.BytesIO(_download(page, "#download-xlsx")))
    towns = {row[0]: row for row in book["镇（街道）"].values}
    assert "当湖街道" in towns and "乍浦镇" in towns
    assert Bulletin.objects.get().status == "published"
    desk.close()

    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    town = phone.new_page()
    login(town, base, "13900000003", PASSWORD)
    town.goto(f"{base}/console/bulletins/")
    _fits(town, 375)
    shot(town, "bulletin-list-375")
    town.click(f"text={month}")
    town.wait_for_load_state()
    town.wait_for_selector("#chart-units svg")
    rows = town.locator("table.bulletin-table tbody tr")
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.unit)")) == ["330482001", "330482001001"]
    assert "乍浦镇" not in town.inner_text("main")
    _fits(town, 375)
    shot(town, "bulletin-town-admin-375")

    public = phone.new_page()
    public.goto(f"{base}/bulletins/")
    public.click(f"text={month}")
    public.wait_for_load_state()
    public.wait_for_selector("#chart-days svg")
    assert "乍浦镇" in public.inner_text("#section-town")
    _fits(public, 375)
    shot(public, "bulletin-public-375")
    desk2 = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    public_desk = desk2.new_page()
    public_desk.goto(f"{base}/bulletins/{month}/")
    public_desk.wait_for_selector("#chart-units svg")
    shot(public_desk, "bulletin-public-1366")
    phone.close()
    desk2.close()
