"""One rule for hours on every surface (core.formatting): half up to one decimal from the minutes,
and a total is the sum of the minutes, formatted once — never the sum of rounded rows.

15 minutes is 0.3 h on my hours, the console's hours of a volunteer, the pending records page, the
API, the .xlsx export and the certificate PDF; three 15-minute records total 0.8 h (45 min), not
0.9 (3 × 0.3); 10 + 20 + 30 minutes total 1.0 h."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from huiguang.ledger import pdf
from huiguang.ledger.services import certificates
from huiguang.ledger.services.records import records_confirm

from .. import factories
from ..conftest import login_client
from .conftest import attended_record, make_activity

pytestmark = pytest.mark.django_db


def _records(city, minutes: list[int], *, confirm: bool = True):
    """A new member of org A (no other hours) with one attendance record per entry of `minutes`,
    each on its own one-hour shift of a finished activity."""
    volunteer = factories.member(city.org_a)
    starts = (timezone.now() - dt.timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)
    activity = make_activity(city.org_a, starts_at=starts, hours=len(minutes))
    records = []
    for i, count in enumerate(minutes):
        shift = factories.make_shift(
            activity,
            name=f"第{i + 1}班",
            starts_at=starts + dt.timedelta(hours=i),
            ends_at=starts + dt.timedelta(hours=i + 1),
            capacity=10,
        )
        records.append(
            attended_record(shift, volunteer, actor=city.users["org_admin"], minutes=count, confirm=confirm)
        )
    return volunteer, records


def _summary(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="(credit-hours|honor-hours|total-hours)">([^<]*)<', html))


def _record_hours(html: str) -> list[str]:
    """The hours of each record on my hours / a volunteer's hours (the list's big figure)."""
    return re.findall(r'data-record="\d+">.*?<div class="fs-5 fw-bold">([^<]*)</div>', html, re.S)


def _xlsx_hours(response) -> list:
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    column = rows[0].index("时长（小时）")
    return [row[column] for row in rows[1:]]


def _certificate_text(city, volunteer, tmp_path) -> str:
    cert = certificates.certificate_request(volunteer=volunteer, issuer=city.org_a, all_organizations=False)
    cert = certificates.certificate_issue(actor=city.users["org_admin"], certificate=cert)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf.certificate_pdf(cert))
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return "".join(text.split())


def test_a_15_minute_record_is_0_3_hours_on_every_surface(city, tmp_path):
    volunteer, [record] = _records(city, [15], confirm=False)
    assert record.minutes == 15

    # The pending records page, before the organization confirms.
    admin = login_client(city.users["org_admin"])
    pending = admin.get(reverse("ledger:pending")).content.decode()
    hours_cell = r'<td class="text-end text-nowrap" data-testid="hours">0\.3 h'
    assert re.search(rf'value="{record.pk}".*?{hours_cell}', pending, re.S)
    assert records_confirm(actor=city.users["org_admin"], ids=[record.pk]) == 1

    me = login_client(volunteer.user)
    mine = me.get(reverse("ledger:my_hours")).content.decode()
    assert _summary(mine) == {"credit-hours": "0.3", "honor-hours": "0.0", "total-hours": "0.3"}
    assert _record_hours(mine) == ["0.3"]

    console = admin.get(reverse("ledger:volunteer_hours", args=[volunteer.pk])).content.decode()
    assert _summary(console) == {"credit-hours": "0.3", "honor-hours": "0.0", "total-hours": "0.3"}
    assert _record_hours(console) == ["0.3"]

    api = me.get("/api/v1/me/hours").json()
    assert api["total_minutes"] == 15 and api["total_hours"] == 0.3 and api["credit_hours"] == 0.3
    assert [r["hours"] for r in me.get("/api/v1/me/records").json()["items"]] == [0.3]

    assert _xlsx_hours(me.get(reverse("ledger:my_hours_export"))) == [0.3]
    assert _xlsx_hours(admin.get(reverse("ledger:volunteer_hours_export", args=[volunteer.pk]))) == [0.3]

    text = _certificate_text(city, volunteer, tmp_path)
    assert "累计志愿服务时长0.3小时" in text and "信用时数0.3小时" in text


@pytest.mark.parametrize(
    "minutes,row_hours,total",
    [
        ([15, 15, 15], ["0.3", "0.3", "0.3"], "0.8"),  # 45 min = 0.75 h: 0.8, not 3 × 0.3 = 0.9
        ([10, 20, 30], ["0.2", "0.3", "0.5"], "1.0"),  # 60 min: 1.0, the rounded rows add to 1.0 too
    ],
)
def test_totals_are_summed_in_minutes_then_formatted(city, tmp_path, minutes, row_hours, total):
    volunteer, _ = _records(city, minutes)
    me = login_client(volunteer.user)
    admin = login_client(city.users["org_admin"])

    for html in (
        me.get(reverse("ledger:my_hours")).content.decode(),
        admin.get(reverse("ledger:volunteer_hours", args=[volunteer.pk])).content.decode(),
    ):
        assert _summary(html) == {"credit-hours": total, "honor-hours": "0.0", "total-hours": total}
        assert sorted(_record_hours(html)) == row_hours

    api = me.get("/api/v1/me/hours").json()
    assert api["total_minutes"] == sum(minutes)
    assert str(api["total_hours"]) == total and str(api["credit_hours"]) == total
    assert sorted(str(r["hours"]) for r in me.get("/api/v1/me/records").json()["items"]) == row_hours

    assert sorted(str(h) for h in _xlsx_hours(me.get(reverse("ledger:my_hours_export")))) == row_hours

    text = _certificate_text(city, volunteer, tmp_path)
    assert f"累计志愿服务时长{total}小时" in text and f"信用时数{total}小时" in text
