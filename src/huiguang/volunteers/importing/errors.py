"""What goes wrong with an import: the whole file (ImportRefused) or some of its rows (RowError)."""

from __future__ import annotations

from dataclasses import dataclass

from huiguang.core.errors import Refused

from ..models import ImportBatch


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
