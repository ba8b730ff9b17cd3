"""Exports of the organizers' console: a shift's roster as .xlsx."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.audit import audit_log
from huiguang.core.formatting import format_time_range
from huiguang.core.masking import mask_phone, safe_cell

from .models import Enrollment, Shift
from .selectors.console import roster_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = 20000


def roster_phone(enrollment: Enrollment, full: bool) -> str:
    """The volunteer's mobile number, in full for the organization's managers, else masked."""
    phone = enrollment.volunteer.user.phone
    return phone if full else mask_phone(phone)


def roster_export(*, actor, shift: Shift, full_phone: bool, request=None) -> bytes:
    """The roster as .xlsx, masked as on the page, formula cells neutralized; the export is audited."""
    activity = shift.activity
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Roster"))
    ws.append(
        [
            safe_cell(x)
            for x in (activity.title, shift.name, format_time_range(shift.starts_at, shift.ends_at))
        ]
    )
    ws.append(
        [
            _("Volunteer number"),
            _("Real name"),
            _("ID number"),
            _("Mobile number"),
            _("Status"),
            _("Signed up"),
            _("Signed up by"),
            _("Note"),
        ]
    )
    rows = 0
    for e in roster_for(shift)[:MAX_EXPORT_ROWS].iterator(chunk_size=1000):
        ws.append(
            [
                safe_cell(x)
                for x in (
                    e.volunteer.volunteer_number,
                    e.volunteer.real_name,
                    e.volunteer.id_masked,
                    roster_phone(e, full_phone),
                    e.get_status_display(),
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                    str(e.signed_up_by) if e.signed_up_by_id else "",
                    e.reason,
                )
            ]
        )
        rows += 1
    out = BytesIO()
    wb.save(out)
    audit_log(
        action="export",
        actor=actor,
        obj=shift,
        request=request,
        what="roster",
        rows=rows,
        phones="full" if full_phone else "masked",
    )
    return out.getvalue()
