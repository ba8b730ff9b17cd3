"""On a 375 px phone: a volunteer reads my hours and disputes a record; a second admin accepts the
dispute; the volunteer sees the corrected hours. No page scrolls sideways."""

from __future__ import annotations

from huiguang.ledger.models import Dispute, ServiceRecord
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import PASSWORD


def _fits(page) -> None:
    assert scroll_width(page) <= 375


def test_dispute_on_a_phone_and_answer(city, scene, live_server, phone):
    page = phone.new_page()
    login(page, live_server.url, "13900000006", PASSWORD)  # 张小明
    page.goto(f"{live_server.url}/me/hours/")
    assert "信用时数" in page.content() and "3.0" in page.inner_text("[data-testid=credit-hours]")
    _fits(page)
    shot(page, "my-hours-375")
    page.click(f'a[href="/me/hours/records/{scene.record.pk}/dispute/"]')
    page.wait_for_url(f"**/me/hours/records/{scene.record.pk}/dispute/")
    page.fill("textarea[name=reason]", "我服务到了下午，实际4小时")
    page.fill("input[name=claimed_hours]", "4")
    _fits(page)
    page.click("text=提交异议")
    page.wait_for_load_state()
    assert "您的异议已提交给组织。" in page.content()
    dispute = Dispute.objects.get()

    phone.clear_cookies()
    admin = phone.new_page()
    login(admin, live_server.url, "13900000004", PASSWORD)  # 队伍管理员
    admin.goto(f"{live_server.url}/console/disputes/")
    _fits(admin)
    admin.click(f"[data-dispute='{dispute.pk}'] a")
    admin.wait_for_url(f"**/console/disputes/{dispute.pk}/")  # the click returns before the page does
    _fits(admin)
    admin.check("input[name=decision][value=accept]")
    admin.fill("input[name=hours]", "4")
    admin.fill("textarea[name=answer]", "核实无误")
    shot(admin, "dispute-answer-375")
    admin.click("form button[type=submit]")
    admin.wait_for_load_state()
    assert "异议已答复" in admin.content()
    assert ServiceRecord.objects.filter(dispute=dispute).count() == 2

    phone.clear_cookies()
    login(page, live_server.url, "13900000006", PASSWORD)
    page.goto(f"{live_server.url}/me/hours/")
    assert page.inner_text("[data-testid=total-hours]") == "4.0"
    assert "已冲销" in page.content() and "已更正" in page.content()
    _fits(page)
    shot(page, "my-hours-corrected-375")
