"""Exports for the funders: a programme's grants as .xlsx (money granted, paid, accounted for)."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.masking import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def yuan(fen: int) -> float:
    """Fen as yuan for a spreadsheet cell (two decimals are exact in a double up to 10^13 fen)."""
    return round(fen / 100, 2)


def programme_xlsx(programme, rows, totals) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Grants"))
    ws.append([safe_cell(programme.name), programme.year, safe_cell(programme.funder.name)])
    ws.append(
        [
            _("Project"),
            _("Owning organization"),
            _("Funder"),
            _("Purpose"),
            _("Granted (yuan)"),
            _("Paid (yuan)"),
            _("Accounted for (yuan)"),
            _("Milestones done"),
            _("Milestones"),
            _("Overdue"),
        ]
    )
    for g in rows:
        ws.append(
            [
                safe_cell(g.project.name),
                safe_cell(g.project.organization.name),
                safe_cell(g.funder.name),
                safe_cell(g.purpose),
                yuan(g.amount_fen),
                yuan(g.paid_fen),
                yuan(g.accounted_fen),
                g.n_done,
                g.n_milestones,
                g.n_overdue,
            ]
        )
    ws.append(
        [_("Total"), "", "", "", yuan(totals["granted"]), yuan(totals["paid"]), yuan(totals["accounted"])]
    )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
