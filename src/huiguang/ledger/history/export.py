"""The city's history written in the template format (`huiguang export_history DIR`), and the
empty templates with example rows that the console offers for download.

Volunteers are named by volunteer number and phone, never by ID number (the export leaves the
platform). A record's minutes are its net minutes: a reversed record is written with what its
reversals left of it (nothing when reversed whole), reversals themselves are not written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook

from huiguang.activities.models import Activity
from huiguang.network.models import Membership, Organization

from ..models import ServiceRecord
from .columns import ACTIVITIES, COLUMNS, KINDS, MEMBERSHIPS, ORGANIZATIONS, RECORDS, TEMPLATE_FILES
from .plan import ORG_KINDS, ROLES, TIERS

R = ServiceRecord
KIND_NAMES = {value: name for name, value in reversed(list(ORG_KINDS.items())) if name != value}
TIER_NAMES = {value: name for name, value in TIERS.items() if value}
ROLE_NAMES = {value: name for name, value in reversed(list(ROLES.items())) if name and name != value}
EXAMPLES = {
    ORGANIZATIONS: [
        ["T001", "平湖市志愿者协会", "", "330482", "协会", "总站", "张明", "0573-85011234"],
        ["T002", "当湖街道志愿服务队", "T001", "330482001", "团队", "分站", "李华", "13800000000"],
    ],
    MEMBERSHIPS: [["T002", "330482199001011234", "", "", "队长", "2019-03-05"]],
    ACTIVITIES: [
        [
            "A1001",
            "社区助老陪伴",
            "T002",
            "2023-05-01 09:00",
            "2023-05-01 11:30",
            "当湖街道养老中心",
            "助老服务",
        ]
    ],
    RECORDS: [
        [
            "",
            "330482199001011234",
            "",
            "",
            "T002",
            "A1001",
            "社区助老陪伴",
            "2023-05-01",
            "09:00",
            "11:30",
            "150",
            "",
            "陪伴聊天",
            "社区老人",
            "王芳",
        ],
        [
            "ZYH-889",
            "",
            "3304822019000123",
            "",
            "T002",
            "",
            "文明劝导",
            "2021/6/12",
            "",
            "",
            "",
            "2.5",
            "路口文明劝导",
            "",
            "",
        ],
    ],
}


def headers(kind: str) -> list[str]:
    return [c.header for c in COLUMNS[kind]]


def template_csv(kind: str) -> bytes:
    """The template of one kind: its header and example rows (UTF-8 with a BOM, as Excel likes)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers(kind))
    writer.writerows(EXAMPLES[kind])
    return out.getvalue().encode("utf-8-sig")


WORKBOOK_FILE = "历史数据导入模板.xlsx"


def template_xlsx() -> bytes:
    """The four templates in one Excel workbook, a sheet per kind named as its file (组织, 成员,
    活动, 服务记录), every cell text (ID numbers and phones keep their digits): filled in and
    uploaded as it is, the import reads each sheet as its kind."""
    wb = Workbook(write_only=True)
    for kind in KINDS:
        ws = wb.create_sheet(Path(TEMPLATE_FILES[kind]).stem)
        ws.append(headers(kind))
        for example in EXAMPLES[kind]:
            ws.append(example)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write(path: Path, kind: str, rows: Iterable[list]) -> int:
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers(kind))
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _clock(value) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def organization_rows():
    orgs = Organization.objects.select_related("parent", "region").order_by("path")
    for org in orgs.iterator(chunk_size=2000):
        yield [
            org.code,
            org.name,
            org.parent.code if org.parent else "",
            org.region.code,
            KIND_NAMES.get(org.kind, org.kind),
            TIER_NAMES.get(org.tier, ""),
            org.contact_name,
            org.contact_phone,
        ]


def membership_rows():
    members = (
        Membership.objects.filter(status=Membership.Status.ACTIVE)
        .order_by("pk")
        .values_list(
            "organization__code",
            "volunteer__volunteer_number",
            "volunteer__user__phone",
            "role",
            "decided_at",
        )
    )
    for code, number, phone, role, decided in members.iterator(chunk_size=5000):
        yield [code, "", number, phone or "", ROLE_NAMES.get(role, role), _local(decided)[:10]]


def activity_rows():
    activities = Activity.objects.order_by("pk").values_list(
        "pk", "title", "organization__code", "starts_at", "ends_at", "address", "category__name"
    )
    for pk, title, code, starts, ends, place, category in activities.iterator(chunk_size=5000):
        yield [f"A{pk}", title, code, _local(starts), _local(ends), place, category]


def record_rows():
    reversed_minutes = (
        R.objects.filter(reverses=OuterRef("pk"), status=R.Status.CONFIRMED)
        .order_by()
        .values("reverses")
        .annotate(n=Sum("minutes"))
        .values("n")
    )
    records = (
        R.objects.filter(status=R.Status.CONFIRMED)
        .exclude(kind=R.Kind.REVERSAL)
        .annotate(taken=Coalesce(Subquery(reversed_minutes, output_field=IntegerField()), Value(0)))
        .order_by("volunteer_id", "chain_index")
        .values_list(
            "pk",
            "volunteer__volunteer_number",
            "volunteer__user__phone",
            "organization__code",
            "activity_id",
            "activity_name",
            "service_date",
            "started_at",
            "ended_at",
            "minutes",
            "taken",
            "content",
            "recipients",
            "recorder",
        )
    )
    for (
        pk,
        number,
        phone,
        code,
        activity,
        name,
        day,
        started,
        ended,
        minutes,
        taken,
        content,
        recipients,
        recorder,
    ) in records.iterator(chunk_size=5000):
        net = minutes + taken
        if net <= 0:
            continue
        whole = taken == 0
        yield [
            f"R{pk}",
            "",
            number,
            phone or "",
            code,
            f"A{activity}" if activity else "",
            name,
            day.isoformat(),
            _clock(started) if whole else "",
            _clock(ended) if whole else "",
            net,
            "",
            content,
            recipients,
            recorder,
        ]


def history_export(directory: Path) -> dict[str, int]:
    """Write 组织.csv, 成员.csv, 活动.csv and 服务记录.csv into `directory`; rows written by kind."""
    directory.mkdir(parents=True, exist_ok=True)
    writers = {
        ORGANIZATIONS: organization_rows,
        MEMBERSHIPS: membership_rows,
        ACTIVITIES: activity_rows,
        RECORDS: record_rows,
    }
    return {kind: _write(directory / TEMPLATE_FILES[kind], kind, rows()) for kind, rows in writers.items()}
