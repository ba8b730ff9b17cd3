"""The console flow through the test client: upload → preview with errors → confirm; permissions."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from huiguang.accounts.models import User
from huiguang.core.models import AuditEntry
from huiguang.network.models import Membership
from huiguang.volunteers import importing
from huiguang.volunteers.models import ImportBatch, Volunteer

from .conftest import csv_bytes, rows, xlsx_bytes
from .test_files import EXE, MINIMAL, workbook_zip

UPLOAD = reverse("volunteers:import_upload")


def upload(client, org, content, name="volunteers.xlsx", consent=True):
    data = {"organization": org.pk, "file": SimpleUploadedFile(name, content)}
    if consent:
        data["consent"] = "on"
    return client.post(UPLOAD, data)


def test_upload_preview_confirm(city, as_role):
    client = as_role("org_admin")
    page = client.get(UPLOAD)
    assert page.status_code == 200
    assert "导入志愿者" in page.content.decode()
    response = upload(client, city.org_a, xlsx_bytes(rows(12)))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("volunteers:import_preview", args=[batch.pk])
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.created_count == 12
    assert not Volunteer.objects.filter(user__phone__startswith="137").exists()  # a preview writes nothing

    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "确认导入" in html and "12" in html

    done = client.post(reverse("volunteers:import_confirm", args=[batch.pk]))
    assert done.status_code == 302
    assert (
        Volunteer.objects.filter(user__phone__startswith="137", memberships__organization=city.org_a).count()
        == 12
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and batch.applied_at is not None
    after = client.get(done["Location"]).content.decode()
    assert "新增 12 人" in after
    entry = AuditEntry.objects.get(action="volunteers_imported")
    assert entry.actor == city.users["org_admin"] and entry.detail["created"] == 12


def test_preview_lists_errors_and_confirm_is_refused(city, as_role):
    client = as_role("town_admin")
    data = rows(5)
    data[1][2] = "12345"
    data[3][1] = "330481"
    response = upload(client, city.org_a1, csv_bytes(data), name="bad.csv")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and batch.error_row_count == 2
    html = client.get(response["Location"]).content.decode()
    assert "确认导入" not in html
    assert "错误报告" in html and "手机号" in html and "身份证号" in html
    assert [e["row"] for e in batch.errors] == [3, 5]
    refused = client.post(reverse("volunteers:import_confirm", args=[batch.pk]))
    assert refused.status_code == 409
    assert not Volunteer.objects.filter(user__phone__startswith="137").exists()

    report = client.get(reverse("volunteers:import_report", args=[batch.pk, "xlsx"]))
    assert report.status_code == 200 and "attachment" in report["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(report.content)).active
    listed = [(r[0], r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert listed == [(3, "手机号"), (5, "身份证号")]
    csv_report = client.get(reverse("volunteers:import_report", args=[batch.pk, "csv"]))
    assert csv_report.status_code == 200 and "手机号" in csv_report.content.decode("utf-8-sig")
    assert client.get(reverse("volunteers:import_report", args=[batch.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize(
    "content,name,text",
    [
        (EXE, "volunteers.xlsx", "程序"),
        (None, "bomb.xlsx", "zip"),
        (b"", "empty.csv", "空"),
    ],
)
def test_bad_files_get_a_clear_message_and_422(city, as_role, content, name, text):
    if content is None:
        content = workbook_zip(
            {**MINIMAL, "xl/worksheets/sheet1.xml": b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>"}
        )
    response = upload(as_role("org_admin"), city.org_a, content, name=name)
    assert response.status_code == 422
    assert text in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_over_limit_files_get_a_clear_message_and_422(city, as_role, settings):
    client = as_role("org_admin")
    settings.HUIGUANG_IMPORT_MAX_ROWS = 3
    response = upload(client, city.org_a, xlsx_bytes(rows(4)))
    assert response.status_code == 422
    assert "3" in response.content.decode()
    settings.HUIGUANG_IMPORT_MAX_BYTES = 500
    response = upload(client, city.org_a, csv_bytes(rows(10)), name="a.csv")
    assert response.status_code == 422
    assert "500" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_consent_is_required(city, as_role):
    response = upload(as_role("org_admin"), city.org_a, xlsx_bytes(rows(1)), consent=False)
    assert response.status_code == 422
    assert not ImportBatch.objects.exists()


def test_confirm_twice_imports_once(city, as_role):
    client = as_role("org_admin")
    upload(client, city.org_a, xlsx_bytes(rows(3)))
    batch = ImportBatch.objects.get()
    url = reverse("volunteers:import_confirm", args=[batch.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 409
    assert Volunteer.objects.filter(user__phone__startswith="137").count() == 3


def test_reupload_of_an_imported_file_says_so_and_changes_nothing(city, as_role):
    client = as_role("org_admin")
    content = xlsx_bytes(rows(4))
    upload(client, city.org_a, content)
    client.post(reverse("volunteers:import_confirm", args=[ImportBatch.objects.get().pk]))
    counts = (Volunteer.objects.count(), User.objects.count(), Membership.objects.count())
    response = upload(client, city.org_a, content)
    second = ImportBatch.objects.latest("id")
    assert (second.created_count, second.joined_count, second.already_count) == (0, 0, 4)
    assert "已于" in client.get(response["Location"]).content.decode()  # "already imported on <date>"
    client.post(reverse("volunteers:import_confirm", args=[second.pk]))
    assert (Volunteer.objects.count(), User.objects.count(), Membership.objects.count()) == counts


def test_rows_that_became_invalid_since_the_preview_fail_at_confirm(city, as_role):
    client = as_role("org_admin")
    data = rows(3)
    upload(client, city.org_a, xlsx_bytes(data))
    batch = ImportBatch.objects.get()
    User.objects.create_user(data[1][2], "x-Password-1")  # someone registered that phone meanwhile
    response = client.post(reverse("volunteers:import_confirm", args=[batch.pk]))
    assert response.status_code == 422
    assert "手机号" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and [e["row"] for e in batch.errors] == [3]
    assert not Volunteer.objects.filter(user__phone__startswith="137").exists()


def test_templates_download(city, as_role):
    client = as_role("org_admin")
    xlsx = client.get(reverse("volunteers:import_template", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(xlsx.content)).worksheets[0]["A1"].value == "姓名"
    csv = client.get(reverse("volunteers:import_template", args=["csv"]))
    assert csv.content.decode("utf-8-sig").startswith("姓名,身份证号,手机号,居住地区代码")
    assert client.get(reverse("volunteers:import_template", args=["exe"])).status_code == 404


@pytest.mark.parametrize("role", ["leader", "auditor", "volunteer", "volunteer_b"])
def test_leaders_auditors_and_volunteers_cannot_import(city, as_role, role):
    client = as_role(role)
    assert client.get(UPLOAD).status_code == 404
    assert upload(client, city.org_a, xlsx_bytes(rows(1))).status_code == 404
    assert client.get(reverse("volunteers:import_template", args=["xlsx"])).status_code == 404
    assert not ImportBatch.objects.exists()


def test_anonymous_is_sent_to_log_in(city, client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    "role,org,status",
    [
        ("org_admin", "org_a", 302),
        ("org_admin", "org_a1", 302),  # a sub-team of their organization
        ("org_admin", "org_b", 404),
        ("town_admin", "org_a1", 302),  # in their town
        ("town_admin", "org_b", 404),
        ("outsider", "org_a", 404),
        ("outsider", "org_b", 302),
        ("city_admin", "org_b", 302),
    ],
)
def test_import_only_into_organizations_in_scope(city, as_role, role, org, status):
    response = upload(as_role(role), getattr(city, org), xlsx_bytes(rows(1)))
    assert response.status_code == status
    assert ImportBatch.objects.exists() == (status == 302)


def test_batches_of_other_organizations_answer_404(city, as_role):
    upload(as_role("org_admin"), city.org_a, csv_bytes(rows(2)), name="a.csv")
    batch = ImportBatch.objects.get()
    outsider = as_role("outsider")
    for url in (
        reverse("volunteers:import_preview", args=[batch.pk]),
        reverse("volunteers:import_report", args=[batch.pk, "xlsx"]),
    ):
        assert outsider.get(url).status_code == 404
        assert as_role("town_admin").get(url).status_code == 200
    assert outsider.post(reverse("volunteers:import_confirm", args=[batch.pk])).status_code == 404
    assert as_role("leader").get(reverse("volunteers:import_preview", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_upload_page_queries_do_not_grow_with_batches(city, as_role, assert_queries_constant):
    client = as_role("city_admin")

    def preview(org, start: int, stop: int) -> None:
        for i in range(start, stop):
            importing.import_preview(
                organization=org,
                actor=city.users["city_admin"],
                content=csv_bytes(rows(1, start=i)),
                file_name=f"{i}.csv",
            )

    preview(city.org_a, 0, 3)
    assert_queries_constant(lambda: client.get(UPLOAD), lambda: preview(city.org_b, 3, 15))
    assert client.get(UPLOAD).status_code == 200


def test_preview_with_many_errors_paginates(city, as_role):
    data = rows(150)
    for i, line in enumerate(data):
        line[2] = f"12{i:03d}"  # 150 different bad mobile numbers
    client = as_role("org_admin")
    response = upload(client, city.org_a, csv_bytes(data), name="bad.csv")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.content.decode().count("<tr><td>") == 100
    assert client.get(response["Location"] + "?page=2").content.decode().count("<tr><td>") == 50
