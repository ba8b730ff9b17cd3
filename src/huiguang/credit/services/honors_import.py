"""Honors from an .xlsx (表彰名单): every bad row is reported and none is written, or all are.

Columns (the template, `honors_template_xlsx`): volunteer number, organization code or project
(its name, or its number: the id in the project page's address) — exactly one of them —, title,
level (市级/省级/国家级 or city/province/national), issuer, date, citation. The file
is checked like the volunteers' import (type by content, zip-bomb limits: volunteers.importing).
Evidence files are attached one by one on the honor's page, not in the sheet.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from huiguang.core.audit import audit_log
from huiguang.core.errors import Refused
from huiguang.network.models import Organization
from huiguang.projects.models import Project
from huiguang.volunteers.importing.columns import cell_text, header_key
from huiguang.volunteers.importing.files import check_size, detect_kind
from huiguang.volunteers.models import Volunteer

from ..models import Honor
from ..permissions import may_manage_credit
from .honors import honor_fields_check, one_recipient_message

MAX_ROWS = 2000
COLUMNS = [
    ("volunteer_number", gettext_lazy("Volunteer number"), ("志愿者编号",)),
    ("organization_code", gettext_lazy("Organization code"), ("组织编码", "组织代码")),
    ("project", gettext_lazy("Project"), ("项目", "项目名称", "项目编号")),
    ("title", gettext_lazy("Title"), ("称号", "荣誉称号")),
    ("level", gettext_lazy("Level"), ("级别",)),
    ("issuer", gettext_lazy("Issuer"), ("颁发单位",)),
    ("awarded_on", gettext_lazy("Date"), ("日期", "表彰日期")),
    ("citation", gettext_lazy("Citation"), ("事迹", "表彰事迹")),
]
LEVEL_WORDS = {
    "city": "city",
    "市级": "city",
    "市": "city",
    "province": "province",
    "省级": "province",
    "省": "province",
    "national": "national",
    "国家级": "national",
    "全国": "national",
}


@dataclass
class HonorRowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class HonorsInvalid(Exception):
    def __init__(self, errors: list[HonorRowError]):
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors


def honors_template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Honors")
    ws.append([str(label) for _key, label, _aliases in COLUMNS])
    ws.append(
        ["330482202600000001", "", "", "优秀志愿者", "市级", "平湖市文明办", "2026-03-05", "长期坚持社区服务"]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _headers(cells: list) -> dict[str, int]:
    lookup = {}
    for key, label, aliases in COLUMNS:
        for name in (key, str(label), *aliases):
            lookup[header_key(name)] = key
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        found_key = lookup.get(header_key(cell_text(cell)))
        if found_key is not None and found_key not in found:
            found[found_key] = index
    return found


def _rows(content: bytes) -> tuple[dict[str, int], list[tuple[int, list]]]:
    check_size(len(content))
    if detect_kind(content) != "xlsx":
        raise Refused("WRONG_TYPE", _("Upload an Excel workbook (.xlsx)."))
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        raw = [list(r) for r in sheet.iter_rows()]
    except Exception:  # noqa: BLE001 - any parser failure on untrusted bytes means "unreadable"
        raise Refused("DAMAGED", _("This Excel workbook cannot be read.")) from None
    numbered = [(i + 1, r) for i, r in enumerate(raw) if any(cell_text(c) for c in r)]
    if not numbered:
        raise Refused("EMPTY", _("The file is empty."))
    positions = _headers(numbered[0][1])
    missing = [
        str(label)
        for key, label, _a in COLUMNS
        if key in ("title", "level", "issuer", "awarded_on") and key not in positions
    ]
    if missing or not ({"volunteer_number", "organization_code", "project"} & set(positions)):
        raise Refused(
            "MISSING_COLUMNS",
            _("The first row must hold the columns of the template: download it and copy your data into it."),
        )
    rows = numbered[1:]
    if not rows:
        raise Refused("EMPTY", _("The file holds no honors below the header row."))
    if len(rows) > MAX_ROWS:
        raise Refused("TOO_MANY_ROWS", _("At most %(n)d honors per file.") % {"n": MAX_ROWS})
    return positions, rows


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(cell_text(value).replace("/", "-").replace(".", "-"))
    except ValueError:
        return None


def _projects(refs: set[str]) -> tuple[dict[str, Project], set[str]]:
    """The projects the sheet names, by number (digits) or by name, in two queries:
    ({name or number as written: project}, the names several projects share)."""
    found: dict[str, Project] = {}
    ambiguous: set[str] = set()
    ids = {int(r) for r in refs if r.isdigit() and len(r) < 12}
    for project in Project.objects.filter(pk__in=ids):
        found[str(project.pk)] = project
    names = {r for r in refs if r not in found}
    for project in Project.objects.filter(name__in=names).order_by("pk"):
        if project.name in found:
            ambiguous.add(project.name)
        found[project.name] = project
    for name in ambiguous:
        del found[name]
    return found, ambiguous


def honors_import(*, actor, content: bytes, request=None) -> list[Honor]:
    """All honors of the file, or HonorsInvalid listing every bad row (nothing written)."""
    if not may_manage_credit(actor):
        raise PermissionDenied
    positions, rows = _rows(content)
    labels = {key: str(label) for key, label, _a in COLUMNS}

    def cell(cells, key):
        i = positions.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    numbers = {cell_text(cell(r, "volunteer_number")) for _n, r in rows} - {""}
    codes = {cell_text(cell(r, "organization_code")) for _n, r in rows} - {""}
    volunteers = {v.volunteer_number: v for v in Volunteer.objects.filter(volunteer_number__in=numbers)}
    organizations = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    projects, ambiguous = _projects({cell_text(cell(r, "project")) for _n, r in rows} - {""})
    today = timezone.localdate()
    errors: list[HonorRowError] = []
    honors: list[Honor] = []
    for number, cells in rows:
        vnum, code = cell_text(cell(cells, "volunteer_number")), cell_text(cell(cells, "organization_code"))
        pref = cell_text(cell(cells, "project"))
        row_errors: list[HonorRowError] = []
        volunteer = volunteers.get(vnum) if vnum else None
        organization = organizations.get(code) if code else None
        project = projects.get(pref) if pref else None
        if sum((bool(vnum), bool(code), bool(pref))) != 1:
            row_errors.append(HonorRowError(number, labels["volunteer_number"], one_recipient_message()))
        elif vnum and volunteer is None:
            row_errors.append(
                HonorRowError(number, labels["volunteer_number"], _("No volunteer has this number."))
            )
        elif code and organization is None:
            row_errors.append(
                HonorRowError(number, labels["organization_code"], _("No organization has this code."))
            )
        elif pref and project is None:
            message = (
                _("Several projects have this name: give the project's number instead.")
                if pref in ambiguous
                else _("No project has this name or number.")
            )
            row_errors.append(HonorRowError(number, labels["project"], message))
        title = cell_text(cell(cells, "title"))[:200]
        level = LEVEL_WORDS.get(cell_text(cell(cells, "level")).lower(), "")
        issuer = cell_text(cell(cells, "issuer"))[:200]
        awarded_on = _date(cell(cells, "awarded_on"))
        checks = honor_fields_check(
            title=title, level=level, issuer=issuer, awarded_on=awarded_on, today=today
        )
        for key, messages in checks.items():
            row_errors += [HonorRowError(number, labels[key], m) for m in messages]
        errors += row_errors
        if not row_errors and awarded_on is not None:
            honors.append(
                Honor(
                    volunteer=volunteer,
                    organization=organization,
                    project=project,
                    title=title,
                    level=level,
                    issuer=issuer,
                    awarded_on=awarded_on,
                    citation=cell_text(cell(cells, "citation"))[:2000],
                    created_by=actor,
                )
            )
    if errors:
        raise HonorsInvalid(errors)
    with transaction.atomic():
        Honor.objects.bulk_create(honors, batch_size=500)
        audit_log(
            action="honor.import",
            actor=actor,
            request=request,
            rows=len(honors),
            projects=sum(1 for h in honors if h.project is not None),
        )
    return honors
