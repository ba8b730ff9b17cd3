"""The units a bulletin (and an assessment) reports on, by unit type: the city, its towns/streets
and their villages/communities (regions, keyed by code), city departments and teams
(organizations, keyed by pk as a string). Each unit carries its registration-rate base."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from huiguang.network.models import Organization, Region


class UnitType(models.TextChoices):
    CITY = "city", _("city")
    TOWN = "town", _("towns and streets")
    VILLAGE = "village", _("villages and communities")
    DEPARTMENT = "department", _("city departments")
    TEAM = "team", _("teams")


CITY, TOWN, VILLAGE, DEPARTMENT, TEAM = (t.value for t in UnitType)
UNIT_TYPES = dict(UnitType.choices)
REGION_TYPES = {CITY: Region.Level.CITY, TOWN: Region.Level.TOWN, VILLAGE: Region.Level.VILLAGE}
ORGANIZATION_TYPES = {
    DEPARTMENT: (Organization.Kind.DEPARTMENT,),
    # Professional teams and federations (issue 10), and schools (rate ÷ enrolled students).
    TEAM: (Organization.Kind.PROFESSIONAL, Organization.Kind.FEDERATION, Organization.Kind.SCHOOL),
}


@dataclass(frozen=True)
class Unit:
    id: str  # region code, or organization pk
    name: str
    path: str  # the region's or organization's path: subtree = startswith
    parent: str  # the id of the region above (regions) or "" (organizations)
    base: int  # registration-rate base: population, staff or enrolled students
    kind: str = ""  # the organization's kind

    @property
    def is_region(self) -> bool:
        return not self.path.startswith("/")  # organization paths start with "/"


def _region_unit(r: Region) -> Unit:
    return Unit(r.code, r.name, r.path, r.parent.code if r.parent else "", r.population)


def _organization_unit(o: Organization) -> Unit:
    base = o.enrolled_students if o.kind == Organization.Kind.SCHOOL else o.staff_count
    return Unit(str(o.pk), o.name, o.path, "", base, o.kind)


def units_of(unit_type: str) -> list[Unit]:
    """Every unit of a type, in a stable order (one query)."""
    if unit_type in REGION_TYPES:
        regions = Region.objects.filter(level=REGION_TYPES[unit_type]).select_related("parent")
        return [_region_unit(r) for r in regions.order_by("path")]
    if unit_type in ORGANIZATION_TYPES:
        orgs = Organization.objects.filter(
            kind__in=ORGANIZATION_TYPES[unit_type], status=Organization.Status.ACTIVE
        ).order_by("path")
        return [_organization_unit(o) for o in orgs]
    raise KeyError(unit_type)


def units_by_type(into: dict | None = None) -> dict[str, list[Unit]]:
    """Every unit of every type, in units_of's order, in two queries (a bulletin's sections)."""
    out: dict[str, list[Unit]] = into if into is not None else {}
    levels: dict[str, str] = {str(level): unit_type for unit_type, level in REGION_TYPES.items()}
    for unit_type in UNIT_TYPES:
        out[unit_type] = []
    regions = Region.objects.filter(level__in=list(levels)).select_related("parent").order_by("path")
    for r in regions:
        out[levels[r.level]].append(_region_unit(r))
    kinds: dict[str, str] = {
        str(kind): unit_type for unit_type, ks in ORGANIZATION_TYPES.items() for kind in ks
    }
    orgs = Organization.objects.filter(kind__in=list(kinds), status=Organization.Status.ACTIVE).order_by(
        "path"
    )
    for o in orgs:
        out[kinds[o.kind]].append(_organization_unit(o))
    return out
