"""Funding tracked to the end: payments never past the grant, milestone reports with receipts
reviewed by the mentor, overdue milestones flagged on the day they fall due, the programme view
and its export."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from huiguang.core.models import AuditEntry
from huiguang.notifications.models import Notification
from huiguang.projects.models import Disbursement, Grant, Milestone, MilestoneReport, SpendingLine
from huiguang.projects.services.funding import disbursement_create, overdue_milestones_notify

from ..activities_console.conftest import image_upload
from ..conftest import login_client


def pay(client, grant, amount: str):
    url = reverse("projects:disbursement_create", args=[grant.pk])
    return client.post(url, {"amount": amount, "paid_on": timezone.localdate().isoformat()})


def test_payments_add_up_to_the_grant_and_not_one_fen_more(city, scene):
    admin = login_client(city.users["city_admin"])
    assert pay(admin, scene.grant, "6000").status_code == 302
    assert pay(admin, scene.grant, "4000").status_code == 302
    response = pay(admin, scene.grant, "0.01")
    assert response.status_code == 409
    assert "past the grant" in response.content.decode() or "超过" in response.content.decode()
    scene.grant.refresh_from_db()
    assert scene.grant.paid_fen == scene.grant.amount_fen == 1_000_000
    assert sum(Disbursement.objects.values_list("amount_fen", flat=True)) == 1_000_000
    assert AuditEntry.objects.filter(action="disbursement_created").count() == 2


def test_a_bad_amount_answers_422_in_chinese_and_writes_nothing(city, scene):
    response = pay(login_client(city.users["city_admin"]), scene.grant, "-5")
    assert response.status_code == 422
    assert not Disbursement.objects.exists()


def test_the_grant_page_shows_the_money(city, scene):
    disbursement_create(
        actor=city.users["city_admin"], grant=scene.grant, amount_fen=250_000, paid_on=timezone.localdate()
    )
    page = login_client(city.users["org_admin"]).get(reverse("projects:grant_detail", args=[scene.grant.pk]))
    html = page.content.decode()
    assert "¥10,000.00" in html and "¥2,500.00" in html


def _report(client, milestone, **extra):
    url = reverse("projects:milestone_report", args=[milestone.pk])
    data = {"text": "首期活动已开展，服务儿童 40 人。", "item_1": "绘本", "amount_1": "1200.50"}
    data.update(extra)
    return client.post(url, data)


def test_a_mentor_reviews_a_report_with_photos_and_receipts(city, scene):
    org_admin = login_client(city.users["org_admin"])
    response = _report(
        org_admin,
        scene.milestone,
        photos=[image_upload(name="a.png"), image_upload(name="b.png")],
        receipt_1=image_upload(name="r.png"),
    )
    assert response.status_code == 302
    report = MilestoneReport.objects.get()
    assert report.photos.count() == 2
    line = SpendingLine.objects.get()
    assert (line.item, line.amount_fen, bool(line.receipt)) == ("绘本", 120_050, True)
    assert Milestone.objects.get(pk=scene.milestone.pk).status == Milestone.Status.REPORTED
    assert Notification.objects.filter(user=scene.mentor, kind="milestone_report").exists()

    mentor = login_client(scene.mentor)
    home = mentor.get(reverse("projects:mentor_home")).content.decode()
    assert scene.project.name in home
    url = reverse("projects:mentor_report", args=[report.pk])
    assert mentor.post(url, {"decision": "return"}).status_code == 422  # a return needs a comment
    assert mentor.post(url, {"decision": "accept", "comment": "材料齐全"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_comment, report.reviewed_by) == (
        "accepted",
        "材料齐全",
        scene.mentor,
    )
    assert Milestone.objects.get(pk=scene.milestone.pk).status == Milestone.Status.ACCEPTED
    assert AuditEntry.objects.filter(action="milestone_report_reviewed", outcome="ok").exists()
    grant_page = login_client(city.users["city_admin"]).get(
        reverse("projects:grant_detail", args=[scene.grant.pk])
    )
    assert "¥1,200.50" in grant_page.content.decode()  # accounted for
    # Reviewed once: a second review is refused.
    assert mentor.post(url, {"decision": "return", "comment": "再看看"}).status_code in (404, 409)


def test_a_receipt_that_is_not_an_image_is_refused_and_nothing_is_written(city, scene):
    fake = SimpleUploadedFile("receipt.png", b"not an image at all", content_type="image/png")
    response = _report(login_client(city.users["org_admin"]), scene.milestone, receipt_1=fake)
    assert response.status_code == 422
    assert not MilestoneReport.objects.exists() and not SpendingLine.objects.exists()
    assert Milestone.objects.get(pk=scene.milestone.pk).status == Milestone.Status.OPEN


def test_a_returned_report_can_be_sent_again(city, scene):
    org_admin = login_client(city.users["org_admin"])
    assert _report(org_admin, scene.milestone).status_code == 302
    assert _report(org_admin, scene.milestone).status_code == 409  # waits for review
    report = MilestoneReport.objects.get()
    login_client(scene.mentor).post(
        reverse("projects:mentor_report", args=[report.pk]), {"decision": "return", "comment": "补充发票"}
    )
    assert _report(org_admin, scene.milestone).status_code == 302
    assert MilestoneReport.objects.count() == 2


@pytest.fixture
def on_day(monkeypatch):
    """Travel in time: today's date (`timezone.localdate()`, what "overdue" is computed from) is
    `day`; the clock of the sessions keeps running."""

    def travel(day: dt.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return travel


def test_an_overdue_milestone_appears_on_the_mentors_page_on_the_day_it_falls_due(city, scene, on_day):
    due = scene.milestone.due_on
    mentor = login_client(scene.mentor)
    on_day(due - dt.timedelta(days=1))
    page = mentor.get(reverse("projects:mentor_home")).content.decode()
    assert f'data-milestone="{scene.milestone.pk}" data-overdue' not in page
    assert overdue_milestones_notify() == 0

    on_day(due)
    page = mentor.get(reverse("projects:mentor_home")).content.decode()
    assert f'data-milestone="{scene.milestone.pk}" data-overdue="1"' in page
    city_page = login_client(city.users["city_admin"]).get(reverse("projects:funding_home")).content.decode()
    assert scene.milestone.title in city_page
    # The daily task tells the mentor and the city admin, once.
    assert overdue_milestones_notify() == 1
    assert overdue_milestones_notify() == 0
    told = set(Notification.objects.filter(kind="milestone_overdue").values_list("user__phone", flat=True))
    assert told == {"13900000021", "13900000001"}
    api = mentor.get("/api/v1/mentor/milestones").json()
    assert [(m["id"], m["is_overdue"]) for m in api["items"]] == [(scene.milestone.pk, True)]


def test_an_accepted_milestone_is_never_overdue(city, scene, on_day):
    Milestone.objects.filter(pk=scene.milestone.pk).update(status=Milestone.Status.ACCEPTED)
    on_day(scene.milestone.due_on + dt.timedelta(days=10))
    assert overdue_milestones_notify() == 0
    page = login_client(city.users["city_admin"]).get(reverse("projects:funding_home")).content.decode()
    assert f'data-milestone="{scene.milestone.pk}"' not in page


def test_the_programme_view_and_its_export_show_granted_paid_and_accounted(city, scene):
    second = Grant.objects.create(
        project=scene.project_b,
        funder=scene.funder,
        programme=scene.programme,
        amount_fen=500_000,
        purpose="城市小管家",
        awarded_on=timezone.localdate(),
    )
    disbursement_create(
        actor=city.users["city_admin"], grant=second, amount_fen=200_000, paid_on=timezone.localdate()
    )
    client = login_client(city.users["auditor"])
    page = client.get(reverse("projects:programme_detail", args=[scene.programme.pk])).content.decode()
    assert 'data-total="projects">2<' in page
    assert "¥15,000.00" in page and "¥2,000.00" in page
    export = client.get(reverse("projects:programme_export", args=[scene.programme.pk]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[-1][4:7] == (15000.0, 2000.0, 0.0)
    assert {r[0] for r in rows[2:-1]} == {"红色周末学堂", "金平湖城市小管家"}


def test_the_city_admin_assigns_a_mentor_by_mobile_number(city, scene):
    admin = login_client(city.users["city_admin"])
    url = reverse("projects:mentor_assign", args=[scene.project_b.pk])
    assert admin.post(url, {"phone": "13800000000"}).status_code == 422
    assert admin.post(url, {"phone": "13900000021"}).status_code == 302
    assert scene.project_b.mentors.get(active=True).user == scene.mentor
    assert AuditEntry.objects.filter(action="mentor_assigned").exists()


def test_the_daily_command_notifies_overdue_milestones_once(city, scene, on_day):
    from io import StringIO

    from django.core.management import call_command

    on_day(scene.milestone.due_on)
    out = StringIO()
    call_command("notify_overdue_milestones", stdout=out)
    assert "1 overdue milestone(s) notified" in out.getvalue()
    call_command("notify_overdue_milestones", stdout=out)
    assert "0 overdue milestone(s) notified" in out.getvalue()
    assert Notification.objects.filter(user=scene.mentor, kind="milestone_overdue").count() == 1
