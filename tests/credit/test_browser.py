"""On a 375 px phone and at 1366 px: a volunteer reads the score with every component and asks
for a review; the city admin answers it with a correction; the pages of the policy, the
distribution and the honors. No page scrolls sideways."""

from __future__ import annotations

import pytest

from huiguang.credit.models import CreditReview, Honor
from tests.browser.conftest import DESKTOP, PHONE, login, scroll_width, shot
from tests.factories import PASSWORD

from .conftest import honor, no_show, served


def _fits(page, width: int) -> None:
    assert scroll_width(page) <= width


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_score_review_and_answer(city, volunteer, live_server, request, size):
    context = request.getfixturevalue(size)
    width = (PHONE if size == "phone" else DESKTOP)["width"]
    served(city.org_a, volunteer, actor=city.users["org_admin"], days_ago=4, minutes=150, rating=5)
    no_show(city.org_a, volunteer)
    honor(volunteer, level=Honor.Level.PROVINCE, title="浙江省优秀志愿者")
    honor(organization=city.org_a, title="优秀志愿服务组织")

    page = context.new_page()
    login(page, live_server.url, "13900000006", PASSWORD)  # 张小明
    page.goto(f"{live_server.url}/")
    page.click("[data-testid=credit-card]")
    page.wait_for_load_state()
    score = int(page.inner_text("[data-testid=score]"))
    assert score > 305
    assert "浙江省优秀志愿者" in page.content()
    _fits(page, width)
    shot(page, f"credit-me-{width}")
    page.fill("textarea[name=text]", "缺席那次我请过假，请核实")
    page.click("text=提交申请")
    page.wait_for_load_state()
    assert page.locator("[data-testid=review-open]").is_visible()
    review = CreditReview.objects.get()

    page.goto(f"{live_server.url}/credit/policy/")
    _fits(page, width)
    shot(page, f"credit-policy-{width}")

    context.clear_cookies()
    admin = context.new_page()
    login(admin, live_server.url, "13900000001", PASSWORD)  # 市管理员
    admin.goto(f"{live_server.url}/console/credit/reviews/")
    _fits(admin, width)
    shot(admin, f"credit-reviews-{width}")
    admin.click(f'a[href="/console/credit/reviews/{review.pk}/"]')
    admin.wait_for_load_state()
    admin.check("input[name=decision][value=corrected]")
    admin.fill("input[name=adjustment]", "15")
    admin.fill("textarea[name=reason]", "请假已报备，缺席不计")
    _fits(admin, width)
    shot(admin, f"credit-review-answer-{width}")
    admin.click("form button[type=submit]")
    admin.wait_for_load_state()
    review.refresh_from_db()
    assert review.status == "corrected" and review.outcome.score == score + 15
    for path, name in (
        ("/console/credit/distribution/", "distribution"),
        ("/console/credit/policy/", "policy-edit"),
        ("/console/credit/honors/", "honors"),
        ("/console/credit/honors/new/", "honor-new"),
        ("/console/credit/honors/import/", "honor-import"),
        (f"/console/credit/volunteers/{volunteer.pk}/", "volunteer"),
    ):
        admin.goto(live_server.url + path)
        _fits(admin, width)
        shot(admin, f"credit-{name}-{width}")

    context.clear_cookies()
    login(page, live_server.url, "13900000006", PASSWORD)
    page.goto(f"{live_server.url}/me/credit/")
    assert int(page.inner_text("[data-testid=score]")) == score + 15
    assert "请假已报备，缺席不计" in page.content()
    _fits(page, width)
    shot(page, f"credit-me-corrected-{width}")
