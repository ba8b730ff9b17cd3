"""The city admin moves a history in from a phone: uploads the old platform's records, reads the
dry-run's totals by town and year, confirms and sees the progress reach 100%; the list page at
1366 px too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from huiguang.ledger.models import ServiceRecord
from huiguang.volunteers.models import Volunteer

from ..browser.conftest import login
from ..factories import PASSWORD
from .conftest import write_kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("HUIGUANG_SHOTS", "/tmp/shots-history"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_city_admin_imports_history_on_a_phone(city, live_server, phone, desktop, tmp_path):
    number = Volunteer.objects.get(user=city.users["volunteer"]).volunteer_number
    path = write_kind(
        tmp_path,
        "records",
        [
            {
                "volunteer_number": number,
                "organization": "TA",
                "date": "2023-05-04",
                "hours": "2",
                "activity_name": "助老",
            },
            {
                "phone": "13900000007",
                "organization": "TB",
                "date": "2024-03-05",
                "hours": "1.5",
                "activity_name": "学雷锋",
            },
        ],
    )
    page = phone.new_page()
    login(page, live_server.url, city.users["city_admin"].phone, PASSWORD)
    page.goto(f"{live_server.url}/console/history/")
    _shot(page, "history-list-375")
    page.set_input_files("input[name=uploads]", str(path))
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_text("时长（按镇街和年份）").is_visible()
    assert page.get_by_text("乍浦镇").first.is_visible()
    assert page.get_by_text("3.5 小时").is_visible()
    _shot(page, "history-checked-375")
    page.click("text=确认并导入")
    page.wait_for_load_state()
    assert page.get_by_text("100%").is_visible()
    _shot(page, "history-applied-375")
    assert ServiceRecord.objects.filter(kind="import").count() == 2

    wide = desktop.new_page()
    login(wide, live_server.url, city.users["city_admin"].phone, PASSWORD)
    wide.goto(f"{live_server.url}/console/history/")
    _shot(wide, "history-list-1366")
    wide.click("table a")
    wide.wait_for_load_state()
    _shot(wide, "history-applied-1366")
