"""Issue 12 on a 375 px phone: an organization reports on a milestone (text, spending, receipt),
its mentor opens the report on the phone, sees the overdue milestone flagged, and accepts it."""

import io

from django.utils import timezone
from PIL import Image

from huiguang.projects.models import Milestone, MilestoneReport
from tests.factories import PASSWORD, UserFactory
from tests.projects.conftest import make_project

from .conftest import login, scroll_width, shot


def _receipt(tmp_path):
    path = tmp_path / "receipt.png"
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (240, 240, 240)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_mentor_reviews_a_milestone_report_on_a_phone(city, live_server, phone, tmp_path):
    from huiguang.projects.models import Funder, Grant, ProjectMentor

    project = make_project(city.org_a)
    grant = Grant.objects.create(
        project=project,
        funder=Funder.objects.create(name="青苹果基金", kind="fund"),
        amount_fen=1_000_000,
        purpose="蒲公英计划",
        awarded_on=timezone.localdate(),
    )
    milestone = Milestone.objects.create(grant=grant, title="中期评估", due_on=timezone.localdate())
    mentor = UserFactory(phone="13900000021", display_name="团干部导师")
    ProjectMentor.objects.create(project=project, user=mentor)

    page = phone.new_page()
    login(page, live_server.url, "13900000004", PASSWORD)  # the org admin of org A
    page.goto(f"{live_server.url}/console/milestones/{milestone.pk}/report/")
    assert scroll_width(page) <= 375
    page.fill("textarea[name=text]", "中期已开展活动 6 次，服务儿童 120 人次。")
    page.fill("input[name=item_1]", "绘本")
    page.fill("input[name=amount_1]", "1200.50")
    page.set_input_files("input[name=receipt_1]", _receipt(tmp_path))
    shot(page, "project-milestone-report-375")
    page.click("button:has-text('提交给导师')")
    page.wait_for_load_state()
    report = MilestoneReport.objects.get()

    mentor_page = phone.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN").new_page()
    login(mentor_page, live_server.url, "13900000021", PASSWORD)
    mentor_page.goto(f"{live_server.url}/mentor/")
    assert scroll_width(mentor_page) <= 375
    assert mentor_page.locator(f"[data-milestone='{milestone.pk}'][data-overdue='1']").count() == 1
    shot(mentor_page, "project-mentor-home-375")
    mentor_page.click(f"[data-report='{report.pk}'] a")
    mentor_page.wait_for_load_state()
    assert "¥1,200.50" in mentor_page.content()
    mentor_page.check("input[value=accept]")
    mentor_page.fill("textarea[name=comment]", "材料齐全，同意通过。")
    shot(mentor_page, "project-mentor-review-375")
    mentor_page.click("button:has-text('保存审阅意见')")
    mentor_page.wait_for_load_state()
    shot(mentor_page, "project-mentor-reviewed-375")
    report.refresh_from_db()
    assert report.status == MilestoneReport.Status.ACCEPTED
    assert Milestone.objects.get(pk=milestone.pk).status == Milestone.Status.ACCEPTED
