"""The certificate as a one-page A4 PDF (reportlab).

Every field of the 2015 guidance (DESIGN §5): name, ID type + number (masked unless printed for an
official purpose by a city admin, audited by the caller), volunteer number, hours and service
content, issuer, responsible person, handler, contact, certificate number, date, the seal image
if the organization has one, and a QR code of the Ed25519-signed payload (no full ID number).

The font: a CJK TrueType font embedded (subset) where the system has one (Debian's
fonts-wqy-microhei; CI installs it, the README's deploy notes too), so the PDF prints the same on
every viewer. Without one, reportlab's STSong-Light, which is not embedded: the viewer supplies it
through Adobe's UniGB-UCS2-H map, and that map has no glyph for a few characters a certificate can
hold (the "·" of a name such as 买买提·艾力 or of an activity such as 金平湖·志愿服务日), so those
are written as the nearest character it has.
"""

from __future__ import annotations

import functools
import io
import os
from urllib.parse import quote
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from huiguang.core.formatting import format_hours
from huiguang.core.links import absolute_url

from .history.selectors import imported_hours
from .models import Certificate

# TrueType collections to embed, the first one present wins (OpenType CFF fonts such as Noto CJK
# cannot be embedded by reportlab).
TRUETYPE_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
FALLBACK_FONT = "STSong-Light"
# What STSong-Light's map lacks → the nearest character it has (U+30FB, the middle dot of GB 2312).
_FALLBACK_SUBSTITUTES = str.maketrans(
    {"\u00b7": "\u30fb", "\u2022": "\u30fb", "\u2027": "\u30fb", "\u22c5": "\u30fb", "\u00a0": " "}
)


@functools.cache
def _font_from(paths: tuple[str, ...]) -> str:
    """The name of the registered font: the first TrueType file of `paths` that loads, else
    STSong-Light. Registered once per process."""
    for path in paths:
        if not os.path.isfile(path):
            continue
        name = "HuiguangCJK-" + os.path.splitext(os.path.basename(path))[0]
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        except (TTFError, OSError):
            continue  # unreadable or not TrueType outlines: try the next one
        return name
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def cjk_font() -> str:
    """The registered font every PDF of the platform writes Chinese with (certificates, bulletins)."""
    return _font_from(TRUETYPE_FONTS)


_font = cjk_font


def font_text(text: str, font: str) -> str:
    """`text` as `font` can draw it."""
    return text.translate(_FALLBACK_SUBSTITUTES) if font == FALLBACK_FONT else text


def verify_url(cert: Certificate) -> str:
    return absolute_url(reverse("ledger:verify_lookup") + quote(cert.number or "") + "/")


def qr_url(cert: Certificate) -> str:
    """What the QR code holds: the verification page carrying the signed payload, so a phone
    camera opens it, and `huiguang verify_certificate` accepts the same text offline."""
    return absolute_url(reverse("ledger:verify_lookup") + f"?payload={cert.payload}")


def _qr_png(data: str) -> ImageReader:
    buf = io.BytesIO()
    segno.make(data, error="m").save(buf, kind="png", scale=4, border=2)
    buf.seek(0)
    return ImageReader(buf)


def _seal(cert: Certificate) -> ImageReader | None:
    seal = cert.issuer.seal
    if not seal:
        return None
    try:
        with seal.open("rb") as fh:
            return ImageReader(io.BytesIO(fh.read()))
    except (OSError, ValueError):
        return None  # a missing seal file must not stop the certificate; the text still certifies


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def certificate_pdf(cert: Certificate, *, id_number: str | None = None) -> bytes:
    """`id_number`: the full number for an official print (the caller checks and audits), else masked."""
    with translation.override(settings.LANGUAGE_CODE):
        return _render(cert, id_number or cert.volunteer.id_masked)


