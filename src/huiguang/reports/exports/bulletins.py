"""The bulletin as a PDF (reportlab: A4 landscape, the city's red header, Chinese in the
platform's CJK font — STSong-Light where no TrueType font is installed, ledger.pdf.cjk_font) and
as an .xlsx (exports/xlsx.py: one sheet per unit type with every measure, its rank and its change; the
days and the categories). Both are made from the snapshot when the bulletin is generated and kept
with it: a published bulletin's files never change."""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from huiguang.core.masking import safe_cell
from huiguang.ledger.pdf import cjk_font, font_text

from ..figures import section_lines
from ..measures import MEASURES
from ..units import CITY, DEPARTMENT, TEAM, TOWN, UNIT_TYPES, VILLAGE
from .xlsx import xlsx_bytes

RED = colors.HexColor("#c00000")
# The city's figures told in the PDF's opening sentence; the others follow it as a list.
SUMMARY = (
    "hours",
    "participations",
    "active",
    "activities_held",
    "people_served",
    "registered",
    "registered_new",
)
# The PDF's tables: the unit types printed (villages stay in the console and the .xlsx) and the
# measures of each line (all of them are in the .xlsx).
PDF_SECTIONS = (TOWN, DEPARTMENT, TEAM)
PDF_MEASURES = (
    "registered",
    "registration_rate",
    "active",
    "activity_rate",
    "participations",
    "hours",
    "hours_per_active",
    "activities_held",
    "new_stars",
)


def title(month: dt.date) -> str:
    return _("%(city)s volunteer service bulletin, %(year)d-%(month)02d") % {
        "city": settings.HUIGUANG_CITY_NAME,
        "year": month.year,
        "month": month.month,
    }


def show(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def shown_change(value) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f}" if isinstance(value, float) and not value.is_integer() else f"{int(value):+d}"


def bulletin_pdf(month: dt.date, figures: dict, *, generated_at: dt.datetime) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _pdf(month, figures, generated_at)


def _pdf(month: dt.date, figures: dict, generated_at: dt.datetime) -> bytes:
    font = cjk_font()

    def t(value: object) -> str:
        return font_text(str(value), font)

    head = ParagraphStyle("head", fontName=font, fontSize=26, leading=34, alignment=1, textColor=RED)
    sub = ParagraphStyle("sub", fontName=font, fontSize=11, leading=16, alignment=1)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle(
        "body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK", firstLineIndent=21
    )
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")

    def para(text: object, style) -> Paragraph:
        return Paragraph(escape(t(text)), style)

    story: list = [
        para(_("%(city)s volunteer service bulletin") % {"city": settings.HUIGUANG_CITY_NAME}, head),
        para(
            _("%(issuer)s · %(year)d-%(month)02d · generated %(date)s")
            % {
                "issuer": settings.HUIGUANG_BULLETIN_ISSUER,
                "year": month.year,
                "month": month.month,
                "date": timezone.localtime(generated_at).date().isoformat(),
            },
            sub,
        ),
        Table([[""]], colWidths=[250 * mm], style=[("LINEBELOW", (0, 0), (-1, -1), 2, RED)]),
        Spacer(1, 4 * mm),
    ]
    city = section_lines(figures["sections"][CITY])
    if city:
        v = city[0]["values"]
        story.append(
            para(
                _(
                    "In %(year)d-%(month)02d the city's volunteers served %(hours)s hours in "
                    "%(participations)s participations; %(active)s volunteers were active; "
                    "%(held)s activities were held and served %(served)s people. %(registered)s "
                    "volunteers are registered, %(new)s of them this month."
                )
                % {
                    "year": month.year,
                    "month": month.month,
                    "hours": show(v.get("hours")),
                    "participations": show(v.get("participations")),
                    "active": show(v.get("active")),
                    "held": show(v.get("activities_held")),
                    "served": show(v.get("people_served")),
                    "registered": show(v.get("registered")),
                    "new": show(v.get("registered_new")),
                },
                body,
            )
        )
        # Every other figure of the city's line, from the catalogue (trainings, loans, school points…).
        more = [
            f"{MEASURES[k].label} {show(v.get(k))} {MEASURES[k].unit}"
            for k in figures["sections"][CITY]["measures"]
            if k in MEASURES and k not in SUMMARY
        ]
        if more:
            story.append(para(" · ".join(more), body))
    for unit_type in PDF_SECTIONS:
        lines = section_lines(figures["sections"].get(unit_type, {}))
        story.append(para(UNIT_TYPES[unit_type], h2))
        if not lines:
            story.append(para(_("No unit of this kind."), body))
            continue
        header = [para(_("Unit"), cell)] + [
            para(f"{MEASURES[k].label}（{MEASURES[k].unit}）", cell) for k in PDF_MEASURES
        ]
        header += [para(_("hours rank"), cell), para(_("hours change"), cell)]
        rows = [header]
        for line in sorted(lines, key=lambda x: (x["rank"].get("hours") or 10**6, x["name"])):
            rows.append(
                [para(line["name"], cell)]
                + [show(line["values"].get(k)) for k in PDF_MEASURES]
                + [show(line["rank"].get("hours")), shown_change(line["change"].get("hours"))]
            )
        widths = [44 * mm] + [20 * mm] * len(PDF_MEASURES) + [15 * mm, 15 * mm]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), font, 8),
                    # The figures are ASCII: a built-in font draws them several times faster than
                    # the embedded CJK one (no glyph subset to map, no TrueType metrics to read).
                    ("FONT", (1, 1), (-1, -1), "Helvetica", 8),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e5e5")),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story.append(table)
    corrections = figures.get("corrections") or []
    if corrections:
        story.append(para(_("Corrections since earlier bulletins"), h2))
        for c in corrections:
            story.append(para(correction_text(c), body))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title(month),
        author=settings.HUIGUANG_BULLETIN_ISSUER,
        initialFontName=font,
    )
    doc.build(story)
    return buf.getvalue()


