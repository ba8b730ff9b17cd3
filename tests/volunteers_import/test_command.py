"""`huiguang import_volunteers FILE --org CODE [--dry-run]`: exit 0, or non-zero listing each bad row."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from huiguang.accounts.models import User
from huiguang.core.models import AuditEntry
from huiguang.volunteers.models import ImportBatch, Volunteer

from .conftest import csv_bytes, rows, xlsx_bytes
from .test_files import EXE


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_volunteers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_success_exits_zero_and_reports_counts(city, tmp_path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(xlsx_bytes(rows(25)))
    out, _err = run(str(path), "--org", "TA")
    assert "25" in out
    assert (
        Volunteer.objects.filter(memberships__organization=city.org_a, user__phone__startswith="137").count()
        == 25
    )
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.APPLIED and batch.uploaded_by is None
    assert AuditEntry.objects.get(action="volunteers_imported").actor_label == "import_volunteers"
    again, _err = run(str(path), "--org", "TA")
    assert Volunteer.objects.filter(user__phone__startswith="137").count() == 25
    assert "25" in again


def test_bad_rows_exit_one_listing_each_and_write_nothing(city, tmp_path):
    data = rows(4)
    data[0][2] = "110"
    data[2][3] = "123"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(data))
    users = User.objects.count()
    with pytest.raises(CommandError) as exc:
        run(str(path), "--org", "TA")
    assert exc.value.returncode == 1
    assert User.objects.count() == users and not ImportBatch.objects.exists()


def test_bad_rows_are_listed_on_stderr(city, tmp_path):
    data = rows(4)
    data[0][2] = "110"
    data[2][3] = "123"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(data))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_volunteers", str(path), "--org", "TA", stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert "2" in lines[0] and "手机号" in lines[0]
    assert "4" in lines[1] and "居住地区代码" in lines[1]


def test_dry_run_writes_nothing(city, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(rows(3)))
    out, _err = run(str(path), "--org", "TA", "--dry-run")
    assert "3" in out
    assert not Volunteer.objects.filter(user__phone__startswith="137").exists()
    assert not ImportBatch.objects.exists()
    data = rows(2)
    data[1][0] = ""
    path.write_bytes(csv_bytes(data))
    with pytest.raises(CommandError) as exc:
        run(str(path), "--org", "TA", "--dry-run")
    assert exc.value.returncode == 1


def test_refused_file_and_unknown_organization_exit_two(city, tmp_path):
    path = tmp_path / "setup.xlsx"
    path.write_bytes(EXE)
    with pytest.raises(CommandError) as exc:
        run(str(path), "--org", "TA")
    assert exc.value.returncode == 2 and "程序" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        run(str(path), "--org", "NOPE")
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        run(str(tmp_path / "missing.csv"), "--org", "TA")
    assert exc.value.returncode == 2
