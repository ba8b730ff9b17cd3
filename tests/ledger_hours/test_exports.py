"""Exports: the 2012 记录办法 fields in Chinese, formulas neutralized, audited, scoped."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from huiguang.core.models import AuditEntry
from huiguang.ledger.services import corrections

from .conftest import attended_record, make_activity, make_shift

FIELDS_2012 = [
    "活动",
    "服务日期",
    "地点",
    "服务对象",
    "服务内容",
    "时长（小时）",
    "服务质量评价",
    "负责人",
    "记录人",
]


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


def test_my_export_has_the_2012_fields_and_neutralizes_formulas(city, scene, as_role):
    starts = scene.activity.starts_at - dt.timedelta(days=1)
    evil = make_activity(
        city.org_a, starts_at=starts, title='=HYPERLINK("http://evil.example","点我")', address="@SUM(A1)"
    )
    attended_record(make_shift(evil), scene.volunteer, actor=city.users["org_admin"], minutes=90)
    rows = _rows(as_role("volunteer").get(reverse("ledger:my_hours_export")))
    header = rows[0]
    for name in FIELDS_2012 + ["类型", "信用时数", "状态"]:
        assert name in header, name
    col = {name: header.index(name) for name in header}
    data = {r[col["活动"]]: r for r in rows[1:]}
    assert len(rows) == 3
    bad = data['\'=HYPERLINK("http://evil.example","点我")']
    assert bad[col["地点"]] == "'@SUM(A1)" and bad[col["时长（小时）"]] == 1.5
    good = data[scene.activity.title]
    assert good[col["服务对象"]] == "社区老人" and good[col["服务内容"]] == "量血压"
    assert good[col["服务质量评价"]] == "认真负责" and good[col["信用时数"]] == "是"
    assert good[col["状态"]] == "已确认" and good[col["时长（小时）"]] == 3.0
    assert not any(isinstance(c, str) and c[:1] in "=+-@" for r in rows for c in r)
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert (
        entry.actor == city.users["volunteer"]
        and entry.detail["what"] == "own_records"
        and entry.detail["rows"] == 2
    )


def test_export_shows_reversed_and_corrected_rows(city, scene, as_role):
    dispute = corrections.dispute_open(volunteer=scene.volunteer, record=scene.record, reason="x")
    corrections.dispute_accept(actor=city.users["org_admin"], dispute=dispute, minutes=120)
    rows = _rows(as_role("volunteer").get(reverse("ledger:my_hours_export")))
    header = rows[0]
    hours = sorted(r[header.index("时长（小时）")] for r in rows[1:])
    assert hours == [-3.0, 2.0, 3.0]
    assert "已冲销" in [r[header.index("状态")] for r in rows[1:]]


def test_organization_export_for_a_period(city, scene, as_role):
    # Org B's record (another organization, same day) is not in org A's export.
    b_activity = make_activity(city.org_b, starts_at=scene.activity.starts_at)
    attended_record(
        make_shift(b_activity), city.users["volunteer_b"].volunteer, actor=city.users["city_admin"]
    )
    url = reverse("ledger:records_export")
    today = timezone.localdate()
    params = {
        "organization": city.org_a.pk,
        "start": (today - dt.timedelta(days=10)).isoformat(),
        "end": today.isoformat(),
    }
    rows = _rows(as_role("org_admin").get(url, params))
    assert len(rows) == 2 and rows[1][rows[0].index("志愿者")] == scene.volunteer.real_name
    assert AuditEntry.objects.filter(action="export", detail__what="organization_records").exists()
    # A period without records: only the header.
    empty = {
        **params,
        "start": (today - dt.timedelta(days=100)).isoformat(),
        "end": (today - dt.timedelta(days=50)).isoformat(),
    }
    assert len(_rows(as_role("org_admin").get(url, empty))) == 1
    # An organization the user does not manage is not a choice: 422, no file.
    refused = as_role("outsider").get(url, params)
    assert refused.status_code == 422 and refused["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "role,status",
    [("volunteer", 404), ("leader", 404), ("auditor", 404), ("org_admin", 200), ("anonymous", 302)],
)
def test_organization_export_is_for_admins(city, scene, as_role, role, status):
    assert as_role(role).get(reverse("ledger:records_export")).status_code == status


@pytest.mark.parametrize("role,status", [("org_admin", 200), ("outsider", 404), ("volunteer_b", 404)])
def test_console_volunteer_export_is_scoped(city, scene, as_role, role, status):
    response = as_role(role).get(reverse("ledger:volunteer_hours_export", args=[scene.volunteer.pk]))
    assert response.status_code == status


def test_bad_period_is_a_clear_422(city, scene, as_role):
    url = reverse("ledger:records_export")
    response = as_role("org_admin").get(
        url, {"organization": city.org_a.pk, "start": "2026-05-01", "end": "2026-04-01"}
    )
    assert response.status_code == 422 and "结束日期不能早于开始日期" in response.content.decode()
    assert as_role("org_admin").get(url, {"organization": "x", "start": "nope", "end": ""}).status_code == 422
