"""Reads of bulletins, scoped (DESIGN §6): the city-wide readers see every bulletin, everyone else
the published ones; in the console a region or organization admin reads the lines of their own
units and of the units below (permissions.line_visible). A bulletin outside what the user may
see answers 404."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404

from ..figures import section_lines
from ..measures import MEASURES
from ..models import Bulletin
from ..permissions import line_visible, visible_statuses
from ..units import CITY, DEPARTMENT, TEAM, TOWN, UNIT_TYPES, VILLAGE

# What the public page shows (villages are in the console, by scope, and in the .xlsx).
PUBLIC_SECTIONS = (CITY, TOWN, DEPARTMENT, TEAM)
CONSOLE_SECTIONS = (CITY, TOWN, VILLAGE, DEPARTMENT, TEAM)


def month_of(text: str) -> dt.date:
    """ "2026-11" in a URL → the month's first day; anything else is not a bulletin (404)."""
    try:
        return dt.datetime.strptime(str(text), "%Y-%m").date()
    except ValueError:
        raise Http404 from None


def _light(qs: QuerySet[Bulletin]) -> QuerySet[Bulletin]:
    return qs.defer("pdf", "xlsx", "snapshot").select_related("published_by", "reviewed_by", "generated_by")


def bulletin_list_for(user) -> QuerySet[Bulletin]:
    return _light(Bulletin.objects.filter(status__in=visible_statuses(user)))


def bulletin_get_for(user, month: str) -> Bulletin:
    bulletin = Bulletin.objects.filter(status__in=visible_statuses(user), month=month_of(month)).first()
    if bulletin is None:
        raise Http404
    return bulletin


def bulletin_public_list() -> QuerySet[Bulletin]:
    return _light(Bulletin.objects.filter(status=Bulletin.Status.PUBLISHED))


def bulletin_public_get(month: str) -> Bulletin:
    return bulletin_get_for(None, month)


def bulletin_sections(bulletin: Bulletin, *, user=None, public: bool = False) -> list[dict]:
    """The tables of a bulletin page: per unit type its label, its measures (key, label, unit) and
    the lines the reader may see (public: every line of the public unit types)."""
    out = []
    sections = bulletin.snapshot.get("sections", {})
    for unit_type in PUBLIC_SECTIONS if public else CONSOLE_SECTIONS:
        data = sections.get(unit_type)
        if not data:
            continue
        lines = [line for line in section_lines(data) if public or line_visible(user, line)]
        if not lines:
            continue
        keys = [k for k in data["measures"] if k in MEASURES]
        out.append(
            {
                "type": unit_type,
                "label": UNIT_TYPES[unit_type],
                "measures": [MEASURES[k] for k in keys],
                "lines": [
                    {
                        **line,
                        "cells": [
                            (line["values"].get(k), line["rank"].get(k), line["change"].get(k)) for k in keys
                        ],
                    }
                    for line in lines
                ],
            }
        )
    return out


def bulletin_lines(bulletin: Bulletin, unit_type: str, *, user=None, public: bool = False) -> list[dict]:
    """One unit type's lines of a bulletin for the API, scoped like the pages."""
    return next(
        (s["lines"] for s in bulletin_sections(bulletin, user=user, public=public) if s["type"] == unit_type),
        [],
    )


HEADLINE = ("hours", "participations", "active", "registered", "activities_held", "people_served")


def bulletin_page(bulletin: Bulletin, *, user=None, public: bool = False) -> dict:
    """What a bulletin page shows: the tables, the city's headline figures when the reader may
    see the city's line, and the charts' data (hours by unit of the first table; the days)."""
    sections = bulletin_sections(bulletin, user=user, public=public)
    city = next((s for s in sections if s["type"] == CITY), None)
    units = next((s for s in sections if s["type"] != CITY), None)
    headline, city_more = [], []
    if city:
        values = city["lines"][0]["values"]
        headline = [(MEASURES[k].label, values.get(k)) for k in HEADLINE if k in values]
        # The city's other figures (trainings, loans, school points…): the city-wide ones are
        # in no table below.
        city_more = [
            (m.label, values.get(m.key), m.unit, m.description)
            for m in city["measures"]
            if m.key not in HEADLINE
        ]
    chart = {
        "hoursLabel": str(MEASURES["hours"].label),
        "participationsLabel": str(MEASURES["participations"].label),
        "units": [[line["name"], line["values"].get("hours") or 0] for line in units["lines"]]
        if units
        else [],
        "days": bulletin.snapshot.get("days", []) if city else [],
    }
    return {"sections": sections, "headline": headline, "city_more": city_more, "chart_data": chart}
