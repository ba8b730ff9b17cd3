"""Uploaded import files (full ID numbers in plain text) are kept only while a confirmation may
need them (importing/storage.py): deleted once the batch is applied or failed, never kept for a
file with bad rows, and purged after HUIGUANG_IMPORT_FILE_TTL_HOURS when nobody confirms."""

from __future__ import annotations

import io
import os
import stat
import time

from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from huiguang.accounts.models import User
from huiguang.volunteers import importing
from huiguang.volunteers.importing.storage import purge_expired
from huiguang.volunteers.models import ImportBatch, Volunteer
from huiguang.volunteers.tasks import purge_import_files

from .conftest import csv_bytes, rows, xlsx_bytes
from .test_console import upload

GONE = "服务器上已找不到上传的文件，请重新上传。"


def files(settings) -> list[str]:
    folder = settings.VAR_DIR / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def age(settings, hours: float) -> None:
    """Make every import file `hours` old."""
    then = time.time() - hours * 3600
    for name in files(settings):
        os.utime(settings.VAR_DIR / "imports" / name, (then, then))


def confirm(client, batch):
    return client.post(reverse("volunteers:import_confirm", args=[batch.pk]))


def test_the_file_waits_for_the_confirmation_and_goes_once_applied(
    city, as_role, settings, django_capture_on_commit_callbacks
):
    client = as_role("org_admin")
    upload(client, city.org_a, xlsx_bytes(rows(3)))
    batch = ImportBatch.objects.get()
    path = settings.VAR_DIR / batch.file_path
    assert files(settings) == [path.name] and path.name.startswith(batch.sha256)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, batch).status_code == 302
    assert Volunteer.objects.filter(user__phone__startswith="137").count() == 3
    assert files(settings) == []
    # The batch's page still shows what happened.
    page = client.get(reverse("volunteers:import_preview", args=[batch.pk]))
    assert page.status_code == 200 and "新增 3 人" in page.content.decode()


def test_a_rolled_back_import_keeps_its_file(city, settings, django_capture_on_commit_callbacks):
    batch = importing.import_preview(
        organization=city.org_a, actor=None, content=xlsx_bytes(rows(2)), file_name="a.xlsx"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                importing.import_apply(batch=batch, actor=None)
                raise RuntimeError("the caller's transaction fails after the import")
        except RuntimeError:
            pass
    assert callbacks == [] and files(settings) == [batch.file_path.split("/")[-1]]


def test_a_file_with_bad_rows_is_not_kept(city, as_role, settings):
    data = rows(3)
    data[1][2] = "12345"
    upload(as_role("org_admin"), city.org_a, csv_bytes(data), name="bad.csv")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and batch.error_row_count == 1
    assert files(settings) == []


def test_rows_that_fail_at_the_confirmation_take_the_file_with_them(
    city, as_role, settings, django_capture_on_commit_callbacks
):
    client = as_role("org_admin")
    data = rows(3)
    upload(client, city.org_a, xlsx_bytes(data))
    batch = ImportBatch.objects.get()
    User.objects.create_user(data[1][2], "x-Password-1")  # someone registered that phone meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, batch).status_code == 422
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert files(settings) == []


def test_the_same_bytes_uploaded_twice_are_two_files(
    city, as_role, settings, django_capture_on_commit_callbacks
):
    client = as_role("org_admin")
    content = xlsx_bytes(rows(2))
    upload(client, city.org_a, content)
    upload(client, city.org_a, content)
    first, second = ImportBatch.objects.order_by("id")
    assert first.file_path != second.file_path and len(files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, first).status_code == 302
    assert files(settings) == [second.file_path.split("/")[-1]]
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, second).status_code == 302  # nothing new, but it still works
    assert files(settings) == []


def test_an_old_shared_file_stays_while_another_batch_waits_on_it(
    city, settings, django_capture_on_commit_callbacks
):
    """Before each batch had its own file, batches with the same bytes shared `imports/<sha>.<kind>`."""
    content = xlsx_bytes(rows(2))
    a = importing.import_preview(organization=city.org_a, actor=None, content=content, file_name="a.xlsx")
    b = importing.import_preview(organization=city.org_a1, actor=None, content=content, file_name="a.xlsx")
    shared = f"imports/{a.sha256}.xlsx"
    os.replace(settings.VAR_DIR / a.file_path, settings.VAR_DIR / shared)
    (settings.VAR_DIR / b.file_path).unlink()
    ImportBatch.objects.filter(pk__in=[a.pk, b.pk]).update(file_path=shared)
    a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_apply(batch=a, actor=None)
    assert files(settings) == [f"{a.sha256}.xlsx"]
    b.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_apply(batch=b, actor=None)
    assert files(settings) == []


def test_the_command_import_keeps_no_file(city, settings, tmp_path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(xlsx_bytes(rows(2)))
    call_command("import_volunteers", str(path), "--org", "TA", stdout=io.StringIO())
    assert ImportBatch.objects.get().status == ImportBatch.Status.APPLIED
    assert files(settings) == []


# --- the purge of unconfirmed files ---------------------------------------------------------------


def test_purge_deletes_files_older_than_a_day_only(city, settings):
    old = importing.import_preview(
        organization=city.org_a, actor=None, content=xlsx_bytes(rows(2)), file_name="old.xlsx"
    )
    age(settings, 25)
    (settings.VAR_DIR / "imports" / ".upload-half-written").write_bytes(b"x")
    age(settings, 25)
    new = importing.import_preview(
        organization=city.org_a, actor=None, content=xlsx_bytes(rows(2, start=10)), file_name="new.xlsx"
    )
    (settings.VAR_DIR / "imports" / "keep.txt").write_bytes(b"young")
    assert purge_expired() == 2
    assert files(settings) == sorted([new.file_path.split("/")[-1], "keep.txt"])
    assert (settings.VAR_DIR / old.file_path).exists() is False
    assert purge_expired() == 0  # twice is harmless


def test_the_retention_time_is_a_setting(city, settings):
    importing.import_preview(
        organization=city.org_a, actor=None, content=xlsx_bytes(rows(2)), file_name="a.xlsx"
    )
    age(settings, 3)
    assert purge_expired() == 0
    settings.HUIGUANG_IMPORT_FILE_TTL_HOURS = 2
    assert purge_expired() == 1


def test_purge_without_any_upload_yet(settings):
    assert purge_expired() == 0


def test_the_command_and_the_task(city, settings):
    importing.import_preview(
        organization=city.org_a, actor=None, content=xlsx_bytes(rows(2)), file_name="a.xlsx"
    )
    age(settings, 48)
    out = io.StringIO()
    call_command("purge_import_files", stdout=out)
    assert "1" in out.getvalue() and files(settings) == []
    out = io.StringIO()
    call_command("purge_import_files", "--enqueue", stdout=out)  # tests run tasks immediately
    assert "enqueued task" in out.getvalue()
    assert purge_import_files.call() == {"deleted": 0}


def test_confirming_after_the_purge_asks_to_upload_again(city, as_role, settings):
    client = as_role("org_admin")
    upload(client, city.org_a, xlsx_bytes(rows(3)))
    batch = ImportBatch.objects.get()
    age(settings, 25)
    call_command("purge_import_files", stdout=io.StringIO())
    page = client.get(reverse("volunteers:import_preview", args=[batch.pk]))
    assert page.status_code == 200
    response = confirm(client, batch)
    assert response.status_code == 409
    assert GONE in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert not Volunteer.objects.filter(user__phone__startswith="137").exists()
