"""Places to choose from: sites grouped by town or street (the activity form's site picker, the
search page's centre) and the coordinates of a chosen centre.

A city has a few hundred sites; one flat dropdown of them is unusable on a phone, so every list
here comes grouped by the town or street (乡镇/街道) that holds the site, towns in code order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Avg, QuerySet
from django.utils.functional import Promise

from huiguang.network.models import Region, Site

MAX_ID = 2**63 - 1


@dataclass
class SiteGroup:
    code: str  # the town's code ("" for sites held directly by the city)
    name: str
    sites: list[Site] = field(default_factory=list)


def town_code_of(region_path: str) -> str:
    """'330482/330482001/330482001001/' → '330482001' (the town or street); '' above the towns."""
    parts = [p for p in region_path.split("/") if p]
    return parts[1] if len(parts) > 1 else ""


def group_sites_by_town(
    sites: Iterable[Site], towns: dict[str, str], other_label: str | Promise
) -> list[SiteGroup]:
    """`sites` (with `region` loaded) in one group per town, towns in code order, sites by name;
    sites above the towns go to a last group called `other_label`."""
    groups: dict[str, SiteGroup] = {}
    for site in sites:
        code = town_code_of(site.region.path)
        if code not in towns:
            code = ""
        if code not in groups:
            groups[code] = SiteGroup(code, towns.get(code, str(other_label)))
        groups[code].sites.append(site)
    ordered = sorted(groups.values(), key=lambda g: (g.code == "", g.code))
    for group in ordered:
        group.sites.sort(key=lambda s: (s.name, s.pk))
    return ordered


def town_names() -> dict[str, str]:
    return dict(Region.objects.filter(level=Region.Level.TOWN).order_by("code").values_list("code", "name"))


def located_sites() -> QuerySet[Site]:
    """Active sites with coordinates: the well-known places offered as a search centre."""
    return (
        Site.objects.filter(is_active=True, lat__isnull=False, lng__isnull=False)
        .select_related("region")
        .only("pk", "name", "region__path", "lat", "lng")
    )


def centre_point(centre: str) -> tuple[float, float, str] | None:
    """The point of a search centre: `site:<id>` (an active site with coordinates) or
    `region:<code>` (the middle of the region's located sites); None when unknown or unplaced."""
    kind, _sep, value = centre.partition(":")
    if kind == "site" and value.isdigit() and int(value) <= MAX_ID:
        row = (
            Site.objects.filter(pk=int(value), is_active=True, lat__isnull=False, lng__isnull=False)
            .values_list("lat", "lng", "name")
            .first()
        )
        if row is None or row[0] is None or row[1] is None:
            return None
        return float(row[0]), float(row[1]), row[2]
    if kind == "region" and value:
        region = Region.objects.filter(code=value[:15]).values_list("path", "name").first()
        if region is None:
            return None
        middle = (
            located_sites()
            .filter(region__path__startswith=region[0])
            .aggregate(lat=Avg("lat"), lng=Avg("lng"))
        )
        if middle["lat"] is None or middle["lng"] is None:
            return None
        return float(middle["lat"]), float(middle["lng"]), region[1]
    return None
