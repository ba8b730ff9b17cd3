"""Against the demo city (seeded small): the city admin builds an assessment scheme in the browser
(indicators, weights, targets), scores the demo towns and reads each town's total and breakdown —
which adds up; the dashboards at 375 px and 1366 px; the big screen at 1920×1080 draws its charts.
Screenshots go to var/screenshots/reports/ (ignored by git) for a person to look at."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from huiguang.demo.accounts import DEMO_PASSWORD
from huiguang.network.models import Region
from huiguang.reports.models import AssessmentResult

from .conftest import login, scroll_width

SHOTS = Path(settings.VAR_DIR) / "screenshots" / "reports"
CITY_ADMIN = "13800000001"
TOWN_ADMIN = "13800000003"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def add_indicator(page, measure: str, weight: str, rule: str, *, target: str = "", step: str = "") -> None:
    form = page.locator("#indicator-form")
    form.locator("select[name=measure]").select_option(measure)
    form.locator("select[name=period]").select_option("ytd")
    form.locator("input[name=weight]").fill(weight)
    form.locator("select[name=rule]").select_option(rule)
    form.locator("input[name=target]").fill(target)
    form.locator("input[name=rank_step]").fill(step)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def build_and_score(page, base: str) -> dict[str, Decimal]:
    page.goto(f"{base}/console/assessments/")
    page.click("text=新建考核方案")
    page.locator("select[name=unit_type]").select_option("town")
    page.fill("input[name=name]", "文明城市志愿服务测评")
    page.locator("#scheme-form button[type=submit]").click()
    page.wait_for_load_state()
    add_indicator(page, "hours", "60", "linear", target="800")
    add_indicator(page, "participations", "40", "rank", step="4")
    assert page.locator("#indicators tbody tr").count() == 2
    assert page.locator("#weight-total").inner_text().strip() == "100.00"
    page.locator("#run-form button[type=submit]").click()
    page.wait_for_load_state()
    totals = {}
    for row in page.locator("#results tbody tr").all():
        name = row.locator("td").nth(1).inner_text().strip()
        totals[name] = Decimal(row.locator("td.total").inner_text().strip())
    for table in page.locator("table.breakdown").all():
        points = [Decimal(p.strip()) for p in table.locator("td.points").all_text_contents()]
        total = Decimal(table.locator("th.total").text_content().strip())
        assert len(points) == 2 and sum(points) == total
    return totals


def test_a_scheme_built_in_the_browser_scores_the_demo_towns_and_the_breakdown_adds_up(
    live_server, desktop, phone, browser
):
    # The demo uses the service categories a data migration writes; an earlier transactional test's
    # flush has emptied the table, so write them again the way the migration does.
    import_module("huiguang.activities.migrations.0003_default_categories").create(apps, None)
    call_command("seed_demo", volunteers=60, stdout=StringIO())
    page = desktop.new_page()
    login(page, live_server.url, CITY_ADMIN, DEMO_PASSWORD)
    totals = build_and_score(page, live_server.url)
    towns = set(Region.objects.filter(level=Region.Level.TOWN).values_list("name", flat=True))
    assert set(totals) == towns and len(towns) == 9
    saved = AssessmentResult.objects.filter(run__scheme__name="文明城市志愿服务测评")
    assert {r.unit_name: r.total for r in saved} == totals
    assert any(total > 0 for total in totals.values())
    page.locator("details").first.evaluate("d => d.open = true")
    shot(page, "assessment-run-1366")
    page.goto(f"{live_server.url}/console/dashboard/")
    page.locator("#fig-impact").wait_for()
    page.wait_for_function("() => document.querySelectorAll('.chart canvas').length >= 3")
    assert "52.80" in page.locator("#impact-source").inner_text()
    shot(page, "dashboard-city-1366")

    small = phone.new_page()
    login(small, live_server.url, CITY_ADMIN, DEMO_PASSWORD)
    run_url = page.url.replace("/console/dashboard/", "")  # base
    small.goto(f"{run_url}/console/assessments/")
    small.locator(".list-group-item").first.click()
    small.wait_for_load_state()
    shot(small, "assessment-scheme-375")
    small.goto(f"{live_server.url}/console/dashboard/")
    small.wait_for_function("() => document.querySelectorAll('.chart canvas').length >= 3")
    assert scroll_width(small) <= 375
    shot(small, "dashboard-city-375")

    town = phone.new_page()
    town_context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    town = town_context.new_page()
    login(town, live_server.url, TOWN_ADMIN, DEMO_PASSWORD)
    town.goto(f"{live_server.url}/console/dashboard/")
    assert "当湖街道" in town.locator("h1").inner_text()
    shot(town, "dashboard-town-375")
    town_context.close()

    screen = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN").new_page()
    screen.goto(f"{live_server.url}/bigscreen/")
    screen.wait_for_function("() => document.querySelectorAll('.bs-chart canvas').length === 3")
    assert screen.locator("[data-total=hours]").inner_text() != "0"
    assert scroll_width(screen) <= 1920
    screen.screenshot(path=str(SHOTS / "bigscreen-1920.png"))
    screen.context.close()
