"""On a 375 px phone: a volunteer meets the written agreement on the refusal page, accepts it and is
signed up; a leader signs up two team members. No page scrolls sideways."""

from __future__ import annotations

from huiguang.activities.models import Enrollment
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import PASSWORD

from ..factories import member
from .conftest import make_shift

AGREEMENT = "本人自愿参加本次活动，服从现场安排，注意自身安全。"


def _fits(page) -> None:
    assert scroll_width(page) <= 375


def test_a_volunteer_accepts_the_agreement_on_a_phone(city, live_server, phone):
    fields = {"agreement_required": True, "agreement_text": AGREEMENT, "title": "敬老院义剪"}
    shift = make_shift(organization=city.org_a, activity_fields=fields)
    page = phone.new_page()
    login(page, live_server.url, "13900000006", PASSWORD)  # 张小明
    # The sign-up form of the activity page, posted without ticking the box (as an old page would).
    page.goto(f"{live_server.url}/activities/{shift.activity_id}/")
    with page.expect_navigation():
        page.evaluate(
            """(id) => { const f = document.createElement('form'); f.method = 'post';
            f.action = '/activities/shifts/' + id + '/enroll/';
            const t = document.querySelector('input[name=csrfmiddlewaretoken]').cloneNode();
            f.appendChild(t); document.body.appendChild(f); f.submit(); }""",
            shift.pk,
        )
    assert "报名该活动需先阅读并同意书面协议。" in page.content()
    assert AGREEMENT in page.content()
    _fits(page)
    shot(page, "enroll-agreement-375")
    page.check("input[name=agreement_accepted]")
    page.click("text=同意并报名")
    page.wait_for_load_state()
    assert "报名成功：敬老院义剪 · 理发岗" in page.content()
    enrollment = Enrollment.objects.get(shift=shift)
    assert enrollment.status == "confirmed" and enrollment.agreement_accepted_at is not None


def test_a_leader_signs_up_two_members_on_a_phone(city, live_server, phone):
    shift = make_shift(organization=city.org_a, activity_fields={"title": "文明劝导"})
    first, second = member(city.org_a, real_name="赵一"), member(city.org_a, real_name="钱二")
    page = phone.new_page()
    login(page, live_server.url, "13900000005", PASSWORD)  # 李队长
    page.goto(f"{live_server.url}/console/activities/shifts/{shift.pk}/team-signup/")
    _fits(page)
    page.locator("tr", has_text="赵一").locator("input[name=ids]").check()
    page.locator("tr", has_text="钱二").locator("input[name=ids]").check()
    shot(page, "team-signup-375")
    page.click("text=为勾选的队员报名")
    page.wait_for_load_state()
    assert "已为2名志愿者报名。" in page.content()
    _fits(page)
    assert set(Enrollment.objects.filter(shift=shift).values_list("volunteer_id", flat=True)) == {
        first.pk,
        second.pk,
    }
