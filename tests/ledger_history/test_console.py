"""The console page: the city admin uploads the files, reads the dry-run, confirms, and the
import runs (tasks run in process in tests); the files wait encrypted and are deleted after."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huiguang.ledger.history.storage import FOLDER
from huiguang.ledger.models import HistoryImport, ImportSource, ServiceRecord
from huiguang.volunteers.models import Volunteer

from .conftest import write_kind

R = ServiceRecord


def _upload(client, path: Path, **data):
    files = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    return client.post(reverse("ledger:history"), {"uploads": [files], "source": "志愿汇", **data})


def _stored_files() -> list[Path]:
    return list((Path(settings.VAR_DIR) / FOLDER).glob("*/*.enc"))


def test_city_admin_checks_confirms_and_sees_the_import_done(city, as_role, tmp_path):
    number = Volunteer.objects.get(user=city.users["volunteer"]).volunteer_number
    path = write_kind(
        tmp_path,
        "records",
        [
            {
                "volunteer_number": number,
                "organization": "TA",
                "date": "2024-05-04",
                "hours": "2",
                "activity_name": "助老",
            }
        ],
    )
    client = as_role("city_admin")
    before = set(_stored_files())
    response = _upload(client, path)
    history_import = HistoryImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "ledger:history_detail", args=[history_import.pk]
    )
    page = client.get(response.url).content.decode()
    assert "确认并导入" in page and "当湖街道" in page and "2.0" in page
    stored = set(_stored_files()) - before
    assert len(stored) == 1 and number not in stored.pop().read_text()  # kept encrypted
    assert not R.objects.exists()

    client.post(reverse("ledger:history_apply", args=[history_import.pk]))
    history_import.refresh_from_db()
    assert history_import.status == HistoryImport.Status.APPLIED and history_import.done == 1
    assert R.objects.get().minutes == 120
    assert set(_stored_files()) == before  # deleted once applied
    assert "100%" in client.get(reverse("ledger:history_progress", args=[history_import.pk])).content.decode()


def test_a_file_with_bad_rows_shows_them_and_keeps_nothing(city, as_role, tmp_path):
    path = write_kind(
        tmp_path,
        "records",
        [{"volunteer_number": "nobody", "organization": "TA", "date": "2024-05-04", "minutes": "30"}],
    )
    client = as_role("city_admin")
    before = set(_stored_files())
    page = client.get(_upload(client, path).url).content.decode()
    assert "志愿者不存在" in page and "未写入任何数据" in page and "确认并导入" not in page
    assert set(_stored_files()) == before


def test_an_upload_without_files_or_of_an_unknown_kind_answers_422(city, as_role, tmp_path):
    client = as_role("city_admin")
    assert client.post(reverse("ledger:history"), {"source": "志愿汇"}).status_code == 422
    odd = tmp_path / "misc.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    response = _upload(client, odd)
    assert response.status_code == 422
    assert "无法判断" in response.content.decode()
    assert not HistoryImport.objects.exists()


def test_templates_download_with_their_example_rows(city, as_role):
    response = as_role("city_admin").get(reverse("ledger:history_template", args=["records"]))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert text.startswith("记录编号,身份证号,志愿者编号,手机号,组织编号")
    assert "社区助老陪伴" in text


def test_the_excel_workbook_template_holds_the_four_kinds_and_the_import_reads_its_examples(
    city, as_role, tmp_path
):
    from huiguang.ledger.history.files import parts_of, rows_of

    client = as_role("city_admin")
    assert "历史数据导入模板.xlsx" in client.get(reverse("ledger:history")).content.decode()
    response = client.get(reverse("ledger:history_workbook"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    path = tmp_path / "模板.xlsx"
    path.write_bytes(response.content)
    parts = parts_of([path])
    assert {kind: [p.label for p in found] for kind, found in parts.items()} == {
        "organizations": ["模板.xlsx:组织"],
        "memberships": ["模板.xlsx:成员"],
        "activities": ["模板.xlsx:活动"],
        "records": ["模板.xlsx:服务记录"],
    }
    organizations = [row for _n, row in rows_of(parts["organizations"][0])]
    assert organizations[0]["code"] == "T001" and organizations[1]["contact_phone"] == "13800000000"
    records = [row for _n, row in rows_of(parts["records"][0])]
    assert records[0]["id_number"] == "330482199001011234"  # text, every digit kept
    assert (records[1]["key"], records[1]["date"], records[1]["hours"]) == ("ZYH-889", "2021/6/12", "2.5")


def test_the_list_page_queries_do_not_grow_with_imports(city, as_role, assert_queries_constant):
    client = as_role("city_admin")
    source = ImportSource.objects.create(name="志愿汇")

    def grow():
        for _ in range(5):
            HistoryImport.objects.create(
                source=source, fingerprint="1" * 64, status=HistoryImport.Status.VALIDATED
            )

    assert_queries_constant(lambda: client.get(reverse("ledger:history")), grow)
    assert_queries_constant(lambda: client.get("/api/v1/history-imports"), grow)
