"""The volunteer's record under 条例 art. 19 as .xlsx: the ledger's rows (the same columns as the
ledger's own export, ledger/exports.py) plus a sheet of the volunteer's honors and a sheet with
the newest credit score. The ledger cannot import credit (it sits below), so credit owns this
fuller export and the ledger's hours-only export stays as it is."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.audit import audit_log
from huiguang.core.masking import safe_cell
from huiguang.ledger.exports import MAX_EXPORT_ROWS, XLSX, header, row
from huiguang.ledger.selectors.records import export_rows, records_for_volunteer

from .selectors.scores import honors_of, latest_snapshot


def honor_header() -> list[str]:
    return [_("Title"), _("Level"), _("Issuer"), _("Date"), _("Citation"), _("Evidence")]


def honor_row(honor) -> list:
    return [
        safe_cell(x)
        for x in (
            honor.title,
            str(honor.get_level_display()),
            honor.issuer,
            honor.awarded_on.isoformat(),
            honor.citation,
            _("yes") if honor.evidence else _("no"),
        )
    ]


def record_xlsx(*, request, volunteer, what: str) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Service records"))
    ws.append(header())
    rows = 0
    for record in export_rows(records_for_volunteer(volunteer))[:MAX_EXPORT_ROWS].iterator(chunk_size=2000):
        ws.append(row(record))
        rows += 1
    honors = wb.create_sheet(_("Honors"))
    honors.append(honor_header())
    n_honors = 0
    for honor in honors_of(volunteer):
        honors.append(honor_row(honor))
        n_honors += 1
    score = wb.create_sheet(_("Credit score"))
    snapshot = latest_snapshot(volunteer)
    score.append([_("Score"), _("Band"), _("Policy version"), _("Computed")])
    if snapshot is not None:
        score.append(
            [
                snapshot.score,
                safe_cell(snapshot.band),
                snapshot.policy_version,
                timezone.localtime(snapshot.computed_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    out = BytesIO()
    wb.save(out)
    audit_log(
        action="export",
        actor=request.user,
        obj=volunteer,
        request=request,
        what=what,
        rows=rows,
        honors=n_honors,
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"record-{volunteer.volunteer_number}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
