"""Bulk registration of volunteers from .xlsx and .csv files (a school's students, a department's staff).

Three steps, each usable alone:

- `read_upload(content, file_name)` trusts neither the name nor the bytes: the real type is
  detected from the content, a workbook's zip container is measured (members, total size,
  compression ratio, cell references) before any parser opens it, XML with a DTD is refused, and
  rows are counted against HUIGUANG_IMPORT_MAX_ROWS while they are read. Anything wrong with the
  file as a whole raises `ImportRefused` with a message for the user.
- `import_plan(...)` validates every row with the rules of validation.py and against the
  database and returns every bad row (row number, column, message); it writes nothing.
- `import_apply(...)` / `volunteers_import(...)` write everything in one transaction or nothing.

A volunteer already registered (same ID number, found through the blind index) is joined to the
organization instead of being registered twice; one who is already an open member is left alone,
so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.models import User
from huiguang.core.audit import audit_log
from huiguang.core.errors import Refused
from huiguang.core.id_card import IdCard, age_on
from huiguang.core.id_card import normalize as normalize_id
from huiguang.core.masking import mask_id_number, safe_cell
from huiguang.core.phone import normalize_phone
from huiguang.network.models import Membership, Organization, Region
from huiguang.network.selectors import organization_managed_by

from . import validation as v
from .models import ImportBatch, Volunteer
from .services import volunteer_numbers_allocate

# --- Limits that are not settings: generous for a real workbook, fatal for a zip bomb ----------
MAX_ZIP_MEMBERS = 500  # a workbook has ~10-30 parts
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # all parts together (20,000 rows take ~15 MB)
MAX_RATIO = 100  # uncompressed / compressed, per part (sheet XML compresses ~5-20x)
RATIO_FLOOR = 1024 * 1024  # small parts may compress better than that; they cannot hurt
MAX_COLUMNS = 64  # cells beyond column BL: calamine allocates rows × columns densely
HEADER_SEARCH_ROWS = 5  # non-blank lines searched for the header row
ROW_SLACK = 1000  # blank lines a file may have beyond the row limit
LOOKUP_CHUNK = 900  # parameters per IN (...) lookup: below SQLite's historical 999
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="\$?([A-Z]{1,3})\$?([0-9]{1,8})"')
XML_DTD = (b"<!DOCTYPE", b"<!ENTITY")


# --- Columns ----------------------------------------------------------------------------------


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


def _header_key(text: str) -> str:
    """'身份证号 *' / 'ID number (required)' → comparable key."""
    text = re.sub(r"[（(](?:必填|选填|required|optional)[)）]", "", str(text or ""), flags=re.IGNORECASE)
    return re.sub(r"[\s*＊:：]", "", text).lower()


COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADER_LOOKUP = {_header_key(name): col for col in COLUMNS for name in (col.header, *col.aliases)}


# --- Errors -----------------------------------------------------------------------------------


class ImportRefused(Refused):
    """The file as a whole cannot be imported (wrong type, too big, zip bomb, no columns...)."""

    status = 400


@dataclass
class RowError:
    row: int  # as the spreadsheet shows it: the header is row 1 when it is the first line
    column: str  # the header as written in the file; "" for the whole row
    message: str
    value: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


class ImportRowsInvalid(Exception):
    """Some rows are bad: nothing was written. `errors` lists every one of them."""

    def __init__(self, errors: list[RowError], batch: ImportBatch | None = None):
        super().__init__(f"{len({e.row for e in errors})} bad rows")
        self.errors = errors
        self.batch = batch


REQUIRED = _("This column is required.")
ID_AS_NUMBER = _(
    "The ID number was stored as a number and lost its last digits: format the column as "
    "text and enter the number again."
)
DUPLICATE_ID_IN_FILE = _("The same ID number is already on row %(row)d.")
DUPLICATE_PHONE_IN_FILE = _("The same mobile number is already on row %(row)d.")
PHONE_OF_ANOTHER_USER = _("This mobile number belongs to another registered user.")
NAME_MISMATCH = _("This ID number is registered to a volunteer with a different name.")
MINOR = _("Volunteers under %(age)d register themselves with a guardian's consent; they cannot be imported.")
BAD_POLITICAL = _("Unknown political status: write one of %(choices)s.")
BAD_BOOLEAN = _("Write %(yes)s or %(no)s.")
TOO_LONG = _("At most %(max)d characters.")


# --- Reading a file ---------------------------------------------------------------------------


@dataclass
class ParsedFile:
    kind: str  # "xlsx" or "csv"
    sha256: str
    headers: dict[str, str]  # column key → header as written in the file
    rows: list[tuple[int, dict[str, object]]]  # (row number, {column key: cell value})


def _refuse(reason: str, message) -> ImportRefused:
    return ImportRefused(reason, message)


def max_rows() -> int:
    return settings.HUIGUANG_IMPORT_MAX_ROWS


def max_bytes() -> int:
    return settings.HUIGUANG_IMPORT_MAX_BYTES


def check_size(size: int) -> None:
    """Refuse before reading: the command and the upload view call it with the declared size."""
    if size > max_bytes():
        raise _refuse(
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
        raise _refuse(
            "OLD_EXCEL",
            _(
                "Old Excel files (.xls) cannot be read: open the file in Excel or WPS and "
                "save it as an Excel workbook (.xlsx)."
            ),
        )
    if suffix not in (".xlsx", ".csv"):
        raise _refuse("WRONG_TYPE", _("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    return suffix[1:]


def _check_zip(content: bytes) -> None:
    """Measure the container before a parser sees it; the parsers trust it, we must not."""
    bomb = _refuse(
        "ZIP_BOMB",
        _(
            "This workbook expands to far more data than a list of volunteers can "
            'hold (a "zip bomb"); it was refused.'
        ),
    )
    damaged = _refuse(
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
            raise _refuse(
                "ENCRYPTED",
                _("This workbook is protected by a password: save an unprotected copy and upload that."),
            )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(
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
                raise _refuse(
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
        raise _refuse(
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


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_cell_references(sheet_xml: bytes, limit_row: int) -> None:
    """A cell at XFD1048576 makes the reader allocate the whole grid: refuse such sheets first."""
    max_row = max_col = 0
    for col, row in CELL_REF.findall(sheet_xml):
        max_row = max(max_row, int(row))
        max_col = max(max_col, _column_number(col))
    if max_row > limit_row:
        raise _too_many_rows()
    if max_col > MAX_COLUMNS:
        raise _refuse(
            "TOO_WIDE",
            _("A sheet of this workbook uses more than %(n)d columns; keep only the template's columns.")
            % {"n": MAX_COLUMNS},
        )


def _too_many_rows() -> ImportRefused:
    return _refuse(
        "TOO_MANY_ROWS",
        _("This file has more than %(max)d volunteers; split it into files of at most %(max)d rows.")
        % {"max": max_rows()},
    )


def _decode_text(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(
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
    raise _refuse(
        "ENCODING",
        _('This CSV file is neither UTF-8 nor GB18030 text: save it from Excel or WPS as "CSV UTF-8".'),
    )


def _not_a_spreadsheet(content: bytes) -> ImportRefused:
    if content.startswith(b"MZ") or content.startswith(b"\x7fELF"):
        return _refuse(
            "NOT_WHAT_IT_CLAIMS",
            _("This file is a program, not an Excel workbook or a CSV file; it was refused."),
        )
    return _refuse(
        "NOT_WHAT_IT_CLAIMS",
        _("This file is neither an Excel workbook (.xlsx) nor a CSV text file; it was refused."),
    )


def detect_kind(content: bytes) -> str:
    """What the bytes are, whatever the name says: "xlsx" or "csv" (or ImportRefused)."""
    if content.startswith(ZIP_MAGIC):
        _check_zip(content)
        return "xlsx"
    if content.startswith(OLE_MAGIC):
        raise _refuse(
            "OLD_EXCEL",
            _(
                "This is an old Excel file (.xls) or a password-protected workbook: save "
                "it as an unprotected Excel workbook (.xlsx) and upload that."
            ),
        )
    _decode_text(content)
    return "csv"


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            return
        sheet = workbook.get_sheet_by_index(0)
        # iter_rows starts at the sheet's first row, so the index is the row number - 1.
        for index, cells in enumerate(sheet.iter_rows()):
            yield index + 1, cells
    except Exception as exc:  # noqa: BLE001 - any failure of the parser on untrusted bytes means "unreadable"
        raise _refuse(
            "DAMAGED", _("This Excel workbook cannot be read: %(error)s") % {"error": str(exc)[:200]}
        )


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    text = _decode_text(content)
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
    except csv.Error as exc:
        raise _refuse("DAMAGED", _("This CSV file cannot be read: %(error)s") % {"error": str(exc)[:200]})


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_upload(content: bytes, file_name: str) -> ParsedFile:
    """The file's rows keyed by column, or ImportRefused. Rows that are entirely blank are skipped."""
    claimed = claimed_kind(file_name)
    check_size(len(content))
    if not content.strip():
        raise _refuse("EMPTY", _("The file is empty."))
    kind = detect_kind(content)
    if kind != claimed:
        if kind == "csv":
            raise _refuse(
                "NOT_WHAT_IT_CLAIMS",
                _(
                    "This file is named .xlsx but is a CSV text file: rename it to "
                    ".csv or save it as an Excel workbook."
                ),
            )
        raise _refuse(
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
                positions, headers = _map_headers(cells)
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
        raise _refuse(
            "EMPTY", _("The file contains no volunteers: fill in one row per person below the header row.")
        )
    return ParsedFile(kind=kind, sha256=hashlib.sha256(content).hexdigest(), headers=headers, rows=rows)


def _map_headers(cells: list) -> tuple[dict[str, int], dict[str, str]]:
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, cell in enumerate(cells):
        col = HEADER_LOOKUP.get(_header_key(_text(cell)))
        if col is None:
            continue  # a column of the organization's own (class, department number...): ignored
        if col.key in positions:
            raise _refuse(
                "DUPLICATE_COLUMN",
                _("The column %(column)s appears twice in the first row.") % {"column": col.header},
            )
        positions[col.key] = index
        headers[col.key] = _text(cell)[:40]
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise _refuse(
            "MISSING_COLUMNS",
            _(
                "The first row must hold the column names of the template; missing: "
                "%(columns)s. Download the template and copy your data into it."
            )
            % {"columns": "、".join(missing)},
        )
    return positions, headers


# --- Validating rows --------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class CleanRow:
    row: int
    real_name: str
    card: IdCard
    phone: str
    region: Region
    political_status: str
    is_student: bool
    school: str
    occupation: str
    is_new_resident: bool
    blind_index: str = ""


@dataclass
class ImportPlan:
    row_count: int
    errors: list[RowError]
    new: list[CleanRow] = field(default_factory=list)
    join_volunteer_ids: list[int] = field(default_factory=list)
    already: int = 0

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors


def _shown_value(key: str, text: str) -> str:
    """What the report repeats of a bad cell: ID numbers masked, long values cut."""
    text = text[:60]
    return mask_id_number(text) if key == "id_number" and len(text) >= 10 else text


def _clean_row(
    number: int,
    values: dict[str, object],
    headers: dict[str, str],
    regions: dict[str, Region],
    today: dt.date,
) -> tuple[CleanRow | None, list[RowError]]:
    """One row through the rules of validation.py (one piece of code per rule)."""
    texts = {key: _text(value) for key, value in values.items()}
    errors: list[RowError] = []

    def fail(key: str, message) -> None:
        errors.append(
            RowError(
                number,
                headers.get(key, COLUMN_BY_KEY[key].header),
                str(message),
                _shown_value(key, texts.get(key, "")),
            )
        )

    def rule(key: str, fn, *args):
        if not texts.get(key):
            fail(key, REQUIRED)
            return None
        try:
            return fn(texts[key], *args)
        except ValidationError as exc:
            for message in exc.messages:
                fail(key, message)
            return None

    name = rule("real_name", v.clean_real_name)
    raw_id = values.get("id_number")
    if isinstance(raw_id, float | int) and not isinstance(raw_id, bool) and raw_id >= 1e15:
        # Excel keeps 15 significant digits of a number: the ID number is already lost.
        fail("id_number", ID_AS_NUMBER)
        card = None
    else:
        card = rule("id_number", v.clean_id_number)
    if card is not None and age_on(card.birth_date, today) < settings.HUIGUANG_GUARDIAN_AGE:
        fail("id_number", MINOR % {"age": settings.HUIGUANG_GUARDIAN_AGE})
    phone = rule("phone", v.clean_phone)
    region = rule("region_code", v.clean_region_code, regions)
    political = _choice(texts.get("political_status", ""), POLITICAL, Volunteer.Political.MASSES)
    if political is None:
        fail("political_status", BAD_POLITICAL % {"choices": POLITICAL_CHOICES})
    flags = {}
    for key in ("is_student", "is_new_resident"):
        flags[key] = _choice(texts.get(key, "").lower(), BOOLEANS, False)
        if flags[key] is None:
            fail(key, BAD_BOOLEAN % {"yes": YES, "no": NO})
    for key in ("school", "occupation"):
        if len(texts.get(key, "")) > COLUMN_BY_KEY[key].max_length:
            fail(key, TOO_LONG % {"max": COLUMN_BY_KEY[key].max_length})
    if errors or card is None:
        return None, errors
    return CleanRow(
        row=number,
        real_name=name,
        card=card,
        phone=phone,
        region=region,
        political_status=political,
        is_student=flags["is_student"],
        school=texts.get("school", ""),
        occupation=texts.get("occupation", ""),
        is_new_resident=flags["is_new_resident"],
        blind_index=Volunteer.blind_index_for(card.number),
    ), []


def clean_rows(parsed: ParsedFile, *, today: dt.date | None = None) -> tuple[list[CleanRow], list[RowError]]:
    """Every rule on every row, plus duplicates inside the file. Reads regions; writes nothing."""
    today = today or timezone.localdate()
    codes = sorted({_text(values.get("region_code")) for _n, values in parsed.rows} - {""})
    regions = {r.code: r for chunk in _chunks(codes) for r in Region.objects.filter(code__in=chunk)}
    clean: list[CleanRow] = []
    errors: list[RowError] = []
    first_id: dict[str, int] = {}
    first_phone: dict[str, int] = {}
    for number, values in parsed.rows:
        row, row_errors = _clean_row(number, values, parsed.headers, regions, today)
        # Duplicates inside the file, valid or not: the later row is bad and points at the first.
        id_key = normalize_id(_text(values.get("id_number")))
        phone_key = normalize_phone(_text(values.get("phone")))
        if id_key and first_id.setdefault(id_key, number) != number:
            row_errors.append(
                RowError(
                    number,
                    parsed.headers["id_number"],
                    str(DUPLICATE_ID_IN_FILE % {"row": first_id[id_key]}),
                    _shown_value("id_number", id_key),
                )
            )
        if phone_key and first_phone.setdefault(phone_key, number) != number:
            row_errors.append(
                RowError(
                    number,
                    parsed.headers["phone"],
                    str(DUPLICATE_PHONE_IN_FILE % {"row": first_phone[phone_key]}),
                    phone_key,
                )
            )
        if row_errors:
            errors.extend(row_errors)
        elif row is not None:
            clean.append(row)
    return clean, errors


def _choice(text: str, table: dict, default):
    text = text.strip()
    if not text:
        return default
    return table.get(text)


def _chunks(items: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_against_db(
    *,
    organization: Organization,
    rows: list[CleanRow],
    errors: list[RowError],
    row_count: int,
    headers: dict[str, str] | None = None,
) -> ImportPlan:
    """Who is new, who joins, who is already a member; phone numbers owned by someone else."""
    headers = headers or {}
    existing: dict[str, tuple[int, str, int]] = {}
    for chunk in _chunks([r.blind_index for r in rows]):
        for pk, index, name, user_id in Volunteer.objects.filter(id_blind_index__in=chunk).values_list(
            "pk", "id_blind_index", "real_name", "user_id"
        ):
            existing[index] = (pk, name, user_id)
    phone_owner: dict[str, int] = {}
    for chunk in _chunks([r.phone for r in rows]):
        phone_owner.update(User.objects.filter(phone__in=chunk).values_list("phone", "pk"))
    open_members: set[int] = set()
    for chunk in _chunks([pk for pk, _name, _user in existing.values()]):
        open_members.update(
            Membership.objects.filter(
                organization=organization,
                volunteer_id__in=chunk,
                status__in=(Membership.Status.APPLIED, Membership.Status.ACTIVE),
            ).values_list("volunteer_id", flat=True)
        )
    plan = ImportPlan(row_count=row_count, errors=list(errors))
    for row in rows:
        found = existing.get(row.blind_index)
        owner = phone_owner.get(row.phone)
        if found is None:
            if owner is not None:
                plan.errors.append(
                    RowError(row.row, headers.get("phone", "手机号"), str(PHONE_OF_ANOTHER_USER), row.phone)
                )
            else:
                plan.new.append(row)
            continue
        volunteer_id, name, user_id = found
        bad = False
        if owner is not None and owner != user_id:
            plan.errors.append(
                RowError(row.row, headers.get("phone", "手机号"), str(PHONE_OF_ANOTHER_USER), row.phone)
            )
            bad = True
        if " ".join(name.split()) != row.real_name:
            plan.errors.append(
                RowError(row.row, headers.get("real_name", "姓名"), str(NAME_MISMATCH), row.real_name)
            )
            bad = True
        if bad:
            continue
        if volunteer_id in open_members:
            plan.already += 1
        else:
            plan.join_volunteer_ids.append(volunteer_id)
    plan.errors.sort(key=lambda e: e.row)
    return plan


def import_plan(*, organization: Organization, parsed: ParsedFile) -> ImportPlan:
    rows, errors = clean_rows(parsed)
    return plan_against_db(
        organization=organization,
        rows=rows,
        errors=errors,
        row_count=len(parsed.rows),
        headers=parsed.headers,
    )


# --- Writing ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    row_count: int
    created: int
    joined: int
    already: int
    errors: list[RowError]
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_organization(organization: Organization) -> None:
    if organization.status != Organization.Status.ACTIVE:
        raise ImportRefused("ORG_INACTIVE", _("Volunteers can only be imported into an active organization."))


def _store(content: bytes, sha256: str, kind: str) -> str:
    """Keep the exact bytes under VAR_DIR/imports (content-addressed); returns the relative path."""
    relative = f"imports/{sha256}.{kind}"
    path = Path(settings.VAR_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")  # 0600, a unique name
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    return relative


def _load(batch: ImportBatch) -> bytes:
    path = Path(settings.VAR_DIR) / batch.file_path
    try:
        content = path.read_bytes()
    except OSError:
        content = b""
    if hashlib.sha256(content).hexdigest() != batch.sha256:
        raise ImportRefused(
            "FILE_MISSING", _("The uploaded file is no longer on the server; upload it again.")
        )
    return content


def _write(*, organization: Organization, actor, plan: ImportPlan) -> None:
    """The inserts of a valid plan; the caller holds the transaction."""
    now = timezone.now()
    numbers = volunteer_numbers_allocate(count=len(plan.new)) if plan.new else []
    users = []
    for row in plan.new:
        user = User(phone=row.phone, display_name=row.real_name)
        # No password: imported volunteers set one through a reset (argon2 × 10,000 would take minutes).
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=500)
    volunteers = []
    for row, user, number in zip(plan.new, users, numbers, strict=True):
        volunteer = Volunteer(
            user=user,
            real_name=row.real_name,
            gender=row.card.gender,
            birth_date=row.card.birth_date,
            residence_region=row.region,
            political_status=row.political_status,
            is_student=row.is_student,
            school=row.school,
            occupation=row.occupation,
            is_new_resident=row.is_new_resident,
            volunteer_number=number,
            privacy_policy_version=settings.HUIGUANG_PRIVACY_POLICY_VERSION,
            consented_at=now,
        )
        volunteer.set_id_number(row.card.number)
        volunteers.append(volunteer)
    Volunteer.objects.bulk_create(volunteers, batch_size=500)
    decided_by = actor if actor is not None and actor.is_authenticated else None
    Membership.objects.bulk_create(
        [
            Membership(
                volunteer_id=pk,
                organization=organization,
                role=Membership.Role.MEMBER,
                status=Membership.Status.ACTIVE,
                decided_at=now,
                decided_by=decided_by,
            )
            for pk in [v.pk for v in volunteers] + plan.join_volunteer_ids
        ],
        batch_size=500,
    )


CONFLICT = _(
    "Another registration changed some of these volunteers while the import ran; nothing was "
    "written. Upload the file again to see the current state."
)


def _apply(
    *,
    organization: Organization,
    actor,
    parsed: ParsedFile,
    content: bytes,
    file_name: str,
    batch: ImportBatch | None,
    request=None,
) -> ImportResult:
    """Validate (pure rules outside the transaction, database rules inside it) and write all or nothing."""
    rows, errors = clean_rows(parsed)
    try:
        with transaction.atomic():
            # Two clicks on "confirm": the guarded UPDATE lets exactly one of them through.
            if batch is not None and not ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.PREVIEWED
            ).update(status=ImportBatch.Status.APPLIED, applied_at=timezone.now()):
                raise ImportRefused("ALREADY_APPLIED", _("This file has already been imported."))
            plan = plan_against_db(
                organization=organization,
                rows=rows,
                errors=errors,
                row_count=len(parsed.rows),
                headers=parsed.headers,
            )
            if not plan.ok:
                raise ImportRowsInvalid(plan.errors)
            _write(organization=organization, actor=actor, plan=plan)
            counts = {
                "row_count": plan.row_count,
                "error_row_count": 0,
                "created_count": len(plan.new),
                "joined_count": len(plan.join_volunteer_ids),
                "already_count": plan.already,
            }
            if batch is None:
                batch = ImportBatch.objects.create(
                    organization=organization,
                    uploaded_by=actor if actor and actor.is_authenticated else None,
                    file_name=file_name[:255],
                    file_path=_store(content, parsed.sha256, parsed.kind),
                    file_kind=parsed.kind,
                    sha256=parsed.sha256,
                    status=ImportBatch.Status.APPLIED,
                    applied_at=timezone.now(),
                    errors=[],
                    **counts,
                )
            else:
                ImportBatch.objects.filter(pk=batch.pk).update(errors=[], **counts)
                batch.refresh_from_db()
            audit_log(
                action="volunteers_imported",
                actor=actor,
                obj=batch,
                request=request,
                actor_label="" if actor is not None else "import_volunteers",
                organization=organization.code,
                file=file_name[:120],
                sha256=parsed.sha256,
                rows=plan.row_count,
                created=len(plan.new),
                joined=len(plan.join_volunteer_ids),
                already=plan.already,
            )
    except ImportRowsInvalid as exc:
        if batch is not None:
            _mark_failed(batch, exc.errors)
            exc.batch = batch
        raise
    except IntegrityError:
        raise ImportRefused("CONFLICT", CONFLICT)
    return ImportResult(
        row_count=batch.row_count,
        created=batch.created_count,
        joined=batch.joined_count,
        already=batch.already_count,
        errors=[],
        batch=batch,
    )


def _mark_failed(batch: ImportBatch, errors: list[RowError]) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED,
        errors=[e.as_dict() for e in errors],
        error_row_count=len({e.row for e in errors}),
        applied_at=None,
    )
    batch.refresh_from_db()


