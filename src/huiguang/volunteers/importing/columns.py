"""The template's columns and how a file's header row is matched to them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import Volunteer
from .errors import ImportRefused


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's (Chinese) header
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int = 0


COLUMNS = (
    Column("real_name", "姓名", ("name", "real name", "real_name", "真实姓名"), required=True),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "身份证", "公民身份号码", "id number", "id_number", "id card"),
        required=True,
    ),
    Column(
        "phone", "手机号", ("手机号码", "手机", "联系电话", "phone", "mobile", "mobile number"), required=True
    ),
    Column(
        "region_code", "居住地区代码", ("地区代码", "居住地代码", "region code", "region_code"), required=True
    ),
    Column("political_status", "政治面貌", ("political status", "political_status")),
    Column("is_student", "是否学生", ("学生", "student", "is_student")),
    Column("school", "学校", ("school",), max_length=120),
    Column("occupation", "职业", ("occupation",), max_length=64),
    Column("is_new_resident", "新居民", ("是否新居民", "new resident", "new_resident", "is_new_resident")),
)
TEMPLATE_HEADERS = [c.header for c in COLUMNS]
YES, NO = "是", "否"
POLITICAL_CHOICES = "群众 / 共青团员 / 中共党员"
POLITICAL = {
    "群众": Volunteer.Political.MASSES,
    "共青团员": Volunteer.Political.LEAGUE,
    "团员": Volunteer.Political.LEAGUE,
    "中共党员": Volunteer.Political.PARTY,
    "中共预备党员": Volunteer.Political.PARTY,
    "党员": Volunteer.Political.PARTY,
    "预备党员": Volunteer.Political.PARTY,
    "其他": Volunteer.Political.OTHER,
    **{value: value for value in Volunteer.Political.values},
}
BOOLEANS = {
    YES: True,
    NO: False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}


def header_key(text: str) -> str:
    """'身份证号 *' / 'ID number (required)' → comparable key."""
    text = re.sub(r"[（(](?:必填|选填|required|optional)[)）]", "", str(text or ""), flags=re.IGNORECASE)
    return re.sub(r"[\s*＊:：]", "", text).lower()


COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADER_LOOKUP = {header_key(name): col for col in COLUMNS for name in (col.header, *col.aliases)}


def map_headers(cells: list) -> tuple[dict[str, int], dict[str, str]]:
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, cell in enumerate(cells):
        col = HEADER_LOOKUP.get(header_key(cell_text(cell)))
        if col is None:
            continue  # a column of the organization's own (class, department number...): ignored
        if col.key in positions:
            raise ImportRefused(
                "DUPLICATE_COLUMN",
                _("The column %(column)s appears twice in the first row.") % {"column": col.header},
            )
        positions[col.key] = index
        headers[col.key] = cell_text(cell)[:40]
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise ImportRefused(
            "MISSING_COLUMNS",
            _(
                "The first row must hold the column names of the template; missing: "
                "%(columns)s. Download the template and copy your data into it."
            )
            % {"columns": "、".join(missing)},
        )
    return positions, headers


def cell_text(value) -> str:
    if type(value) is str:  # most cells: the other types' tests are not needed
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()
