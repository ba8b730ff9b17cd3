"""The files of an import: which kind each one is, and its rows streamed one at a time.

A directory (or an upload) holds one file per kind (组织.csv, 成员.csv, 活动.csv, 服务记录.csv,
named as `columns.KIND_NAMES` says) or workbooks whose sheets are named so. A CSV file is read
line by line (UTF-8 or GB18030), never whole: the records of a city run to millions of lines.
Anything wrong with a file as a whole raises `HistoryRefused` with a message for the user.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from .columns import COLUMNS, header_map, kind_of_name, normal

HEADER_SEARCH_ROWS = 5


class HistoryRefused(Exception):
    """The files cannot be imported at all (not a row's fault)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Part:
    """One table of the import: a CSV file or one sheet of a workbook."""

    kind: str
    path: Path
    sheet: str = ""

    @property
    def label(self) -> str:
        return f"{self.path.name}:{self.sheet}" if self.sheet else self.path.name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(paths: list[Path]) -> str:
    """The same files (whatever their order or location) give the same fingerprint."""
    return hashlib.sha256("\n".join(sorted(sha256_of(p) for p in paths)).encode()).hexdigest()


def import_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise HistoryRefused("NO_DIRECTORY", _("%(path)s is not a directory.") % {"path": directory})
    paths = sorted(p for p in directory.iterdir() if p.suffix.lower() in (".csv", ".xlsx") and p.is_file())
    if not paths:
        raise HistoryRefused("NO_FILES", _("No .csv or .xlsx file to import was found."))
    return paths


def parts_of(paths: list[Path]) -> dict[str, list[Part]]:
    """The tables of the files by kind; refuses a file or sheet whose kind its name does not say."""
    parts: dict[str, list[Part]] = {kind: [] for kind in COLUMNS}
    for path in paths:
        if path.suffix.lower() == ".csv":
            kind = kind_of_name(path.name)
            if kind is None:
                raise _unknown_kind(path.name)
            parts[kind].append(Part(kind, path))
            continue
        try:
            sheets = CalamineWorkbook.from_path(str(path)).sheet_names
        except Exception as exc:  # noqa: BLE001 - any failure of the parser on a user's file means "unreadable"
            raise HistoryRefused(
                "DAMAGED",
                _("%(file)s cannot be read: %(error)s") % {"file": path.name, "error": str(exc)[:200]},
            )
        single = kind_of_name(path.name)
        for sheet in sheets:
            kind = kind_of_name(sheet) or (single if len(sheets) == 1 else None)
            if kind is None:
                raise _unknown_kind(f"{path.name}:{sheet}")
            parts[kind].append(Part(kind, path, sheet))
    return parts


def _unknown_kind(name: str) -> HistoryRefused:
    return HistoryRefused(
        "UNKNOWN_KIND",
        _("Cannot tell what %(name)s holds: name it 组织, 成员, 活动 or 服务记录 (or as the template does).")
        % {"name": name},
    )


def _decoded_lines(path: Path) -> Iterator[str]:
    """The lines of a text file, UTF-8 (with or without a BOM) or else GB18030, streamed."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    encoding = "utf-8-sig"
    try:
        # Incremental: a character cut by the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"
    with path.open("r", encoding=encoding, newline="") as text:
        try:
            yield from text
        except UnicodeDecodeError:
            raise HistoryRefused(
                "ENCODING",
                _('%(file)s is neither UTF-8 nor GB18030 text: save it as "CSV UTF-8".')
                % {"file": path.name},
            )


def _raw_rows(part: Part) -> Iterator[list]:
    if part.sheet:
        try:
            sheet = CalamineWorkbook.from_path(str(part.path)).get_sheet_by_name(part.sheet)
            yield from sheet.iter_rows()
        except HistoryRefused:
            raise
        except Exception as exc:  # noqa: BLE001 - see parts_of
            raise HistoryRefused(
                "DAMAGED",
                _("%(file)s cannot be read: %(error)s") % {"file": part.label, "error": str(exc)[:200]},
            )
        return
    try:
        yield from csv.reader(_decoded_lines(part.path))
    except csv.Error as exc:
        raise HistoryRefused(
            "DAMAGED", _("%(file)s cannot be read: %(error)s") % {"file": part.label, "error": str(exc)[:200]}
        )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def rows_of(part: Part) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as the user sees it, {column key: text}) for each non-blank row after the header."""
    names = header_map(part.kind)
    positions: dict[str, int] | None = None
    for number, cells in enumerate(_raw_rows(part), start=1):
        texts = [_cell(c) for c in cells]
        if not any(texts):
            continue
        if positions is None:
            found = {names[normal(t)]: i for i, t in reversed(list(enumerate(texts))) if normal(t) in names}
            missing = [c.header for c in COLUMNS[part.kind] if c.required and c.key not in found]
            if not missing:
                positions = found
                continue
            if number >= HEADER_SEARCH_ROWS:
                raise HistoryRefused(
                    "MISSING_COLUMNS",
                    _("%(file)s has no column %(columns)s (see the template).")
                    % {"file": part.label, "columns": "、".join(missing)},
                )
            continue
        yield number, {key: texts[i] if i < len(texts) else "" for key, i in positions.items()}
    if positions is None:
        raise HistoryRefused("EMPTY", _("%(file)s has no header row.") % {"file": part.label})
