"""Project honors (issue 12): an award of a published competition becomes its project's honor
once (on publishing, and by the console action, idempotent), a project honor is recorded one by
one, through the API and from an .xlsx; the project's pages show them; no volunteer's score moves."""

import datetime as dt
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from huiguang.core.models import AuditEntry
from huiguang.credit.models import Honor
from huiguang.credit.services import snapshot_compute
from huiguang.credit.services.awards import award_honors_record
from huiguang.projects.models import Award

from ..conftest import login_client
from ..factories import bearer
from .conftest import make_project
from .test_judging import _run_to_the_end


def test_publishing_the_results_makes_each_award_the_projects_honor_once(city, contest, scene):
    _run_to_the_end(city, contest)
    award = Award.objects.get()
    honor = Honor.objects.get()
    assert (honor.project, honor.award, honor.volunteer, honor.organization) == (
        scene.project,
        award,
        None,
        None,
    )
    assert honor.title == "追梦金平湖·全民志愿红 · 最佳志愿服务项目奖"
    assert honor.level == "city" and honor.issuer == city.org_b.name  # the co-host
    assert AuditEntry.objects.filter(action="honor.awards_record").count() == 1
    # Twice = once: the console action and the API write nothing more.
    admin = city.users["city_admin"]
    assert award_honors_record(actor=admin, competition=contest.competition) == 0
    url = reverse("credit:honor_awards")
    response = login_client(admin).post(url, {"competition": contest.competition.pk})
    assert response.status_code == 302
    api = bearer(admin).post(f"/api/v1/credit/competitions/{contest.competition.pk}/award-honors")
    assert api.status_code == 200 and api.json() == {"competition_id": contest.competition.pk, "written": 0}
    assert Honor.objects.count() == 1
    # The project's pages show it: the figures loaded into the project page, and the figures page.
    client = login_client(city.users["org_admin"])
    part = client.get(reverse("reports:project_figures", args=[scene.project.pk]) + "?part=totals")
    html = part.content.decode()
    assert "最佳志愿服务项目奖" in html and "市级" in html and city.org_b.name in html
    assert (
        "最佳志愿服务项目奖"
        in client.get(reverse("reports:project_figures", args=[scene.project.pk])).content.decode()
    )
    other = client.get(reverse("reports:project_figures", args=[scene.project_b.pk]) + "?part=totals")
    assert other.status_code == 404
    # A project's honor feeds no volunteer's score.
    volunteer = city.users["volunteer"].volunteer
    assert snapshot_compute(volunteer=volunteer).component("growth")["points"] == 0


def test_the_console_action_records_the_awards_of_results_published_earlier(city, contest, scene):
    _run_to_the_end(city, contest)
    Honor.objects.all().delete()  # results published before honors were kept
    admin = login_client(city.users["city_admin"])
    url = reverse("credit:honor_awards")
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"competition": contest.competition.pk}).status_code == 302
    assert admin.post(url, {"competition": contest.competition.pk}).status_code == 302
    assert list(Honor.objects.values_list("project_id", flat=True)) == [scene.project.pk]


def test_an_unpublished_competition_records_nothing(city, contest):
    admin = city.users["city_admin"]
    response = login_client(admin).post(
        reverse("credit:honor_awards"), {"competition": contest.competition.pk}
    )
    assert response.status_code == 422
    api = bearer(admin).post(f"/api/v1/credit/competitions/{contest.competition.pk}/award-honors")
    assert api.status_code == 409 and api.json()["reason"] == "not_published"
    assert not Honor.objects.exists()


def test_a_project_honor_recorded_on_the_form_and_through_the_api(city, scene):
    admin = city.users["city_admin"]
    data = {
        "title": "浙江省优秀志愿服务项目",
        "level": "province",
        "issuer": "浙江省文明办",
        "awarded_on": "2026-01-05",
    }
    response = login_client(admin).post(reverse("credit:honor_new"), {**data, "project": scene.project.pk})
    assert response.status_code == 302
    honor = Honor.objects.get()
    assert (honor.project, honor.level) == (scene.project, "province")
    both = login_client(admin).post(
        reverse("credit:honor_new"),
        {**data, "project": scene.project.pk, "organization_code": city.org_a.code},
    )
    assert both.status_code == 422 and "只填写一个表彰对象" in both.content.decode()
    api = bearer(admin).post(
        "/api/v1/credit/honors",
        json.dumps({**data, "project_id": scene.project_b.pk}),
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["project_id"] == scene.project_b.pk
    unknown = bearer(admin).post(
        "/api/v1/credit/honors", json.dumps({**data, "project_id": 999999}), content_type="application/json"
    )
    assert unknown.status_code == 422 and "project_id" in unknown.json()["errors"]
    assert Honor.objects.count() == 2
    page = login_client(admin).get(reverse("credit:honors")).content.decode()
    assert scene.project.name in page and scene.project_b.name in page


def _xlsx(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["志愿者编号", "组织编码", "项目", "称号", "级别", "颁发单位", "日期"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("honors.xlsx", out.getvalue())


def test_project_honors_from_an_xlsx_every_bad_row_named_none_written(city, scene):
    make_project(city.org_b, name="阳光爱心书屋")
    make_project(city.org_b, name="阳光爱心书屋")  # two projects of one name
    admin = login_client(city.users["city_admin"])
    url = reverse("credit:honor_import")
    bad = _xlsx(
        [
            ["", "", scene.project.name, "十佳项目", "市级", "平湖市文明办", "2026-03-05"],
            ["", "", "没有这个项目", "十佳项目", "市级", "平湖市文明办", "2026-03-05"],
            ["", "", "阳光爱心书屋", "十佳项目", "市级", "平湖市文明办", "2026-03-05"],
            ["", city.org_a.code, scene.project.name, "十佳项目", "市级", "平湖市文明办", "2026-03-05"],
        ]
    )
    response = admin.post(url, {"file": bad})
    page = response.content.decode()
    assert response.status_code == 422 and not Honor.objects.exists()
    assert "第 3 行" in page and "没有该名称或编号的项目。" in page
    assert "第 4 行" in page and "有多个项目同名，请改填项目编号。" in page
    assert "第 5 行" in page and "第 2 行" not in page
    good = _xlsx(
        [
            ["", "", scene.project.name, "十佳项目", "市级", "平湖市文明办", "2026-03-05"],
            ["", "", str(scene.project_b.pk), "优秀项目", "省级", "浙江省文明办", dt.datetime(2025, 12, 1)],
        ]
    )
    assert admin.post(url, {"file": good}).status_code == 302
    assert sorted(Honor.objects.values_list("project_id", "level")) == sorted(
        [(scene.project.pk, "city"), (scene.project_b.pk, "province")]
    )
