"""Every bad row is reported with its file, row number and reason, and nothing is written; the
same file twice adds nothing; an import killed half-way and run again ends with exactly the rows
of one import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from huiguang.core.models import AuditEntry
from huiguang.ledger.history import apply
from huiguang.ledger.models import HistoryImport, ImportedRow, ServiceRecord, VolunteerHours
from huiguang.network.models import Organization
from huiguang.reports.models import DailyCounter, OrganizationMonth, RegionMonth
from huiguang.volunteers.models import Volunteer

from ..factories import VolunteerFactory, unique_id_number
from ..ledger_core.conftest import confirmed, make_shift, ten_days_ago
from .conftest import write_kind

R = ServiceRecord


def _import(directory, *args) -> str:
    out = io.StringIO()
    call_command("import_history", str(directory), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _reasons(history_import: HistoryImport) -> set[tuple[int, str]]:
    return {(e["row"], e["reason"]) for e in history_import.errors}


def test_every_bad_row_is_named_with_its_row_and_reason_and_nothing_is_written(city, tmp_path):
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    number = volunteer.volunteer_number
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    write_kind(
        tmp_path, "organizations", [{"code": "NEW1", "name": "新队伍", "region": "330482001", "parent": "TA"}]
    )
    write_kind(
        tmp_path,
        "records",
        [
            {
                "volunteer_number": number,
                "organization": "TA",
                "date": "2024-01-05",
                "hours": "2",
                "activity_name": "好行",
            },
            {
                "id_number": unique_id_number(),
                "organization": "TA",
                "date": "2024-01-05",
                "minutes": "60",
                "activity_name": "无人",
            },
            {
                "volunteer_number": number,
                "organization": "NOPE",
                "date": "2024-01-06",
                "minutes": "60",
                "activity_name": "无队",
            },
            {
                "volunteer_number": number,
                "organization": "TA",
                "date": "2024-02-01",
                "hours": "8",
                "activity_name": "超时",
            },
            {
                "volunteer_number": number,
                "organization": "TB",
                "date": "2024-02-01",
                "hours": "5",
                "activity_name": "超时",
            },
            {
                "volunteer_number": number,
                "organization": "TA",
                "date": "2024-03-01",
                "started": "09:00",
                "ended": "11:00",
                "activity_name": "重叠",
            },
            {
                "volunteer_number": number,
                "organization": "TA",
                "date": "2024-03-01",
                "started": "10:00",
                "ended": "12:00",
                "activity_name": "重叠二",
            },
            {
                "volunteer_number": number,
                "organization": "TA",
                "date": tomorrow.isoformat(),
                "minutes": "60",
                "activity_name": "未来",
            },
            {
                "key": "Z1",
                "volunteer_number": number,
                "organization": "TA",
                "date": "2024-04-01",
                "minutes": "60",
                "activity_name": "甲",
            },
            {
                "key": "Z1",
                "volunteer_number": number,
                "organization": "TA",
                "date": "2024-04-02",
                "minutes": "60",
                "activity_name": "乙",
            },
            {
                "volunteer_number": number,
                "organization": "TA",
                "date": "2024-13-01",
                "minutes": "60",
                "activity_name": "坏日期",
            },
            {
                "volunteer_number": number,
                "organization": "NEW1",
                "date": "2024-05-01",
                "minutes": "abc",
                "activity_name": "坏时长",
            },
        ],
    )
    orgs = Organization.objects.count()
    with pytest.raises(CommandError, match="9 行有错误，未写入任何数据") as exc:
        _import(tmp_path, "--confirm")
    assert exc.value.returncode == 1
    history_import = HistoryImport.objects.get()
    assert history_import.status == HistoryImport.Status.FAILED
    assert _reasons(history_import) == {
        (3, "UNKNOWN_VOLUNTEER"),
        (4, "UNKNOWN_ORGANIZATION"),
        (5, "DAILY_CAP"),
        (6, "DAILY_CAP"),
        (8, "OVERLAPS"),
        (9, "FUTURE_DATE"),
        (11, "DUPLICATE_IN_FILE"),
        (12, "BAD_VALUE"),
        (13, "BAD_VALUE"),
    }
    assert all(e["file"] == "服务记录.csv" and e["message"] for e in history_import.errors)
    assert [e["row"] for e in history_import.errors] == [3, 4, 5, 6, 8, 9, 11, 12, 13]  # row by row
    assert not R.objects.exists()
    assert not ImportedRow.objects.exists()
    assert Organization.objects.count() == orgs  # the good organization row waits for a clean file
    assert AuditEntry.objects.get(action="history.check", detail__bad_rows=9).actor_label == "import_history"


def test_a_dry_run_prints_the_summary_and_writes_nothing(city, tmp_path):
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    write_kind(
        tmp_path,
        "records",
        [
            {
                "volunteer_number": volunteer.volunteer_number,
                "organization": "TA",
                "date": "2023-06-01",
                "hours": "1.5",
                "activity_name": "助老",
            },
            {
                "phone": "13900000007",
                "organization": "乍浦镇志愿服务队",
                "date": "2024-06-01",
                "minutes": "45",
                "activity_name": "助学",
            },
        ],
    )
    out = _import(tmp_path, "--dry-run")
    assert "读取行数: 服务记录 2" in out
    assert "当湖街道（330482001）2023 年：1.5 小时" in out
    assert "乍浦镇（330482103）2024 年：0.8 小时" in out
    assert "试运行：未写入任何数据" in out
    assert not R.objects.exists()
    assert HistoryImport.objects.get().status == HistoryImport.Status.VALIDATED


def _good_records(city, n_volunteers: int = 4, per_volunteer: int = 5) -> list[dict]:
    people = [VolunteerFactory(residence_region=city.town_a) for _ in range(n_volunteers)]
    return [
        {
            "id_number": p.decrypt_id_number(),
            "organization": "TA",
            "date": (dt.date(2022, 1, 1) + dt.timedelta(days=3 * d)).isoformat(),
            "minutes": str(30 + d),
            "activity_name": "文明劝导",
            "content": f"第{d}次",
        }
        for p in people
        for d in range(per_volunteer)
    ]


def test_the_same_file_twice_adds_no_row(city, tmp_path):
    write_kind(tmp_path, "records", _good_records(city))
    _import(tmp_path, "--confirm")
    assert R.objects.count() == 20
    assert AuditEntry.objects.get(action="history.apply").actor_label == "import_history"
    with pytest.raises(CommandError, match="20 行有错误"):
        _import(tmp_path, "--confirm")
    assert R.objects.count() == 20
    again = HistoryImport.objects.filter(status=HistoryImport.Status.FAILED).get()
    assert {e["reason"] for e in again.errors} == {"DUPLICATE"}


def test_an_import_killed_half_way_resumes_without_doubling(city, tmp_path, monkeypatch):
    write_kind(tmp_path, "records", _good_records(city, n_volunteers=6, per_volunteer=4))
    monkeypatch.setattr(apply, "BATCH", 4)  # one volunteer a batch
    real = apply.write_batch
    calls = []

    def dies_after_two(*args, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator's ^C, the OOM killer, a lost connection
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(apply, "write_batch", dies_after_two)
    with pytest.raises(KeyboardInterrupt):
        _import(tmp_path, "--confirm")
    assert R.objects.count() == 8
    interrupted = HistoryImport.objects.get()
    assert (interrupted.status, interrupted.done, interrupted.total) == (HistoryImport.Status.APPLYING, 8, 24)

    monkeypatch.setattr(apply, "write_batch", real)
    out = _import(tmp_path, "--confirm")
    assert "其中 8 条在中断前已导入" in out
    assert R.objects.count() == 24
    assert ImportedRow.objects.filter(kind="record").values("key").distinct().count() == 24
    resumed = HistoryImport.objects.get()  # the same import, finished
    assert (resumed.pk, resumed.status, resumed.done) == (interrupted.pk, HistoryImport.Status.APPLIED, 24)
    assert sum(VolunteerHours.objects.values_list("total_minutes", flat=True)) == sum(
        R.objects.values_list("minutes", flat=True)
    )
    call_command("verify_ledger", stdout=io.StringIO(), stderr=io.StringIO())
    rebuild = io.StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=rebuild)
    assert rebuild.getvalue().strip().endswith("0 difference(s) found")


def test_hours_of_a_verified_source_are_credit_hours(city, tmp_path):
    write_kind(tmp_path, "records", _good_records(city, n_volunteers=1, per_volunteer=2))
    _import(tmp_path, "--confirm", "--source", "考勤系统", "--verified-attendance")
    assert set(R.objects.values_list("kind", "is_credit")) == {("import", True)}
    assert VolunteerHours.objects.get().credit_minutes == 30 + 31


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b""])
def test_a_long_utf8_csv_whose_first_64_kib_end_inside_a_character_is_read_as_utf8(tmp_path, bom):
    """Excel's "CSV UTF-8" starts with a BOM; the encoding is told from the first 64 KiB, and a
    Chinese character cut by that boundary must not make the file look like GB18030."""
    from huiguang.ledger.history.files import _decoded_lines

    line = "志愿服务记录,平湖市\n".encode()
    body = bom + line * (70_000 // len(line))
    for pad in range(3):  # move the 64 KiB boundary over every byte of a three-byte character
        path = tmp_path / f"records-{pad}.csv"
        path.write_bytes(bom + b"x" * pad + body[len(bom) :])
        lines = list(_decoded_lines(path))
        assert lines[1] == "志愿服务记录,平湖市\n" and len(lines) == len(body) // len(line)


def test_imported_activities_each_get_their_own_share_link(city, tmp_path):
    """Activities are bulk-created by the import; each still needs the unguessable token of its
    share link (a unique column: a second activity without one would not import at all)."""
    from huiguang.activities.models import Activity, Category

    Category.objects.get_or_create(code="elderly", defaults={"name": "助老服务"})
    write_kind(
        tmp_path,
        "activities",
        [
            {
                "code": f"A{n}",
                "title": f"社区助老{n}",
                "organization": city.org_a.code,
                "starts": f"2024-05-0{n} 09:00",
                "ends": f"2024-05-0{n} 11:00",
                "category": "助老服务",
            }
            for n in range(1, 4)
        ],
    )
    _import(tmp_path, "--confirm")
    tokens = list(Activity.objects.filter(title__startswith="社区助老").values_list("share_token", flat=True))
    assert len(tokens) == len(set(tokens)) == 3 and all(len(t) >= 16 for t in tokens)


def test_imported_and_confirmed_hours_of_the_same_days_add_up_in_the_rollups(city, tmp_path):
    """Counter rows that a confirmation created are added to by the import, and the import's rows by
    a later confirmation: one row per unit and month, each holding the ledger's sums."""
    admin = city.users["org_admin"]
    vol = city.users["volunteer"].volunteer
    day = ten_days_ago()
    confirmed(make_shift(city.org_a, day=day, start=8, hours=2), vol, admin)
    month = day.replace(day=1)
    city_row = RegionMonth.objects.get(region_code="330482", month=month)
    people = [VolunteerFactory(residence_region=city.town_a) for _ in range(3)]
    write_kind(
        tmp_path,
        "records",
        [
            {
                "id_number": p.decrypt_id_number(),
                "organization": "TA",
                "date": (day - dt.timedelta(days=d)).isoformat(),
                "minutes": str(45 + d),
                "activity_name": "文明劝导",
            }
            for p in [*people, vol]
            for d in (0, 1)
            if p != vol or d
        ],
    )
    _import(tmp_path, "--confirm")
    confirmed(make_shift(city.org_a, day=day, start=14, hours=1), people[0], admin)

    ledger = R.objects.filter(status="confirmed")
    in_month = ledger.filter(service_date__year=month.year, service_date__month=month.month)
    row = RegionMonth.objects.get(region_code="330482", month=month)
    assert row.pk == city_row.pk  # the row was added to, not replaced
    minutes = sum(r.minutes for r in in_month)
    assert (row.minutes, row.records, row.active_volunteers) == (minutes, in_month.count(), 4)
    org_row = OrganizationMonth.objects.get(organization=city.org_a, month=month)
    assert (org_row.minutes, org_row.active_volunteers) == (minutes, 4)
    on_day = ledger.filter(service_date=day)
    assert DailyCounter.objects.get(day=day).minutes == sum(r.minutes for r in on_day)
    call_command("verify_ledger", stdout=io.StringIO(), stderr=io.StringIO())
    rebuild = io.StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=rebuild)
    assert rebuild.getvalue().strip().endswith("0 difference(s) found"), rebuild.getvalue()


