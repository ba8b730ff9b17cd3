"""API v1, bulletins: the list, one bulletin and its figures per unit type (issue 10, point 6).
Anyone reads the published bulletins; the city admin and the auditor the drafts too. Figures are
scoped like the pages: the public gets the city's, towns', departments' and teams' lines of a
published bulletin; a console reader in a region or organization the lines of their subtrees."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from huiguang.accounts.auth import PUBLIC_AUTH, PUBLIC_SECURITY
from huiguang.core.api import ERRORS, Pagination, choice, enum_schema

from ..measures import MEASURES, Number
from ..permissions import may_see_bulletins
from ..selectors.bulletins import bulletin_get_for, bulletin_lines, bulletin_list_for
from ..units import UnitType

router = Router(tags=["reports"])

Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="The month, YYYY-MM.")]
UnitTypeParam = Annotated[str | None, choice(UnitType), enum_schema(UnitType)]


def _file_url(bulletin, kind: str) -> str:
    """The public file of a published bulletin; the console's for a draft (city-wide readers)."""
    name = "reports:public_download" if bulletin.is_published else "reports:console_download"
    return reverse(name, kwargs={"month": f"{bulletin.month:%Y-%m}", "kind": kind})


class BulletinOut(Schema):
    month: str = Field(..., description="YYYY-MM")
    status: str = Field(..., description="draft, reviewed or published")
    generated_at: dt.datetime
    published_at: dt.datetime | None
    pdf_url: str
    xlsx_url: str

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return _file_url(obj, "pdf")

    @staticmethod
    def resolve_xlsx_url(obj) -> str:
        return _file_url(obj, "xlsx")


class MeasureOut(Schema):
    key: str
    label: str
    unit: str


class LineOut(Schema):
    id: str = Field(..., description="Region code, or organization id.")
    name: str
    parent: str = Field(..., description="The region above (regions); empty for organizations.")
    values: dict[str, Number] = Field(..., description="Measure key → value this month.")
    previous: dict[str, Number] = Field(..., description="Measure key → value the month before.")
    change: dict[str, Number] = Field(..., description="Measure key → change since the month before.")
    rank: dict[str, int | None] = Field(..., description="Measure key → rank among the lines (1 = most).")


class FiguresOut(Schema):
    month: str
    unit_type: str
    measures: list[MeasureOut]
    lines: list[LineOut]


class FiguresQuery(Schema):
    unit_type: UnitTypeParam = UnitType.TOWN


def _reader(request):
    """The user whose scope applies: a console reader, else None (the public's published view)."""
    user = request.user
    return user if user.is_authenticated and may_see_bulletins(user) else None


@router.get(
    "/bulletins",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    url_name="bulletins",
    response={200: list[BulletinOut], **ERRORS},
    summary="Monthly bulletins",
    description="The published bulletins, newest first (drafts and reviewed ones too for the city "
    "admin and the auditor).",
)
@paginate(Pagination)
def bulletins(request):
    return bulletin_list_for(_reader(request))


@router.get(
    "/bulletins/{month}",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    url_name="bulletin",
    response={200: BulletinOut, **ERRORS},
    summary="One bulletin",
)
def bulletin(request, month: Month):
    return bulletin_get_for(_reader(request), month)


@router.get(
    "/bulletins/{month}/figures",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    url_name="bulletin_figures",
    response={200: FiguresOut, **ERRORS},
    summary="A bulletin's figures for one unit type",
    description="Every line the reader may see of one unit type (city, town, village, department, "
    "team): each measure's value, the month before, the change and the rank, as published.",
)
def figures(request, month: Month, query: Query[FiguresQuery]):
    user = _reader(request)
    found = bulletin_get_for(user, month)
    unit_type = query.unit_type or UnitType.TOWN
    keys = [
        k for k in found.snapshot.get("sections", {}).get(unit_type, {}).get("measures", []) if k in MEASURES
    ]
    return {
        "month": month,
        "unit_type": unit_type,
        "measures": [
            {"key": k, "label": str(MEASURES[k].label), "unit": str(MEASURES[k].unit)} for k in keys
        ],
        "lines": bulletin_lines(found, unit_type, user=user, public=user is None),
    }