def import_preview(*, organization: Organization, actor, content: bytes, file_name: str) -> ImportBatch:
    """Check the file and every row; keep the file and the outcome as a batch to confirm later.

    Raises ImportRefused for a file that cannot be imported at all (nothing is kept); a file with
    bad rows gives a FAILED batch listing them, a good one a PREVIEWED batch with the counts.
    """
    _check_organization(organization)
    parsed = read_upload(content, file_name)
    plan = import_plan(organization=organization, parsed=parsed)
    return ImportBatch.objects.create(
        organization=organization,
        uploaded_by=actor if actor and actor.is_authenticated else None,
        file_name=Path(file_name).name[:255],
        file_path=_store(content, parsed.sha256, parsed.kind),
        file_kind=parsed.kind,
        sha256=parsed.sha256,
        status=ImportBatch.Status.PREVIEWED if plan.ok else ImportBatch.Status.FAILED,
        row_count=plan.row_count,
        error_row_count=plan.bad_rows,
        created_count=len(plan.new),
        joined_count=len(plan.join_volunteer_ids),
        already_count=plan.already,
        errors=[e.as_dict() for e in plan.errors],
    )


def import_apply(*, batch: ImportBatch, actor, request=None) -> ImportResult:
    """Apply a previewed batch: the stored bytes are validated again (the database may have changed
    since the preview) and written all or nothing. Raises ImportRowsInvalid (the batch is then
    FAILED with the current errors) or ImportRefused."""
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused("NOT_PREVIEWED", _("Only a previewed file without errors can be imported."))
    _check_organization(batch.organization)
    content = _load(batch)
    parsed = read_upload(content, batch.file_name)
    return _apply(
        organization=batch.organization,
        actor=actor,
        parsed=parsed,
        content=content,
        file_name=batch.file_name,
        batch=batch,
        request=request,
    )


