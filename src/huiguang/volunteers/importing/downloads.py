"""Files the import hands out: the template to fill in and the report of bad rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from huiguang.core.masking import safe_cell
from huiguang.network.models import Region

from ..selectors import region_code_list
from .columns import COLUMNS, NO, POLITICAL_CHOICES, TEMPLATE_HEADERS, YES
from .files import max_bytes, max_rows


def _xlsx_bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    """The import template: the header row, text-formatted number columns, drop-down lists, and
    sheets with instructions and the region codes."""
    wb = Workbook()
    ws = wb.active
    ws.title = gettext("Volunteers")[:31]
    ws.append(TEMPLATE_HEADERS)
    bold, red = Font(bold=True), Font(bold=True, color="C8102E")
    fill = PatternFill("solid", fgColor="FFF2CC")
    last_row = max_rows() + 1
    widths = {
        "real_name": 12,
        "id_number": 22,
        "phone": 15,
        "region_code": 16,
        "political_status": 12,
        "is_student": 10,
        "school": 24,
        "occupation": 16,
        "is_new_resident": 10,
    }
    for index, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill = (red if col.required else bold), fill
        letter = cell.column_letter
        ws.column_dimensions[letter].width = widths[col.key]
        # Text, so that Excel keeps all 18 characters of an ID number and the leading digits of codes.
        ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"
    letters = {col.key: ws.cell(row=1, column=i).column_letter for i, col in enumerate(COLUMNS, start=1)}
    political = DataValidation(type="list", formula1='"群众,共青团员,中共党员"', allow_blank=True)
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    ws.add_data_validation(political)
    ws.add_data_validation(yes_no)
    political.add(f"{letters['political_status']}2:{letters['political_status']}{last_row}")
    for key in ("is_student", "is_new_resident"):
        yes_no.add(f"{letters[key]}2:{letters[key]}{last_row}")

    notes = wb.create_sheet(gettext("Instructions")[:31])
    notes.column_dimensions["A"].width = 100
    lines = [
        gettext("How to fill in this template"),
        gettext(
            "1. Only the first sheet is read: one row per volunteer below the header row; "
            "keep the header row."
        ),
        gettext("2. Required columns (in red): %(columns)s.")
        % {"columns": "、".join(c.header for c in COLUMNS if c.required)},
        gettext("3. ID number: the 18-character resident ID number; keep the column formatted as text."),
        gettext("4. Mobile number: 11 digits; each person needs their own number."),
        gettext(
            "5. Region code: the code of the village, community or street where the person lives, from the "
            'sheet "Region codes".'
        ),
        gettext(
            "6. Political status: %(choices)s (empty means 群众). "
            "Student and new resident: %(yes)s or %(no)s."
        )
        % {"choices": POLITICAL_CHOICES, "yes": YES, "no": NO},
        gettext("7. At most %(rows)d rows and %(size)s per file.")
        % {"rows": max_rows(), "size": filesizeformat(max_bytes())},
        gettext(
            "8. A person who is already registered is added to your organization and not registered again; "
            "importing the same file twice changes nothing."
        ),
        gettext(
            "9. If any row is wrong, nothing is imported: download the error report, fix those rows and "
            "upload the file again."
        ),
        gettext(
            "10. Imported volunteers log in with their mobile number after setting a password through "
            '"forgot password".'
        ),
    ]
    for line in lines:
        notes.append([line])
    notes["A1"].font = bold

    codes = wb.create_sheet(gettext("Region codes")[:31])
    codes.append([gettext("Region code"), gettext("Name"), gettext("Level")])
    for cell in codes[1]:
        cell.font = bold
    codes.column_dimensions["A"].width = 16
    codes.column_dimensions["B"].width = 30
    levels = dict(Region.Level.choices)
    for code, name, level in region_code_list():
        codes.append([code, name, str(levels.get(level, level))])
    for row in codes.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "@"
    return _xlsx_bytes(wb)


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(TEMPLATE_HEADERS)
    # The BOM makes Excel open a UTF-8 CSV with the Chinese headers intact.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_rows(errors: Iterable[dict]) -> Iterator[list]:
    yield [gettext("Row"), gettext("Column"), gettext("Value"), gettext("Problem")]
    for e in errors:
        yield [
            safe_cell(e.get("row")),
            safe_cell(e.get("column", "")),
            safe_cell(e.get("value", "")),
            safe_cell(e.get("message", "")),
        ]


def report_xlsx(errors: Iterable[dict]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(gettext("Errors")[:31])
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 24
    ws.column_dimensions["D"].width = 80
    for row in report_rows(errors):
        ws.append(row)
    return _xlsx_bytes(wb)


def report_csv(errors: Iterable[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in report_rows(errors):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
