"""Service records as .xlsx with the fields of the 2012 志愿服务记录办法.

One row per ledger row (reversals and corrections included, so the sheet adds up to the ledger):
activity, date, place, service recipients, content, hours, evaluation, responsible person,
recorder; plus the volunteer, the organization, kind, source, the credit flag (信用时数) and the
status. Every text cell goes through safe_cell (formula injection); every export is audited.
"""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.audit import audit_log
from huiguang.core.formatting import format_time_range, hours_from_minutes
from huiguang.core.masking import safe_cell

from .models import ServiceRecord
from .selectors.records import export_rows

MAX_EXPORT_ROWS = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header() -> list[str]:
    return [
        _("Volunteer number"),
        _("Volunteer"),
        _("Organization"),
        _("Activity"),
        _("Service date"),
        _("Place"),
        _("Service recipients"),
        _("Service content"),
        _("Started"),
        _("Ended"),
        _("Hours"),
        _("Evaluation"),
        _("Rating"),
        _("Responsible person"),
        _("Recorder"),
        _("Kind"),
        _("Source"),
        _("Credit hours"),
        _("Status"),
        _("Record number"),
    ]


def record_status(record: ServiceRecord) -> str:
    if record.status == ServiceRecord.Status.CONFIRMED and getattr(record, "is_reversed", False):
        return _("reversed")
    return str(record.get_status_display())


def row(record: ServiceRecord) -> list:
    return [
        safe_cell(x)
        for x in (
            record.volunteer.volunteer_number,
            record.volunteer.real_name,
            record.organization.name,
            record.activity_name,
            record.service_date.isoformat(),
            record.place,
            record.recipients,
            record.content,
            format_time_range(record.started_at, with_date=False),
            format_time_range(record.ended_at, with_date=False),
            float(hours_from_minutes(record.minutes)),
            record.evaluation,
            record.rating if record.rating is not None else "",
            record.responsible_person,
            record.recorder,
            str(record.get_kind_display()),
            str(record.get_source_display()),
            _("yes") if record.is_credit else _("no"),
            record_status(record),
            record.pk,
        )
    ]


def records_xlsx(*, request, records, filename: str, audit_obj=None, what: str, **detail) -> HttpResponse:
    """`records`: a ServiceRecord queryset already limited to what the user may export."""
    qs = export_rows(records)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Service records"))
    ws.append(header())
    rows = 0
    for record in qs[:MAX_EXPORT_ROWS].iterator(chunk_size=2000):
        ws.append(row(record))
        rows += 1
    out = BytesIO()
    wb.save(out)
    audit_log(
        action="export", actor=request.user, obj=audit_obj, request=request, what=what, rows=rows, **detail
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
