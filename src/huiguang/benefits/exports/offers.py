"""Offer statistics as .xlsx: one sheet per offer (stock, taken, left, claims, redeemed,
cancelled), one per offer and month. Text cells go through safe_cell; every export is audited."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.audit import audit_log
from huiguang.core.masking import safe_cell

from ..models import Partner
from ..selectors.offers import monthly_statistics, offer_statistics

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statistics_xlsx(*, user, partner: Partner | None, request=None) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Offers")
    ws.append(
        [
            _("Partner"),
            _("Offer"),
            _("Category"),
            _("Stock"),
            _("Taken"),
            _("Left"),
            _("Claims"),
            _("Redeemed"),
            _("Cancelled"),
        ]
    )
    offers = offer_statistics(partner)
    for row in offers:
        ws.append(
            [
                safe_cell(row["partner__name"]),
                safe_cell(row["title"]),
                safe_cell(str(row["category_label"])),
                row["stock"],
                row["taken"],
                row["left"],
                row["claims"],
                row["redeemed"],
                row["cancelled"],
            ]
        )
    months = wb.create_sheet(_("By month"))
    months.append([_("Month"), _("Partner"), _("Offer"), _("Claims"), _("Redeemed")])
    for row in monthly_statistics(partner):
        months.append(
            [
                timezone.localtime(row["month"]).strftime("%Y-%m") if row["month"] else "",
                safe_cell(row["partner__name"]),
                safe_cell(row["offer__title"]),
                row["claims"],
                row["redeemed"],
            ]
        )
    buf = BytesIO()
    wb.save(buf)
    audit_log(
        action="offer.statistics_export",
        actor=user,
        obj=partner,
        request=request,
        rows=len(offers),
    )
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    name = f"offers-{partner.pk if partner else 'city'}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
