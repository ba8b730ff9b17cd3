"""Training records (qualifications, with how each was obtained) as .xlsx; audited like every export."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.audit import audit_log
from huiguang.core.masking import safe_cell

from .models import Qualification

MAX_EXPORT_ROWS = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def state_label(q: Qualification, today) -> str:
    if q.revoked_at is not None:
        return _("revoked")
    if q.expires_on is not None and q.expires_on < today:
        return _("expired")
    return _("valid")


def qualifications_xlsx(*, request, qualifications) -> HttpResponse:
    today = timezone.localdate()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Training records"))
    ws.append(
        [
            _("Volunteer number"),
            _("Volunteer"),
            _("Qualification"),
            _("Source"),
            _("Course"),
            _("Granted by"),
            _("Certificate number"),
            _("Issued"),
            _("Expires"),
            _("State"),
            _("Reason for revoking"),
        ]
    )
    rows = 0
    for q in qualifications[:MAX_EXPORT_ROWS].iterator(chunk_size=2000):
        ws.append(
            [
                safe_cell(x)
                for x in (
                    q.volunteer.volunteer_number,
                    q.volunteer.real_name,
                    q.type.name,
                    str(q.get_source_display()),
                    q.course.title if q.course else "",
                    q.source_label,
                    q.certificate_no,
                    q.issued_on.isoformat(),
                    q.expires_on.isoformat() if q.expires_on else "",
                    state_label(q, today),
                    q.revoke_reason,
                )
            ]
        )
        rows += 1
    out = BytesIO()
    wb.save(out)
    audit_log(action="export", actor=request.user, request=request, what="training_records", rows=rows)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="training-records-{today:%Y%m%d}.xlsx"'
    return response
