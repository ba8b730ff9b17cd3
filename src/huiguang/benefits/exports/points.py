"""积分入学 outputs: the statistics as .xlsx (audited) and the points certificate as a one-page
PDF with a QR code of the signed certificate (the ledger's fonts, ledger/pdf.py)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from huiguang.core.audit import audit_log
from huiguang.ledger.exports import XLSX
from huiguang.ledger.pdf import _font, font_text

from ..models import PointsApplication
from ..selectors.points import points_totals_by_month
from ..services.points import certificate_fields

__all__ = ["XLSX", "points_certificate_pdf", "points_statistics_xlsx"]


def points_statistics_xlsx(*, actor, request=None) -> bytes:
    months = points_totals_by_month()
    wb = Workbook()
    ws = wb.active
    ws.title = _("School points")[:31]
    ws.append([_("Month"), _("Applications"), _("Approved"), _("Points approved")])
    for row in months:
        ws.append(
            [row["month"].strftime("%Y-%m"), row["applications"], row["approved"], float(row["points"])]
        )
    ws.append(
        [
            _("Total"),
            sum(r["applications"] for r in months),
            sum(r["approved"] for r in months),
            float(sum(r["points"] for r in months)),
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    audit_log(action="points_statistics.export", actor=actor, request=request, months=len(months))
    return buf.getvalue()


def points_certificate_pdf(application: PointsApplication, *, link: str) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _render(application, link)


def _render(application: PointsApplication, link: str) -> bytes:
    font = _font()
    fields = certificate_fields(application)
    cell = ParagraphStyle("cell", fontName=font, fontSize=11, leading=16, wordWrap="CJK")

    def para(value: object) -> Paragraph:
        return Paragraph(escape(font_text(str(value), font)), cell)

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, initialFontName=font)
    c.setTitle(_("School-admission points certificate"))
    width, height = A4
    left, right = 22 * mm, width - 22 * mm
    c.setStrokeColor(colors.HexColor("#b22222"))
    c.setLineWidth(1.5)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setFont(font, 22)
    c.drawCentredString(width / 2, height - 40 * mm, _("School-admission points certificate"))
    c.setFont(font, 10.5)
    c.drawRightString(
        right,
        height - 50 * mm,
        font_text(_("Certificate number: %(number)s") % {"number": fields["no"]}, font),
    )
    rows = [
        (_("Parent (volunteer)"), fields["parent"]),
        (_("Volunteer number"), fields["vno"]),
        (_("Child"), fields["child"]),
        (_("Child's ID number"), fields["child_id"]),
        (_("School year"), fields["year"]),
        (_("Hours counted"), _("%(hours)s hours") % {"hours": fields["hours"]}),
        (_("Points"), fields["points"]),
        (_("Issued by"), fields["bureau"]),
        (_("Date of issue"), fields["date"]),
    ]
    table = Table([[para(k), para(v)] for k, v in rows], colWidths=[40 * mm, right - left - 40 * mm])
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    _w, h = table.wrap(right - left, height)
    table.drawOn(c, left, height - 60 * mm - h)
    qr = io.BytesIO()
    segno.make(link, error="l").save(qr, kind="png", scale=3, border=2)
    qr.seek(0)
    size = 45 * mm
    c.drawImage(ImageReader(qr), right - size, 25 * mm, size, size)
    c.setFont(font, 9)
    c.drawString(
        left, 30 * mm, font_text(_("Scan the code or paste the signed text on the verification page."), font)
    )
    c.showPage()
    c.save()
    return buf.getvalue()