def _render(cert: Certificate, id_text: str) -> bytes:
    font = _font()

    def t(value: object) -> str:
        return font_text(str(value), font)

    def para(value: object, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(t(value)), style)  # a Paragraph reads markup: "<" or "&" in a name

    volunteer = cert.volunteer
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, initialFontName=font)  # no stray Helvetica
    c.setTitle(_("Volunteer service record certificate"))
    width, height = A4
    left, right = 22 * mm, width - 22 * mm

    c.setStrokeColor(colors.HexColor("#b22222"))
    c.setLineWidth(1.5)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)

    c.setFont(font, 24)
    c.drawCentredString(width / 2, height - 40 * mm, _("Volunteer service record certificate"))
    c.setFont(font, 10.5)
    c.drawRightString(
        right, height - 50 * mm, t(_("Certificate number: %(number)s") % {"number": cert.number})
    )

    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=21, wordWrap="CJK", firstLineIndent=24)
    cell = ParagraphStyle("cell", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    period = _("from %(start)s to %(end)s") % {
        "start": _date(cert.period_start),
        "end": _date(cert.period_end),
    }
    scope = (
        _("with all organizations")
        if cert.all_organizations
        else _("with %(org)s") % {"org": cert.issuer.name}
    )
    text = _(
        "This is to certify that %(name)s (%(id_type)s: %(id)s; volunteer number %(vno)s) served as a "
        "volunteer %(scope)s %(period)s, for a total of %(hours)s hours of volunteer service, of which "
        "%(credit)s are credit hours verified by attendance."
    ) % {
        "name": volunteer.real_name,
        "id_type": volunteer.get_id_type_display(),
        "id": id_text,
        "vno": volunteer.volunteer_number,
        "scope": scope,
        "period": period,
        "hours": format_hours(cert.total_minutes),
        "credit": format_hours(cert.credit_minutes),
    }
    p = para(text, body)
    _w, h = p.wrap(right - left, 80 * mm)
    top = height - 60 * mm
    p.drawOn(c, left, top - h)
    y = top - h - 8 * mm

    rows = [
        (_("Name"), volunteer.real_name),
        (_("ID type"), volunteer.get_id_type_display()),
        (_("ID number"), id_text),
        (_("Volunteer number"), volunteer.volunteer_number),
        (_("Service period"), period),
        (_("Total hours of service"), _("%(hours)s hours") % {"hours": format_hours(cert.total_minutes)}),
        (_("Credit hours"), _("%(hours)s hours") % {"hours": format_hours(cert.credit_minutes)}),
        *_imported_rows(cert),
        (_("Service content"), cert.summary),
        (_("Purpose"), cert.purpose or "—"),
        (_("Issued by"), cert.issuer.name),
        (_("Responsible person"), cert.responsible_person),
        (_("Handled by"), cert.handler),
        (_("Contact details"), cert.contact),
        (_("Date of issue"), _date(timezone.localdate(cert.issued_at)) if cert.issued_at else ""),
    ]
    table = Table(
        [[para(k, cell), para(v, cell)] for k, v in rows],
        colWidths=[34 * mm, right - left - 34 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),  # else the table sets Helvetica
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f5f5f5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    _w, th = table.wrap(right - left, y - 80 * mm)
    table.drawOn(c, left, y - th)
    y = y - th - 10 * mm

    # The issuer's block at the bottom right, the seal over it; the QR code at the bottom left.
    c.setFont(font, 12)
    block_x = right - 60 * mm
    c.drawString(block_x, y - 6 * mm, t(cert.issuer.name))
    c.drawString(block_x, y - 14 * mm, _date(timezone.localdate(cert.issued_at)) if cert.issued_at else "")
    seal = _seal(cert)
    if seal is not None:
        c.drawImage(
            seal, block_x + 8 * mm, y - 34 * mm, 38 * mm, 38 * mm, mask="auto", preserveAspectRatio=True
        )

    if cert.payload:
        qr_size = 42 * mm
        qr_y = max(18 * mm, y - qr_size - 4 * mm)
        c.drawImage(_qr_png(qr_url(cert)), left, qr_y, qr_size, qr_size)
        c.setFont(font, 8.5)
        c.drawString(left + qr_size + 3 * mm, qr_y + 24 * mm, _("Scan to check the signature, or verify at:"))
        c.drawString(left + qr_size + 3 * mm, qr_y + 19 * mm, verify_url(cert))
        c.drawString(
            left + qr_size + 3 * mm,
            qr_y + 14 * mm,
            _("Offline: huiguang verify_certificate with the published public key"),
        )
    if cert.status == Certificate.Status.REVOKED:
        # A revoked certificate's PDF says so across the page (the register says so too).
        c.saveState()
        c.setFillColor(colors.Color(0.8, 0, 0, alpha=0.35))
        c.setFont(font, 40)
        c.drawCentredString(
            width / 2,
            height / 2,
            _("Revoked on %(date)s") % {"date": _date(timezone.localdate(cert.revoked_at))},
        )
        c.restoreState()
    c.setFont(font, 8)
    c.setFillColor(colors.grey)
    c.drawCentredString(
        width / 2,
        16 * mm,
        _("Issued under the Measures for Volunteer Service Records and Certificates (2015)."),
    )
    c.showPage()
    c.save()
    return buf.getvalue()


def _imported_rows(cert: Certificate) -> list[tuple[str, str]]:
    """Issue 15: the hours imported from the city's old platform, and from which one."""
    imported = imported_hours(cert)
    if not imported:
        return []
    text = "; ".join(
        _("%(hours)s hours imported from %(source)s") % {"hours": format_hours(minutes), "source": source}
        for source, minutes in imported
    )
    return [(_("Imported hours"), text)]
