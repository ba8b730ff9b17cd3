"""On a 375 px phone: a newcomer scans the campaign's QR, registers real-name, answers the
screening questions and joins with one tap. The page never scrolls sideways."""

from __future__ import annotations

from huiguang.mobilization.models.campaigns import Recruit
from tests.browser.conftest import PHONE, scroll_width, shot

from ..factories import unique_id_number
from .campaign_scene import open_campaign


def _fits(page) -> None:
    assert scroll_width(page) <= PHONE["width"]


def test_a_newcomer_registers_and_joins_a_campaign_on_a_phone(city, live_server, phone):
    campaign = open_campaign(city)
    page = phone.new_page()
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    assert "2020 疫情防控志愿者招募" in page.content()
    _fits(page)
    shot(page, "campaign-register-375")
    page.fill("input[name=real_name]", "赵新")
    page.fill("input[name=id_number]", unique_id_number())
    page.fill("input[name=phone]", "13811112222")
    page.fill("input[name=password]", "Guang#2026x")
    page.select_option("select[name=region_code]", "330482001001")
    page.select_option("select[name=political_status]", "league")
    page.check("input[name=consent]")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "近14天是否有发热症状" in page.content()
    _fits(page)
    shot(page, "campaign-join-375")
    for q in campaign.questions.all():
        page.check(f"input[name=q{q.pk}][value=no]")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#joined").is_visible()
    _fits(page)
    shot(page, "campaign-joined-375")
    recruit = Recruit.objects.get(campaign=campaign)
    assert (recruit.volunteer.real_name, recruit.stage) == ("赵新", "screened")
