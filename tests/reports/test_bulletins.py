"""Bulletins: generated from the rollups, reviewed, published; a published bulletin never changes
and a later correction shows in the next bulletin's "corrections since" lines; no query ever
touches the ledger's table."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.models import AuditEntry
from huiguang.ledger.services.records import record_append
from huiguang.reports.models import Bulletin
from huiguang.reports.services.bulletins import (
    bulletin_generate,
    bulletin_publish,
    bulletin_review,
    parse_month,
)

from .conftest import confirmed, make_shift


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def served_last_month(city, vol, org_admin):
    day = last_month() + dt.timedelta(days=9)
    return confirmed(make_shift(city.org_a, day=day, start=9, hours=3), vol, org_admin)


def test_generate_review_publish_with_audit_entries(city, vol, org_admin):
    served_last_month(city, vol, org_admin)
    admin = city.users["city_admin"]
    bulletin = bulletin_generate(actor=admin, month=last_month())
    assert bulletin.status == "draft"
    town = next(x for x in bulletin.snapshot["sections"]["town"]["lines"] if x["id"] == "330482001")
    assert town["values"]["hours"] == 3.0
    assert town["rank"]["hours"] == 1
    assert town["change"]["hours"] == 3.0
    assert bytes(bulletin.pdf).startswith(b"%PDF")
    bulletin = bulletin_review(actor=admin, bulletin=bulletin)
    bulletin = bulletin_publish(actor=admin, bulletin=bulletin)
    assert bulletin.status == "published" and bulletin.published_by == admin
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"bulletin.generate", "bulletin.review", "bulletin.publish"} <= actions


def test_only_the_city_admin_writes_and_statuses_move_one_way(city, vol, org_admin):
    with pytest.raises(PermissionDenied):
        bulletin_generate(actor=city.users["town_admin"], month=last_month())
    bulletin = bulletin_generate(actor=city.users["city_admin"], month=last_month())
    with pytest.raises(Refused):
        bulletin_publish(actor=city.users["city_admin"], bulletin=bulletin)  # not reviewed yet
    with pytest.raises(PermissionDenied):
        bulletin_review(actor=city.users["auditor"], bulletin=bulletin)


@pytest.mark.parametrize("text", ["", "2026", "2026-13", "abc", "1999-01", "2999-01"])
def test_a_month_must_be_a_past_month(text):
    with pytest.raises(FieldErrors):
        parse_month(text)


def test_the_published_snapshot_does_not_change_after_a_later_correction(city, vol, org_admin):
    record = served_last_month(city, vol, org_admin)
    admin = city.users["city_admin"]
    bulletin = bulletin_generate(actor=admin, month=last_month())
    bulletin_review(actor=admin, bulletin=bulletin)
    bulletin = bulletin_publish(actor=admin, bulletin=bulletin)
    published = (bulletin.snapshot, bytes(bulletin.pdf), bytes(bulletin.xlsx))
    record_append(
        actor=org_admin,
        volunteer=vol,
        organization=city.org_a,
        kind="reversal",
        source="correction",
        minutes=-record.minutes,
        service_date=record.service_date,
        reverses=record,
        fields={"activity_name": record.activity_name},
    )
    with pytest.raises(Refused):
        bulletin_generate(actor=admin, month=last_month())
    bulletin.refresh_from_db()
    assert (bulletin.snapshot, bytes(bulletin.pdf), bytes(bulletin.xlsx)) == published
    # The next month's bulletin says what changed since.
    this_month = timezone.localdate().replace(day=1)
    following = Bulletin.objects.create(month=this_month, generated_at=timezone.now())
    from huiguang.reports.figures import bulletin_figures

    corrections = bulletin_figures(this_month)["corrections"]
    assert corrections == [
        {
            "month": f"{last_month():%Y-%m}",
            "published": {"hours": 3.0, "participations": 1, "active": 1},
            "now": {"hours": 0.0, "participations": 0, "active": 0},
        }
    ]
    following.delete()


def test_generation_and_pages_never_query_the_ledger_table(city, vol, org_admin, as_role):
    served_last_month(city, vol, org_admin)
    admin = city.users["city_admin"]
    with CaptureQueriesContext(connection) as queries:
        bulletin = bulletin_generate(actor=admin, month=last_month())
        bulletin_review(actor=admin, bulletin=bulletin)
        bulletin_publish(actor=admin, bulletin=bulletin)
        month = f"{last_month():%Y-%m}"
        for role, urls in {
            "city_admin": ["/console/bulletins/", f"/console/bulletins/{month}/"],
            "town_admin": [f"/console/bulletins/{month}/"],
            "anonymous": [
                "/bulletins/",
                f"/bulletins/{month}/",
                f"/api/v1/bulletins/{month}/figures?unit_type=town",
            ],
        }.items():
            client = as_role(role)
            for url in urls:
                assert client.get(url).status_code == 200, url
    assert queries.captured_queries
    assert not [q["sql"] for q in queries.captured_queries if "ledger_servicerecord" in q["sql"].lower()]


def test_the_xlsx_and_the_pdf_hold_the_figures(city, vol, org_admin):
    served_last_month(city, vol, org_admin)
    bulletin = bulletin_generate(actor=city.users["city_admin"], month=last_month())
    book = load_workbook(io.BytesIO(bytes(bulletin.xlsx)))
    sheet = book["镇（街道）"]
    rows = list(sheet.values)
    assert rows[0][0] == "单位"
    line = next(r for r in rows if r[0] == "当湖街道")
    assert line[rows[0].index("服务时长")] == 3.0
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=bytes(bulletin.pdf), capture_output=True, check=True
        ).stdout.decode()
        assert "志愿服务情况通报" in text
        assert "当湖街道" in text
