"""Helpers of the import tests: valid rows, and the files (.xlsx, .csv) that carry them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from huiguang.core.id_card import make_id_number

HEADERS = ["姓名", "身份证号", "手机号", "居住地区代码", "政治面貌", "是否学生", "学校", "职业", "新居民"]


def id_number(i: int) -> str:
    """Distinct valid ID numbers (Haining's code, so they never meet the factories' Pinghu ones)."""
    return make_id_number("330481", dt.date(1980, 1, 1) + dt.timedelta(days=i // 999), i % 999 + 1)


def row(i: int, **changes) -> list:
    values = {
        "姓名": f"导入{chr(0x4E00 + i % 20000)}{chr(0x4E00 + (i // 20000) % 20000)}",
        "身份证号": id_number(i),
        "手机号": f"137{i:08d}",
        "居住地区代码": "330482001001",
        "政治面貌": ("群众", "共青团员", "中共党员")[i % 3],
        "是否学生": "是" if i % 2 else "否",
        "学校": "平湖中学" if i % 2 else "",
        "职业": "" if i % 2 else "教师",
        "新居民": "否",
    }
    values.update(changes)
    return [values[h] for h in HEADERS]


def rows(n: int, start: int = 0) -> list[list]:
    return [row(i) for i in range(start, start + n)]


def xlsx_bytes(data: list[list], headers: list[str] = HEADERS, title_rows: list[list] = ()) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("志愿者")
    for line in title_rows:
        ws.append(line)
    ws.append(headers)
    for line in data:
        ws.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(data: list[list], headers: list[str] = HEADERS, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(data)
    return out.getvalue().encode(encoding)


@pytest.fixture(autouse=True)
def _imports_under_tmp(settings, tmp_path):
    """Uploaded files are kept under VAR_DIR/imports: a throwaway directory per test."""
    settings.VAR_DIR = tmp_path
