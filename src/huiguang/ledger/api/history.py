"""API v1, the history import (issue 15): the city admin's imports, their summary and progress
(uploading and confirming are done on the console page or with `huiguang import_history`).
Anyone else gets an empty list and 404 for one import."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination

from ..history.selectors import history_import_get_for, history_import_list_for

router = Router(tags=["ledger"])


class HistoryImportOut(Schema):
    id: int
    source: str = Field(..., alias="source.name")
    status: str = Field(
        ..., description="failed (bad rows, nothing written), validated, applying or applied."
    )
    file_names: list[str]
    error_count: int
    total: int = Field(..., description="Service records the import writes (with those already written).")
    done: int = Field(..., description="Service records written so far: the progress.")
    percent: int
    created_at: dt.datetime
    finished_at: dt.datetime | None


class HistoryImportDetailOut(HistoryImportOut):
    summary: dict = Field(
        ...,
        description="rows_by_kind, errors_by_reason, to_write, minutes and hours_by_town_year (the dry-run).",
    )
    errors: list[dict] = Field(..., description="The first bad rows: file, row, reason, message.")


@router.get(
    "/history-imports",
    url_name="history_imports",
    response={200: list[HistoryImportOut], **ERRORS},
    summary="History imports",
    description="The imports of a city's history from its old platform, newest first (city admins).",
)
@paginate(Pagination)
def history_imports(request):
    return history_import_list_for(request.user)


@router.get(
    "/history-imports/{int:pk}",
    url_name="history_import",
    response={200: HistoryImportDetailOut, **ERRORS},
    summary="One history import",
    description="Its dry-run summary, its bad rows and its progress (city admins; 404 for anyone else).",
)
def history_import(request, pk: int):
    return history_import_get_for(request.user, pk)
