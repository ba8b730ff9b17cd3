"""Exports of volunteer lists: masked per DESIGN §6, formula cells neutralized, audited."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.audit import audit_log
from huiguang.core.masking import mask_phone, safe_cell

MAX_EXPORT_ROWS = 100_000


def volunteer_list_xlsx(*, request, queryset) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Volunteers"))
    ws.append(
        [
            _("Volunteer number"),
            _("Real name"),
            _("ID number"),
            _("Gender"),
            _("Mobile number"),
            _("Residence"),
            _("Political status"),
            _("Student"),
            _("School"),
            _("Registered"),
        ]
    )
    rows = 0
    for v in queryset.select_related("user", "residence_region")[:MAX_EXPORT_ROWS].iterator(chunk_size=2000):
        ws.append(
            [
                safe_cell(x)
                for x in (
                    v.volunteer_number,
                    v.real_name,
                    v.id_masked,
                    v.get_gender_display(),
                    mask_phone(v.user.phone),
                    v.residence_region.name,
                    v.get_political_status_display(),
                    _("yes") if v.is_student else _("no"),
                    v.school,
                    timezone.localtime(v.registered_at).strftime("%Y-%m-%d %H:%M"),
                )
            ]
        )
        rows += 1
    out = BytesIO()
    wb.save(out)
    audit_log(action="export", actor=request.user, request=request, what="volunteers", rows=rows)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="volunteers-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
