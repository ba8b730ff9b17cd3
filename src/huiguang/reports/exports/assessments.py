"""An assessment run as .xlsx: one sheet of totals (rank, unit, total, each indicator's points) and
one of the breakdown (unit × indicator: raw value, how it was aggregated, rule, points). Text
cells go through core.masking.safe_cell (no formula injection)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiguang.core.masking import safe_cell

from ..breakdown import rule_text


def _number(value):
    return None if value is None else float(Decimal(value))


def assessment_run_xlsx(run, results) -> bytes:
    indicators = run.snapshot.get("indicators", [])
    wb = Workbook(write_only=True)
    totals = wb.create_sheet(_("Totals"))
    totals.append([_("Rank"), _("Unit"), _("Total"), *[safe_cell(i["label"]) for i in indicators]])
    for r in results:
        totals.append(
            [r.rank, safe_cell(r.unit_name), float(r.total), *[_number(b["points"]) for b in r.breakdown]]
        )
    detail = wb.create_sheet(_("Breakdown"))
    detail.append([_("Unit"), _("Indicator"), _("Raw value"), _("Rule"), _("Points")])
    for r in results:
        for b in r.breakdown:
            detail.append(
                [
                    safe_cell(r.unit_name),
                    safe_cell(b["label"]),
                    _number(b["raw"]),
                    rule_text(b),
                    _number(b["points"]),
                ]
            )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
