"""Honors: recorded one by one (with a checked evidence file) and from an .xlsx where every bad
row is reported and none written; shown on the volunteer's page, in the growth component and
in the record export."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from PIL import Image

from huiguang.core.models import AuditEntry
from huiguang.credit.models import Honor
from huiguang.credit.services.honors_import import honors_template_xlsx

from ..conftest import login_client
from .conftest import honor

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _xlsx(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["志愿者编号", "组织编码", "称号", "级别", "颁发单位", "日期", "事迹"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("honors.xlsx", out.getvalue())


def test_import_with_bad_rows_writes_none_and_names_every_one(city, volunteer):
    admin = login_client(city.users["city_admin"])
    upload = _xlsx(
        [
            [volunteer.volunteer_number, "", "优秀志愿者", "市级", "平湖市文明办", "2026-03-05", "好"],
            ["999999", "", "优秀志愿者", "市级", "平湖市文明办", "2026-03-05", ""],
            ["", "TA", "", "省级", "浙江省文明办", "2026-03-05", ""],
            [volunteer.volunteer_number, "TA", "十佳", "区级", "", "2099-01-01", ""],
        ]
    )
    response = admin.post(reverse("credit:honor_import"), {"file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert Honor.objects.count() == 0
    for row in (3, 4, 5):
        assert f"第 {row} 行" in page
    assert "第 2 行" not in page
    assert "没有该编号的志愿者。" in page and "请选择市级、省级或国家级。" in page


def test_import_of_good_rows_writes_all(city, volunteer):
    admin = login_client(city.users["city_admin"])
    upload = _xlsx(
        [
            [volunteer.volunteer_number, "", "优秀志愿者", "市级", "平湖市文明办", "2026-03-05", "好"],
            ["", "TA", "五星志愿服务组织", "national", "中央文明办", dt.datetime(2025, 12, 1), ""],
        ]
    )
    response = admin.post(reverse("credit:honor_import"), {"file": upload})
    assert response.status_code == 302
    assert Honor.objects.filter(volunteer=volunteer, level="city").count() == 1
    assert Honor.objects.get(organization=city.org_a).awarded_on == dt.date(2025, 12, 1)
    assert AuditEntry.objects.filter(action="honor.import").exists()


def test_template_reads_back(city):
    wb = load_workbook(io.BytesIO(honors_template_xlsx()))
    assert wb.active.max_row == 2
    response = login_client(city.users["city_admin"]).get(reverse("credit:honor_template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_a_file_that_is_not_a_workbook_is_refused(city):
    admin = login_client(city.users["city_admin"])
    response = admin.post(
        reverse("credit:honor_import"), {"file": SimpleUploadedFile("a.xlsx", b"MZ\x90\x00")}
    )
    assert response.status_code == 422
    assert Honor.objects.count() == 0


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "red").save(out, "PNG")
    return out.getvalue()


def test_one_honor_with_evidence(city, volunteer):
    admin = login_client(city.users["city_admin"])
    data = {
        "volunteer_number": volunteer.volunteer_number,
        "title": "最美志愿者",
        "level": "province",
        "issuer": "浙江省文明办",
        "awarded_on": "2026-02-01",
        "citation": "抗疫一线",
    }
    response = admin.post(reverse("credit:honor_new"), {**data, "evidence": SimpleUploadedFile("x.pdf", PDF)})
    assert response.status_code == 302
    h = Honor.objects.get()
    assert h.evidence.name.endswith(".pdf") and h.volunteer == volunteer
    evidence = admin.get(reverse("credit:honor_evidence", args=[h.pk]))
    assert b"".join(evidence.streaming_content) == PDF
    png = admin.post(reverse("credit:honor_new"), {**data, "evidence": SimpleUploadedFile("y.png", _png())})
    assert png.status_code == 302
    assert Honor.objects.filter(evidence__endswith=".png").count() == 1


def test_evidence_that_is_not_pdf_or_picture_is_refused(city, volunteer):
    admin = login_client(city.users["city_admin"])
    data = {
        "volunteer_number": volunteer.volunteer_number,
        "title": "最美志愿者",
        "level": "province",
        "issuer": "浙江省文明办",
        "awarded_on": "2026-02-01",
        "evidence": SimpleUploadedFile("x.pdf", b"MZ not a pdf at all"),
    }
    response = admin.post(reverse("credit:honor_new"), data)
    assert response.status_code == 422
    assert Honor.objects.count() == 0
    both = admin.post(reverse("credit:honor_new"), {**data, "evidence": "", "organization_code": "TA"})
    assert both.status_code == 422


def test_honors_show_on_the_volunteer_page_and_in_the_record_export(city, volunteer):
    honor(volunteer, title="十佳志愿者")
    page = login_client(volunteer.user)
    assert "十佳志愿者" in page.get(reverse("credit:me")).content.decode()
    export = page.get(reverse("credit:my_record_export"))
    wb = load_workbook(io.BytesIO(export.content))
    assert wb.worksheets[1].cell(2, 1).value == "十佳志愿者"
    assert wb.worksheets[2].cell(2, 1).value == 325  # 305 + a city honor
    assert AuditEntry.objects.filter(action="export", detail__what="own_record_with_honors").exists()
    home = page.get(reverse("web:home")).content.decode()
    assert reverse("credit:me") in home


def test_lists_run_a_constant_number_of_queries(city, volunteer, assert_queries_constant):
    from huiguang.credit.services.reviews import review_request

    from ..factories import VolunteerFactory

    admin = login_client(city.users["city_admin"])
    honor(volunteer)
    review_request(volunteer=volunteer, text="请复核")

    def grow():
        for _ in range(5):
            v = VolunteerFactory()
            honor(v)
            honor(organization=city.org_b)
            review_request(volunteer=v, text="请复核")

    for name in ("credit:honors", "credit:reviews", "credit:distribution"):
        assert_queries_constant(lambda name=name: admin.get(reverse(name)), grow)
    api = login_client(city.users["city_admin"])
    for path in ("/api/v1/credit/honors", "/api/v1/credit/reviews", "/api/v1/credit/policies"):
        assert_queries_constant(lambda path=path: api.get(path), grow)
