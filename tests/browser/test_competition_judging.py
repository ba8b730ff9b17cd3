"""Issue 12 on a 375 px phone: an organization submits an entry, a judge scores it on his phone,
the city closes the final and publishes the results (console at 1366 px, public page on a phone)."""

import datetime as dt
import io

from django.utils import timezone
from PIL import Image

from huiguang.projects.models import (
    AwardLevel,
    Competition,
    Criterion,
    Entry,
    Judge,
    Round,
    RoundResult,
    Score,
    Track,
)
from huiguang.projects.services.competitions import entry_review
from huiguang.projects.services.judging import award_give
from tests.factories import PASSWORD, UserFactory
from tests.projects.conftest import make_project
from tests.projects.conftest_competitions import PDF

from .conftest import login, scroll_width, shot


def _files(tmp_path):
    pdf = tmp_path / "申报书.pdf"
    pdf.write_bytes(PDF)
    png = tmp_path / "photo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 40, 40)).save(buffer, format="PNG")
    png.write_bytes(buffer.getvalue())
    return str(pdf), str(png)


def test_an_entry_is_submitted_scored_on_a_phone_and_the_results_published(
    city, live_server, phone, desktop, tmp_path
):
    today = timezone.localdate()
    project = make_project(city.org_a)
    competition = Competition.objects.create(
        name="追梦金平湖·全民志愿红", year=today.year, entries_close_on=today + dt.timedelta(days=5)
    )
    competition.co_hosts.set([city.org_b])
    Track.objects.create(competition=competition, name="社区治理")
    final = Round.objects.create(
        competition=competition, number=1, name="决赛", starts_on=today, ends_on=today, venue="东湖中学"
    )
    Criterion.objects.create(round=final, name="项目设计", weight=40)
    Criterion.objects.create(round=final, name="实施成效", weight=60)
    level = AwardLevel.objects.create(
        competition=competition, name="最佳志愿服务项目奖", prize_fen=2_500_000, places=2
    )
    judge_user = UserFactory(phone="13900000041", display_name="评委沈老师")
    judge = Judge.objects.create(user=judge_user, competition=competition, round=final)
    pdf, png = _files(tmp_path)

    # 1. The organization's admin enters its project on a phone.
    page = phone.new_page()
    login(page, live_server.url, "13900000004", PASSWORD)
    page.goto(f"{live_server.url}/console/competitions/{competition.pk}/")
    assert scroll_width(page) <= 375
    shot(page, "competition-detail-entrant-375")
    page.click("text=项目报名")
    page.wait_for_load_state()
    page.select_option("select[name=project]", str(project.pk))
    page.select_option("select[name=track]", label="社区治理")
    page.fill("textarea[name=summary]", "每周末在新庄村开展红色故事和作业辅导。")
    page.set_input_files("input[name=application_form]", pdf)
    page.set_input_files("input[name=images]", png)
    assert scroll_width(page) <= 375
    shot(page, "competition-entry-form-375")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    entry = Entry.objects.get()
    assert entry.organization == city.org_a and entry.images.count() == 1
    shot(page, "competition-entry-375")
    entry_review(actor=city.users["city_admin"], entry=entry, eligible=True)

    # 2. The judge scores it on his phone.
    jp = phone.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN").new_page()
    login(jp, live_server.url, "13900000041", PASSWORD)
    jp.goto(f"{live_server.url}/judge/")
    assert jp.locator(f"[data-entry='{entry.pk}']").count() == 1
    shot(jp, "competition-judge-home-375")
    jp.click(f"[data-entry='{entry.pk}'] a")
    jp.wait_for_load_state()
    assert scroll_width(jp) <= 375
    for c, value in zip(final.criteria.order_by("id"), (90, 95), strict=True):
        jp.fill(f"input[name=c{c.pk}]", str(value))
    shot(jp, "competition-judge-score-375")
    jp.click("#save-scores")
    jp.wait_for_load_state()
    assert sorted(Score.objects.filter(judge=judge).values_list("value", flat=True)) == [90, 95]
    shot(jp, "competition-judge-scored-375")

    # 3. The city closes the final, gives the award and publishes the results.
    wide = desktop.new_page()
    login(wide, live_server.url, "13900000001", PASSWORD)
    wide.goto(f"{live_server.url}/console/competitions/{competition.pk}/")
    wide.click("button:has-text('结束本轮')")
    wide.wait_for_load_state()
    assert RoundResult.objects.get(entry=entry).aggregate == 93
    award_give(actor=city.users["city_admin"], entry=entry, level=level)
    wide.goto(f"{live_server.url}/console/competitions/{competition.pk}/")
    shot(wide, "competition-detail-organizer-1366")
    wide.click("#publish")
    wide.wait_for_load_state()
    assert Competition.objects.get().status == Competition.Status.PUBLISHED
    shot(wide, "competition-results-1366")

    public = phone.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/competitions/{competition.pk}/results/")
    text = public.content()
    assert "93.00" in text and "最佳志愿服务项目奖" in text and "项目设计" not in text
    assert scroll_width(public) <= 375
    shot(public, "competition-results-375")