def volunteers_import(
    *, organization: Organization, actor, content: bytes, file_name: str, dry_run: bool = False, request=None
) -> ImportResult:
    """Read, validate and write in one go (the `import_volunteers` command). With dry_run nothing
    is written. Raises ImportRefused; bad rows raise ImportRowsInvalid unless dry_run, where they
    come back in the result."""
    _check_organization(organization)
    parsed = read_upload(content, file_name)
    if dry_run:
        plan = import_plan(organization=organization, parsed=parsed)
        return ImportResult(
            row_count=plan.row_count,
            created=len(plan.new),
            joined=len(plan.join_volunteer_ids),
            already=plan.already,
            errors=plan.errors,
        )
    return _apply(
        organization=organization,
        actor=actor,
        parsed=parsed,
        content=content,
        file_name=Path(file_name).name,
        batch=None,
        request=request,
    )


# --- Reads ------------------------------------------------------------------------------------


def import_organizations_for(user) -> QuerySet[Organization]:
    """Where `user` may import: organizations they manage (org admin of it or an ancestor, region
    admin of its region's subtree, city admin), active ones only."""
    return organization_managed_by(user).filter(status=Organization.Status.ACTIVE)


def import_batch_list_for(user) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(organization__in=organization_managed_by(user)).select_related(
        "organization", "uploaded_by"
    )


def import_batch_get_for(user, pk: int) -> ImportBatch:
    batch = import_batch_list_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def previous_import(batch: ImportBatch) -> ImportBatch | None:
    """The same bytes already applied to the same organization (a re-import changes nothing)."""
    return (
        ImportBatch.objects.filter(
            organization_id=batch.organization_id, sha256=batch.sha256, status=ImportBatch.Status.APPLIED
        )
        .exclude(pk=batch.pk)
        .order_by("-applied_at")
        .first()
    )


# --- Files we hand out: the template and the error report -------------------------------------


def _xlsx_bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    """The import template: the header row, text-formatted number columns, drop-down lists, and
    sheets with instructions and the region codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

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
    for code, name, level in Region.objects.order_by("path").values_list("code", "name", "level"):
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
    from openpyxl import Workbook

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