def test_a_directory_without_files_to_import_is_refused_with_exit_status_two(db, tmp_path):
    (tmp_path / "说明.txt").write_text("not an import file", encoding="utf-8")
    with pytest.raises(CommandError, match="没有找到可导入的") as exc:
        _import(tmp_path, "--confirm")
    assert exc.value.returncode == 2
    assert not HistoryImport.objects.exists()


def test_bad_rows_are_listed_in_the_order_the_files_were_read(city, tmp_path):
    """The first file's only bad row is found by the day checks, after the second file's bad
    value was found while reading; the list still starts with the first file."""
    number = Volunteer.objects.get(user=city.users["volunteer"]).volunteer_number
    row = {"volunteer_number": number, "organization": "TA", "activity_name": "助老"}
    write_kind(
        tmp_path,
        "records",
        [{**row, "date": "2024-01-05", "minutes": "500"}, {**row, "date": "2024-01-05", "minutes": "400"}],
        name="时长.csv",
    )
    write_kind(tmp_path, "records", [{**row, "date": "2024-02-01", "minutes": "abc"}], name="服务记录.csv")
    with pytest.raises(CommandError):
        _import(tmp_path)
    errors = HistoryImport.objects.get().errors
    assert [(e["file"], e["row"], e["reason"]) for e in errors] == [
        ("时长.csv", 2, "DAILY_CAP"),
        ("时长.csv", 3, "DAILY_CAP"),
        ("服务记录.csv", 2, "BAD_VALUE"),
    ]
