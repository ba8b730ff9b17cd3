"""Bulk registration of volunteers from .xlsx and .csv files (a school's students, a department's staff).

Three steps, each usable alone:

- `read_upload(content, file_name)` (files.py) reads a file safely, or raises `ImportRefused`;
  columns.py matches its header row to the template's columns.
- `import_plan(...)` (plan.py) validates every row with the rules of validation.py and against the
  database and returns every bad row (row number, column, message); it writes nothing.
- `import_preview` / `import_apply` / `volunteers_import` (apply.py) write everything in one
  transaction or nothing.

downloads.py builds the template and the error report. The reads (where a user may import, the
batches they see, the plan's look-ups) are in volunteers/selectors.py.
"""

from .apply import ImportResult, import_apply, import_preview, volunteers_import
from .downloads import report_csv, report_xlsx, template_csv, template_xlsx
from .errors import ImportRefused, ImportRowsInvalid, RowError
from .files import ParsedFile, check_size, max_bytes, max_rows, read_upload
from .plan import ImportPlan, import_plan

__all__ = [
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "ImportRowsInvalid",
    "ParsedFile",
    "RowError",
    "check_size",
    "import_apply",
    "import_plan",
    "import_preview",
    "max_bytes",
    "max_rows",
    "read_upload",
    "report_csv",
    "report_xlsx",
    "template_csv",
    "template_xlsx",
    "volunteers_import",
]
