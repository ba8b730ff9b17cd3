"""The unit table of a drive as .xlsx (targets, sign-ups, progress, enrolled and registered league
members); audited like every export."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.audit import audit_log
from huiguang.core.masking import safe_cell

from ..models.drives import Drive

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def units_xlsx(*, request, drive: Drive, units) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Units"))
    ws.append(
        [
            _("Unit"),
            _("Kind"),
            _("Target"),
            _("Sign-ups"),
            _("New volunteers"),
            _("Progress"),
            _("Registered members"),
            _("Enrolled league members"),
            _("Registered league members"),
        ]
    )
    rows = 0
    for u in units:
        ws.append(
            [
                safe_cell(u.name),
                u.kind_label,
                u.target,
                u.signup_count,
                u.newcomer_count,
                _pct(u.progress),
                u.member_count,
                u.enrolled_league_members if u.is_school else "",
                u.registered if u.is_school else "",
            ]
        )
        rows += 1
    out = BytesIO()
    wb.save(out)
    audit_log(
        action="export", actor=request.user, request=request, what="drive_units", drive=drive.pk, rows=rows
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="drive-{drive.pk}-units-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response
