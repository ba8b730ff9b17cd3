"""Reading an uploaded .xlsx or .csv safely.

`read_upload(content, file_name)` trusts neither the name nor the bytes: the real type is detected
from the content, a workbook's zip container is measured (members, total size, compression ratio,
cell references) before any parser opens it, XML with a DTD is refused, and rows are counted
against HUIGUANG_IMPORT_MAX_ROWS while they are read. Anything wrong with the file as a whole
raises `ImportRefused` with a message for the user.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineWorkbook

from .columns import map_headers
from .errors import ImportRefused

# --- Limits that are not settings: generous for a real workbook, fatal for a zip bomb ----------
MAX_ZIP_MEMBERS = 500  # a workbook has ~10-30 parts
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # all parts together (20,000 rows take ~15 MB)
MAX_RATIO = 100  # uncompressed / compressed, per part (sheet XML compresses ~5-20x)
RATIO_FLOOR = 1024 * 1024  # small parts may compress better than that; they cannot hurt
MAX_COLUMNS = 64  # cells beyond column BL: calamine allocates rows × columns densely
HEADER_SEARCH_ROWS = 5  # non-blank lines searched for the header row
ROW_SLACK = 1000  # blank lines a file may have beyond the row limit
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
XML_DTD = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass
class ParsedFile:
    kind: str  # "xlsx" or "csv"
    sha256: str
    headers: dict[str, str]  # column key → header as written in the file
    rows: list[tuple[int, dict[str, object]]]  # (row number, {column key: cell value})


def max_rows() -> int:
    return settings.HUIGUANG_IMPORT_MAX_ROWS


def max_bytes() -> int:
    return settings.HUIGUANG_IMPORT_MAX_BYTES


def check_size(size: int) -> None:
    """Refuse before reading: the command and the upload view call it with the declared size."""
    if size > max_bytes():
        raise ImportRefused(
            "TOO_LARGE",
            _(
                "The file is %(size)s; files of at most %(limit)s can be imported. "
                "Split it into smaller files."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
        )


def claimed_kind(file_name: str) -> str:
    suffix = Path(file_name or "").suffix.lower()
    if suffix == ".xls":
        raise ImportRefused(
            "OLD_EXCEL",
            _(
                "Old Excel files (.xls) cannot be read: open the file in Excel or WPS and "
                "save it as an Excel workbook (.xlsx)."
            ),
        )
    if suffix not in (".xlsx", ".csv"):
        raise ImportRefused("WRONG_TYPE", _("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    return suffix[1:]


def _check_zip(content: bytes) -> None:
    """Measure the container before a parser sees it; the parsers trust it, we must not."""
    bomb = ImportRefused(
        "ZIP_BOMB",
        _(
            "This workbook expands to far more data than a list of volunteers can "
            'hold (a "zip bomb"); it was refused.'
        ),
    )
    damaged = ImportRefused(
        "DAMAGED",
        _(
            "This Excel workbook is damaged or incomplete: open it in Excel or WPS, "
            "save it again and upload the new file."
        ),
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise damaged
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise bomb
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise bomb
        if info.flag_bits & 0x1:
            raise ImportRefused(
                "ENCRYPTED",
                _("This workbook is protected by a password: save an unprotected copy and upload that."),
            )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportRefused(
            "NOT_WHAT_IT_CLAIMS", _("This file is a zip archive but not an Excel workbook (.xlsx).")
        )
    limit_row = max_rows() + 1 + ROW_SLACK
    try:
        for info in infos:
            # zipfile never inflates past the declared size and checks the CRC: a part that lies
            # about its size fails here, before calamine reads it.
            data = archive.read(info)
            if len(data) != info.file_size:
                raise bomb
            if info.filename.endswith((".xml", ".rels", ".vml")) and any(m in data for m in XML_DTD):
                raise ImportRefused(
                    "UNSAFE_XML",
                    _("This workbook contains XML declarations that Excel never writes; it was refused."),
                )
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_cell_references(data, limit_row)
        for part in ("[Content_Types].xml", "xl/workbook.xml"):
            SafeET.fromstring(archive.read(part))
    except ImportRefused:
        raise
    except DefusedXmlException:
        raise ImportRefused(
            "UNSAFE_XML",
            _("This workbook contains XML declarations that Excel never writes; it was refused."),
        )
    except (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        EOFError,
        ParseError,
        ValueError,
    ):
        raise damaged


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _at_most(n: int) -> bytes:
    """A regular expression for the decimal numbers 0 … n (leading zeros matched before it)."""
    digits = str(n)
    alternatives = [b"[0-9]{1,%d}" % (len(digits) - 1)] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        if d != "0":  # the prefix so far, a smaller digit here, any digits after
            rest = len(digits) - i - 1
            tail = "[0-9]{" + str(rest) + "}" if rest else ""
            alternatives.append(f"{digits[:i]}[0-{int(d) - 1}]{tail}".encode())
    alternatives.append(digits.encode())
    return b"(?:" + b"|".join(alternatives) + b")"


# Columns A … BL (MAX_COLUMNS = 64).
COLUMN_OK = rb"(?:[A-Za-z]|[Aa][A-Za-z]|[Bb][A-La-l])"
PREFIXED_CELL = re.compile(rb"<[\w.-]+:c[\s/>]")
REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,20})")


@lru_cache(maxsize=8)
def _cell_outside(limit_row: int) -> re.Pattern[bytes]:
    """A cell element whose first attribute is not a reference within the limits, as Excel, WPS and
    openpyxl write every cell (`<c r="BL21001"`): found by one search at the speed of a byte scan."""
    return re.compile(rb'<c\s(?!r="\$?' + COLUMN_OK + rb"\$?0*" + _at_most(limit_row) + rb'")')


def _check_cell_references(sheet_xml: bytes, limit_row: int) -> None:
    """A cell at XFD1048576 makes the reader allocate the whole grid: refuse such sheets first.
    A sheet whose cells are all written the usual way, within the limits, passes after one search;
    any other (a far cell, a namespace prefix, the reference in another place or spelling) is read
    cell by cell with an XML parser, which decodes every spelling as the reader would."""
    if not _cell_outside(limit_row).search(sheet_xml) and not PREFIXED_CELL.search(sheet_xml):
        return
    max_row = max_col = 0
    for _event, element in SafeET.iterparse(io.BytesIO(sheet_xml)):
        if element.tag.rpartition("}")[2] == "c" and (ref := element.get("r")) is not None:
            found = REFERENCE.fullmatch(ref)
            if found is None:
                raise ImportRefused(
                    "DAMAGED",
                    _("A cell of this workbook has a reference Excel never writes (%(ref)s); it was refused.")
                    % {"ref": ref[:20]},
                )
            max_col = max(max_col, _column_number(found[1]))
            max_row = max(max_row, int(found[2]))
        element.clear()
    if max_row > limit_row:
        raise _too_many_rows()
    if max_col > MAX_COLUMNS:
        raise ImportRefused(
            "TOO_WIDE",
            _("A sheet of this workbook uses more than %(n)d columns; keep only the template's columns.")
            % {"n": MAX_COLUMNS},
        )


def _too_many_rows() -> ImportRefused:
    return ImportRefused(
        "TOO_MANY_ROWS",
        _("This file has more than %(max)d volunteers; split it into files of at most %(max)d rows.")
        % {"max": max_rows()},
    )


def _decode_text(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(
            "UTF16",
            _('This text file is in UTF-16 ("Unicode text"): save it as "CSV UTF-8" and upload that.'),
        )
    if b"\x00" in content:
        raise _not_a_spreadsheet(content)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if CONTROL_CHARS.search(text):
            raise _not_a_spreadsheet(content)
        return text
    raise ImportRefused(
        "ENCODING",
        _('This CSV file is neither UTF-8 nor GB18030 text: save it from Excel or WPS as "CSV UTF-8".'),
    )


def _not_a_spreadsheet(content: bytes) -> ImportRefused:
    if content.startswith(b"MZ") or content.startswith(b"\x7fELF"):
        return ImportRefused(
            "NOT_WHAT_IT_CLAIMS",
            _("This file is a program, not an Excel workbook or a CSV file; it was refused."),
        )
    return ImportRefused(
        "NOT_WHAT_IT_CLAIMS",
        _("This file is neither an Excel workbook (.xlsx) nor a CSV text file; it was refused."),
    )


def detect_kind(content: bytes) -> str:
    """What the bytes are, whatever the name says: "xlsx" or "csv" (or ImportRefused)."""
    if content.startswith(ZIP_MAGIC):
        _check_zip(content)
        return "xlsx"
    if content.startswith(OLE_MAGIC):
        raise ImportRefused(
            "OLD_EXCEL",
            _(
                "This is an old Excel file (.xls) or a password-protected workbook: save "
                "it as an unprotected Excel workbook (.xlsx) and upload that."
            ),
        )
    _decode_text(content)
    return "csv"


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            return
        sheet = workbook.get_sheet_by_index(0)
        # iter_rows starts at the sheet's first row, so the index is the row number - 1.
        for index, cells in enumerate(sheet.iter_rows()):
            yield index + 1, cells
    except Exception as exc:  # noqa: BLE001 - any failure of the parser on untrusted bytes means "unreadable"
        raise ImportRefused(
            "DAMAGED", _("This Excel workbook cannot be read: %(error)s") % {"error": str(exc)[:200]}
        )


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    text = _decode_text(content)
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
    except csv.Error as exc:
        raise ImportRefused(
            "DAMAGED", _("This CSV file cannot be read: %(error)s") % {"error": str(exc)[:200]}
        )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_upload(content: bytes, file_name: str) -> ParsedFile:
    """The file's rows keyed by column, or ImportRefused. Rows that are entirely blank are skipped."""
    claimed = claimed_kind(file_name)
    check_size(len(content))
    if not content.strip():
        raise ImportRefused("EMPTY", _("The file is empty."))
    kind = detect_kind(content)
    if kind != claimed:
        if kind == "csv":
            raise ImportRefused(
                "NOT_WHAT_IT_CLAIMS",
                _(
                    "This file is named .xlsx but is a CSV text file: rename it to "
                    ".csv or save it as an Excel workbook."
                ),
            )
        raise ImportRefused(
            "NOT_WHAT_IT_CLAIMS", _("This file is named .csv but is an Excel workbook: rename it to .xlsx.")
        )
    source = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    rows: list[tuple[int, dict[str, object]]] = []
    limit = max_rows()
    header_problem: ImportRefused | None = None
    skipped = 0
    for number, cells in source:
        if all(_blank(c) for c in cells):
            continue
        if not positions:
            # The header row is the first one naming the template's columns; a title line or two
            # above it ("2026 年某校志愿者名单") is tolerated.
            try:
                positions, headers = map_headers(cells)
            except ImportRefused as exc:
                header_problem = header_problem or exc
                skipped += 1
                if skipped >= HEADER_SEARCH_ROWS:
                    raise header_problem
            continue
        if len(rows) >= limit:
            raise _too_many_rows()
        rows.append((number, {key: cells[i] if i < len(cells) else None for key, i in positions.items()}))
    if not positions and header_problem is not None:
        raise header_problem
    if not rows:
        raise ImportRefused(
            "EMPTY", _("The file contains no volunteers: fill in one row per person below the header row.")
        )
    return ParsedFile(kind=kind, sha256=hashlib.sha256(content).hexdigest(), headers=headers, rows=rows)
