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


REGION_FIELDS = ("code", "name", "path", "parent__code", "population", "level")
ORGANIZATION_FIELDS = ("pk", "name", "path", "kind", "enrolled_students", "staff_count")


def _region_unit(code, name, path, parent, population, _level) -> Unit:
    return Unit(code, name, path, parent or "", population)


def _organization_unit(pk, name, path, kind, enrolled_students, staff_count) -> Unit:
    base = enrolled_students if kind == Organization.Kind.SCHOOL else staff_count
    return Unit(str(pk), name, path, "", base, kind)


def units_of(unit_type: str) -> list[Unit]:
    """Every unit of a type, in a stable order (one query)."""
    if unit_type in REGION_TYPES:
        regions = Region.objects.filter(level=REGION_TYPES[unit_type]).order_by("path")
        return [_region_unit(*r) for r in regions.values_list(*REGION_FIELDS)]
    if unit_type in ORGANIZATION_TYPES:
        orgs = Organization.objects.filter(
            kind__in=ORGANIZATION_TYPES[unit_type], status=Organization.Status.ACTIVE
        ).order_by("path")
        return [_organization_unit(*o) for o in orgs.values_list(*ORGANIZATION_FIELDS)]
    raise KeyError(unit_type)


def units_by_type(into: dict | None = None) -> dict[str, list[Unit]]:
    """Every unit of every type, in units_of's order, in two queries (a bulletin's sections)."""
    out: dict[str, list[Unit]] = into if into is not None else {}
    levels: dict[str, str] = {str(level): unit_type for unit_type, level in REGION_TYPES.items()}
    for unit_type in UNIT_TYPES:
        out[unit_type] = []
    regions = Region.objects.filter(level__in=list(levels)).order_by("path").values_list(*REGION_FIELDS)
    for r in regions:
        out[levels[r[-1]]].append(_region_unit(*r))
    kinds: dict[str, str] = {
        str(kind): unit_type for unit_type, ks in ORGANIZATION_TYPES.items() for kind in ks
    }
    orgs = Organization.objects.filter(kind__in=list(kinds), status=Organization.Status.ACTIVE).order_by(
        "path"
    )
    for o in orgs.values_list(*ORGANIZATION_FIELDS):
        out[kinds[o[3]]].append(_organization_unit(*o))
    return out
