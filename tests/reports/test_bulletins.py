"""Bulletins: generated from the rollups, reviewed, published; a published bulletin never changes
and a later correction shows in the next bulletin's "corrections since" lines; no query ever
touches the ledger's table."""

import datetime as dt
import io
import re
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
from huiguang.reports.figures import section_lines
from huiguang.reports.models import Bulletin
from huiguang.reports.services.bulletins import (
    bulletin_files,
    bulletin_generate,
    bulletin_publish,
    bulletin_review,
    parse_month,
)

from .conftest import confirmed, make_shift, reverse_record


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
    town = next(x for x in section_lines(bulletin.snapshot["sections"]["town"]) if x["id"] == "330482001")
    assert town["values"]["hours"] == 3.0
    assert town["rank"]["hours"] == 1
    assert town["change"]["hours"] == 3.0
    assert bytes(bulletin.pdf) == bytes(bulletin.xlsx) == b""  # rendered when first needed
    bulletin = bulletin_review(actor=admin, bulletin=bulletin)
    bulletin = bulletin_publish(actor=admin, bulletin=bulletin)
    assert bulletin.status == "published" and bulletin.published_by == admin
    # What is published is the snapshot with its files, rendered at publication.
    assert bytes(bulletin.pdf).startswith(b"%PDF") and bytes(bulletin.xlsx).startswith(b"PK")
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
    reverse_record(record, org_admin)
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