def correction_text(c: dict) -> str:
    return _(
        "%(month)s: published %(hours_was)s hours, %(part_was)s participations, %(active_was)s "
        "active volunteers; after later corrections %(hours_now)s hours, %(part_now)s "
        "participations, %(active_now)s active volunteers."
    ) % {
        "month": c["month"],
        "hours_was": show(c["published"].get("hours")),
        "part_was": show(c["published"].get("participations")),
        "active_was": show(c["published"].get("active")),
        "hours_now": show(c["now"].get("hours")),
        "part_now": show(c["now"].get("participations")),
        "active_now": show(c["now"].get("active")),
    }


def bulletin_xlsx(month: dt.date, figures: dict) -> bytes:
    """One sheet per unit type (every measure, its rank and its change), the days, the categories."""
    with translation.override(settings.LANGUAGE_CODE):
        sheets: list[tuple[str, list[list]]] = []
        for unit_type in (CITY, TOWN, VILLAGE, DEPARTMENT, TEAM):
            data = figures["sections"].get(unit_type)
            if data is None:
                continue
            keys = data["measures"]
            head = [_("Unit")]
            for k in keys:
                label = str(MEASURES[k].label) if k in MEASURES else k
                head += [
                    label,
                    _("%(measure)s rank") % {"measure": label},
                    _("%(measure)s change") % {"measure": label},
                ]
            rows: list[list] = [head]
            for line in section_lines(data):
                row: list = [safe_cell(line["name"])]
                values, rank, change = line["values"], line["rank"], line["change"]
                for k in keys:
                    row += [values.get(k), rank.get(k), change.get(k)]
                rows.append(row)
            sheets.append((str(UNIT_TYPES[unit_type]), rows))
        hours, participations = str(MEASURES["hours"].label), str(MEASURES["participations"].label)
        days = [[_("Day"), hours, participations], *figures.get("days", [])]
        categories = [[_("Category"), hours, participations]] + [
            [safe_cell(name or _("without an activity")), h, p]
            for name, h, p in figures.get("categories", [])
        ]
        sheets += [(_("Days"), days), (_("Categories"), categories)]
        return xlsx_bytes(sheets)
