"""The city's 志愿贷 statistics as .xlsx: one row per month (referrals, loans, amount) and a total.
Every export is audited."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.audit import audit_log
from huiguang.ledger.exports import XLSX

from ..selectors.loans import loan_totals_by_month

__all__ = ["XLSX", "loan_statistics_xlsx"]


def loan_statistics_xlsx(*, actor, request=None) -> bytes:
    months = loan_totals_by_month()
    wb = Workbook()
    ws = wb.active
    ws.title = _("志愿贷")[:31]
    ws.append([_("Month"), _("Referrals"), _("Loans"), _("Amount (CNY)")])
    for row in months:
        ws.append([row["month"].strftime("%Y-%m"), row["referrals"], row["loans"], row["amount"]])
    ws.append(
        [
            _("Total"),
            sum(r["referrals"] for r in months),
            sum(r["loans"] for r in months),
            sum(r["amount"] for r in months),
        ]
    )
    buf = BytesIO()
    wb.save(buf)
    audit_log(action="loan_statistics.export", actor=actor, request=request, months=len(months))
    return buf.getvalue()