def test_a_drafts_files_are_rendered_on_first_download_kept_and_dropped_when_generated_again(
    city, vol, org_admin, as_role
):
    served_last_month(city, vol, org_admin)
    admin = city.users["city_admin"]
    month = f"{last_month():%Y-%m}"
    bulletin_generate(actor=admin, month=last_month())
    response = as_role("city_admin").get(f"/console/bulletins/{month}/bulletin.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    kept = Bulletin.objects.get(month=last_month())
    assert bytes(kept.pdf) == response.content and bytes(kept.xlsx).startswith(b"PK")
    again = as_role("city_admin").get(f"/console/bulletins/{month}/bulletin.pdf")
    assert again.content == response.content  # served as kept, not rendered again
    bulletin_generate(actor=admin, month=last_month())
    assert bytes(Bulletin.objects.get(month=last_month()).pdf) == b""


def test_a_rendering_of_old_figures_is_not_kept_over_new_ones_nor_published(city, vol, org_admin):
    served_last_month(city, vol, org_admin)
    admin = city.users["city_admin"]
    stale = bulletin_generate(actor=admin, month=last_month())
    bulletin_generate(actor=admin, month=last_month())  # generated again while `stale` was open
    bulletin_files(stale)
    assert bytes(Bulletin.objects.get(month=last_month()).pdf) == b""
    with pytest.raises(Refused) as refused:
        bulletin_review(actor=admin, bulletin=stale)
    assert refused.value.reason == "REGENERATED"
    fresh = bulletin_review(actor=admin, bulletin=Bulletin.objects.get(month=last_month()))
    assert fresh.status == "reviewed"


def test_the_xlsx_and_the_pdf_hold_the_figures(city, vol, org_admin):
    served_last_month(city, vol, org_admin)
    bulletin = bulletin_files(bulletin_generate(actor=city.users["city_admin"], month=last_month()))
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


def test_the_daily_task_generates_last_months_bulletin_once(city, vol, org_admin):
    from django.core.management import call_command

    served_last_month(city, vol, org_admin)
    out = io.StringIO()
    call_command("generate_bulletin", stdout=out)
    assert out.getvalue().strip() == f"bulletin {last_month():%Y-%m} generated"
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "draft" and bulletin.generated_by is None
    out = io.StringIO()
    call_command("generate_bulletin", stdout=out)
    assert out.getvalue().strip() == "nothing to generate"
    assert Bulletin.objects.count() == 1


def published_bulletin(city, vol, org_admin) -> Bulletin:
    served_last_month(city, vol, org_admin)
    admin = city.users["city_admin"]
    bulletin = bulletin_generate(actor=admin, month=last_month())
    bulletin_review(actor=admin, bulletin=bulletin)
    return bulletin_publish(actor=admin, bulletin=bulletin)


def test_a_town_admin_sees_the_towns_line_and_its_villages_only(city, vol, org_admin, as_role):
    bulletin = published_bulletin(city, vol, org_admin)
    month = f"{bulletin.month:%Y-%m}"
    page = as_role("town_admin").get(f"/console/bulletins/{month}/").content.decode()
    assert 'data-unit="330482001"' in page and 'data-unit="330482001001"' in page
    assert 'data-unit="330482103"' not in page
    assert 'id="city-figures"' not in page  # the city's line is not theirs
    lines = as_role("town_admin").get(f"/api/v1/bulletins/{month}/figures?unit_type=town").json()["lines"]
    assert [line["id"] for line in lines] == ["330482001"]
    assert lines[0]["values"]["hours"] == 3.0
    outsider = as_role("outsider").get(f"/api/v1/bulletins/{month}/figures?unit_type=town").json()
    assert [line["id"] for line in outsider["lines"]] == ["330482103"]
    public = as_role("anonymous").get(f"/api/v1/bulletins/{month}/figures?unit_type=town").json()
    assert {line["id"] for line in public["lines"]} == {"330482001", "330482103"}
    city_page = as_role("city_admin").get(f"/console/bulletins/{month}/").content.decode()
    assert 'id="city-figures"' in city_page and 'data-unit="330482103"' in city_page


def test_list_pages_and_endpoint_queries_do_not_grow(city, as_role, assert_queries_constant):
    def more():
        start = Bulletin.objects.order_by("month").values_list("month", flat=True).first() or last_month()
        for i in range(1, 6):
            month = (start - dt.timedelta(days=31 * i)).replace(day=1)
            Bulletin.objects.create(month=month, status="published", generated_at=timezone.now())

    more()
    admin = as_role("city_admin")
    assert_queries_constant(lambda: admin.get("/console/bulletins/"), more)
    assert_queries_constant(lambda: as_role("anonymous").get("/bulletins/"), more)
    assert_queries_constant(lambda: as_role("anonymous").get("/api/v1/bulletins"), more)


def test_a_published_bulletin_cannot_be_saved_over(city, vol, org_admin):
    from huiguang.reports.models.bulletins import PublishedBulletinError

    bulletin = published_bulletin(city, vol, org_admin)
    bulletin.snapshot = {}
    with pytest.raises(PublishedBulletinError):
        bulletin.save()
    assert Bulletin.objects.get().snapshot["sections"]


def test_a_bulletin_kept_with_figures_by_measure_key_still_reads_the_same(city, vol, org_admin, as_role):
    """Snapshots keep each line's figures as lists in the order of the section's measures; those
    published before kept them as {measure key: figure}: both read the same, page and API."""
    bulletin = published_bulletin(city, vol, org_admin)
    month = f"{bulletin.month:%Y-%m}"

    def page() -> str:  # the page without its CSRF token, new on every request
        return re.sub(
            r'(CSRFToken": "|value=")[A-Za-z0-9]{64}',
            "",
            as_role("anonymous").get(f"/bulletins/{month}/").content.decode(),
        )

    new_page = page()
    new_api = as_role("anonymous").get(f"/api/v1/bulletins/{month}/figures?unit_type=town").json()
    town = bulletin.snapshot["sections"]["town"]
    assert isinstance(town["lines"][0]["values"], list) and len(town["lines"][0]["values"]) == len(
        town["measures"]
    )
    older = {**bulletin.snapshot}
    older["sections"] = {
        kind: {**data, "lines": section_lines(data)} for kind, data in bulletin.snapshot["sections"].items()
    }
    Bulletin.objects.filter(pk=bulletin.pk).update(snapshot=older)
    assert isinstance(Bulletin.objects.get().snapshot["sections"]["town"]["lines"][0]["values"], dict)
    assert page() == new_page and "330482001" in new_page
    assert as_role("anonymous").get(f"/api/v1/bulletins/{month}/figures?unit_type=town").json() == new_api
