"""Files that are not what they claim, zip bombs and over-limit files are refused with a clear
message before any parser trusts them; the template and the error report are safe to open."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from huiguang.accounts.models import User
from huiguang.volunteers import importing
from huiguang.volunteers.importing.files import MAX_ZIP_MEMBERS
from huiguang.volunteers.models import Volunteer

from .conftest import HEADERS, csv_bytes, rows, xlsx_bytes

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)


def refused(content: bytes, name: str) -> importing.ImportRefused:
    with pytest.raises(importing.ImportRefused) as exc:
        importing.read_upload(content, name)
    return exc.value


def workbook_zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


MINIMAL = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
}


@pytest.mark.parametrize("name", ["volunteers.xlsx", "volunteers.csv"])
def test_renamed_program_is_refused(db, name):
    error = refused(EXE, name)
    assert error.reason == "NOT_WHAT_IT_CLAIMS"
    assert "程序" in str(error.message)


def test_other_extensions_and_old_excel_are_refused(db):
    assert refused(EXE, "volunteers.exe").reason == "WRONG_TYPE"
    assert refused(b"a,b\n", "volunteers.txt").reason == "WRONG_TYPE"
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls").reason == "OLD_EXCEL"
    assert (
        refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "protected.xlsx").reason == "OLD_EXCEL"
    )


def test_csv_named_xlsx_and_workbook_named_csv_are_refused(db):
    assert "CSV" in str(refused(csv_bytes(rows(1)), "a.xlsx").message)
    assert refused(xlsx_bytes(rows(1)), "a.csv").reason == "NOT_WHAT_IT_CLAIMS"


def test_zip_that_is_not_a_workbook_is_refused(db):
    content = workbook_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"})
    assert refused(content, "a.xlsx").reason == "NOT_WHAT_IT_CLAIMS"


def test_zip_bomb_is_refused_before_parsing(db):
    bomb = workbook_zip({**MINIMAL, "xl/worksheets/sheet1.xml": b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>"})
    assert len(bomb) < 200 * 1024
    error = refused(bomb, "bomb.xlsx")
    assert error.reason == "ZIP_BOMB"
    assert "zip" in str(error.message).lower()


def test_zip_with_too_many_members_is_refused(db):
    parts = {**MINIMAL, **{f"xl/media/{i}.bin": b"x" for i in range(MAX_ZIP_MEMBERS + 1)}}
    assert refused(workbook_zip(parts), "many.xlsx").reason == "ZIP_BOMB"


def test_part_that_lies_about_its_size_is_refused(db):
    content = bytearray(workbook_zip({**MINIMAL, "xl/worksheets/sheet1.xml": b"<a>" + b"x" * 5000 + b"</a>"}))
    # Shrink the declared uncompressed size in the central directory: the real data is bigger.
    central = content.rfind(b"PK\x01\x02")
    content[central + 24 : central + 28] = (100).to_bytes(4, "little")
    assert refused(bytes(content), "liar.xlsx").reason in {"DAMAGED", "ZIP_BOMB"}


def test_cell_far_away_is_refused_before_the_reader_allocates_the_grid(db):
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    error = refused(workbook_zip({**MINIMAL, "xl/worksheets/sheet1.xml": sheet}), "sparse.xlsx")
    assert error.reason == "TOO_MANY_ROWS"


SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    b' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
)


@pytest.mark.parametrize(
    ("far_cell", "reason"),
    [
        (b"<c r='XFD1048576' t=\"inlineStr\">", "TOO_MANY_ROWS"),  # single quotes
        (b'<c t="inlineStr" r="XFD1048576">', "TOO_MANY_ROWS"),  # the reference not first
        (b'<c\n  r = "XFD1048576" t="inlineStr">', "TOO_MANY_ROWS"),  # other whitespace
        (b'<x:c r="XFD1048576" t="inlineStr">', "TOO_MANY_ROWS"),  # a namespace prefix
        (b'<c r="&#88;FD1048576" t="inlineStr">', "TOO_MANY_ROWS"),  # a character reference
        (b'<c r="A0001048576" t="inlineStr">', "TOO_MANY_ROWS"),  # leading zeros
        (b'<c r="xfd2" t="inlineStr">', "TOO_WIDE"),  # lower case
        (b'<c r="BM2" t="inlineStr">', "TOO_WIDE"),  # the 65th column
        (b'<c r="A&lt;2" t="inlineStr">', "DAMAGED"),  # no reference at all
    ],
)
def test_a_far_cell_is_refused_however_its_reference_is_spelled(db, far_cell, reason):
    end = b"x:c" if far_cell.startswith(b"<x:c") else b"c"
    sheet = (
        SHEET_HEAD
        + b'<row r="2">'
        + far_cell
        + b"<is><t>y</t></is></"
        + end
        + b"></row></sheetData></worksheet>"
    )
    error = refused(workbook_zip({**MINIMAL, "xl/worksheets/sheet1.xml": sheet}), "far.xlsx")
    assert error.reason == reason


def test_cells_spelled_unusually_but_within_the_limits_are_read_as_usual(db):
    content = xlsx_bytes(rows(3))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    parts[sheet] = parts[sheet].replace(b'<c r="', b'<c  r="')  # read cell by cell, not by the search
    assert parts[sheet].count(b'<c  r="') >= 3 * len(HEADERS)
    assert (
        importing.read_upload(workbook_zip(parts), "odd.xlsx").rows
        == importing.read_upload(content, "a.xlsx").rows
    )


def test_xml_with_entities_is_refused(db):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<workbook>&lol2;</workbook>"
    )
    error = refused(workbook_zip({**MINIMAL, "xl/workbook.xml": laughs}), "laughs.xlsx")
    assert error.reason == "UNSAFE_XML"


def test_damaged_workbook_is_refused(db):
    content = xlsx_bytes(rows(3))
    assert refused(content[: len(content) // 2], "cut.xlsx").reason == "DAMAGED"


def test_file_over_the_byte_limit_is_refused(db, settings):
    settings.HUIGUANG_IMPORT_MAX_BYTES = 1000
    error = refused(csv_bytes(rows(20)), "big.csv")
    assert error.reason == "TOO_LARGE"
    assert "1000" in str(error.message)  # the limit, as filesizeformat writes it


def test_file_over_the_row_limit_is_refused(db, settings):
    settings.HUIGUANG_IMPORT_MAX_ROWS = 5
    assert importing.read_upload(csv_bytes(rows(5)), "five.csv").rows
    for content, name in ((csv_bytes(rows(6)), "six.csv"), (xlsx_bytes(rows(6)), "six.xlsx")):
        error = refused(content, name)
        assert error.reason == "TOO_MANY_ROWS"
        assert "5" in str(error.message)


def test_binary_text_and_utf16_are_refused(db):
    assert refused(b"\x01\x02\x03binary", "a.csv").reason == "NOT_WHAT_IT_CLAIMS"
    assert refused("姓名,身份证号".encode("utf-16"), "a.csv").reason == "UTF16"
    assert refused(b"", "a.csv").reason == "EMPTY"
    assert refused(csv_bytes([]), "a.csv").reason == "EMPTY"


def test_template_has_the_chinese_headers_and_reads_back(city):
    content = importing.template_xlsx()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    assert sheet.to_python()[0] == HEADERS
    wb = load_workbook(io.BytesIO(content))
    assert wb.worksheets[0].column_dimensions["B"].number_format == "@"  # ID numbers stay text
    codes = [r[0] for r in wb.worksheets[2].iter_rows(min_row=2, values_only=True)]
    assert {"330482", "330482001", "330482001001", "330482103"} <= set(codes)
    assert importing.template_csv().decode("utf-8-sig").strip() == ",".join(HEADERS)
    # A filled-in template imports.
    wb.worksheets[0].append(rows(1)[0])
    out = io.BytesIO()
    wb.save(out)
    parsed = importing.read_upload(out.getvalue(), "filled.xlsx")
    assert [values["real_name"] for _n, values in parsed.rows] == [rows(1)[0][0]]


def test_formula_cells_are_neutralized_in_the_error_report(city):
    data = rows(4)
    data[0][0] = "=1+2"
    data[1][3] = "+cmd|' /C calc'!A0"
    data[2][6] = "@SUM(A1)" + "校" * 130  # too long a school, starting with @
    data[3][2] = "-2+3"
    with pytest.raises(importing.ImportRowsInvalid) as exc:
        importing.volunteers_import(
            organization=city.org_a, actor=None, content=csv_bytes(data), file_name="f.csv"
        )
    errors = [e.as_dict() for e in exc.value.errors]
    assert {e["value"][:8] for e in errors} == {"=1+2", "+cmd|' /", "@SUM(A1)", "-2+3"}
    wb = load_workbook(io.BytesIO(importing.report_xlsx(errors)))
    cells = [c for r in wb.active.iter_rows(min_row=2, values_only=True) for c in r if isinstance(c, str)]
    assert "'=1+2" in cells and "'+cmd|' /C calc'!A0" in cells and "'-2+3" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert all(cell.data_type != "f" for r in wb.active.iter_rows() for cell in r)
    text = importing.report_csv(errors).decode("utf-8-sig")
    assert "'=1+2" in text and "'+cmd" in text and "'@SUM" in text and "'-2+3" in text
    assert not any(
        field.startswith(("=", "+", "-", "@")) for line in csv.reader(io.StringIO(text)) for field in line
    )


def test_nothing_written_when_refused(city):
    before = (Volunteer.objects.count(), User.objects.count())
    with pytest.raises(importing.ImportRefused):
        importing.volunteers_import(organization=city.org_a, actor=None, content=EXE, file_name="x.xlsx")
    assert (Volunteer.objects.count(), User.objects.count()) == before
