"""Search filters of the public list and of "shifts I can take": parsing them (web query string
or API parameters) and turning them into filters, including the distance from a point."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors
from huiguang.core.geo import bounding_box, haversine_km
from huiguang.core.params import BadParam, date_param
from huiguang.network.models import Region

from ..models import Activity, Category
from .places import centre_point

DEFAULT_KM = 10.0
MAX_KM = 200.0


@dataclass(frozen=True)
class ActivityFilters:
    """Parsed, valid search filters. Codes are already resolved (region → path, category → id)."""

    q: str = ""
    region: str = ""  # the code, as given
    region_path: str = ""
    region_name: str = ""
    category: str = ""  # the code, as given
    category_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    lat: float | None = None
    lng: float | None = None
    km: float | None = None
    past: bool = False
    centre: str = ""  # a chosen centre, "site:<id>" or "region:<code>" (its point is lat, lng)
    centre_name: str = ""

    @property
    def near(self) -> bool:
        return self.lat is not None and self.lng is not None and self.km is not None


def _text(data: Mapping, name: str, limit: int = 64) -> str:
    value = data.get(name)
    return str(value).strip()[:limit] if value is not None else ""


def _date(data: Mapping, name: str, errors: dict) -> dt.date | None:
    raw = _text(data, name, 32)
    if not raw:
        return None
    try:
        return date_param(raw)
    except BadParam as exc:
        errors[name] = [str(exc)]
        return None


def _number(data: Mapping, name: str, low: float, high: float, errors: dict) -> float | None:
    raw = _text(data, name, 32)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        errors[name] = [
            _("Enter a number from %(low)s to %(high)s.") % {"low": f"{low:g}", "high": f"{high:g}"}
        ]
        return None
    return value


def parse_activity_filters(data: Mapping) -> ActivityFilters:
    """Filters from a query string (web) or the API's query parameters; bad values → FieldErrors.

    `region`: a region code, its whole subtree; `category`: a category code; `date_from` /
    `date_to`: ISO dates, activities that take place on any day of the range; `q`: words in the
    title, description or organization name; `lat`, `lng`, `km`: within `km` (default 10) of a
    point; `centre`: the point of a town (`region:<code>`) or a site (`site:<id>`) instead of `lat`
    and `lng`; `when=past`: activities that have ended (otherwise, without dates, upcoming ones).
    """
    errors: dict[str, list[str]] = {}
    q = _text(data, "q")
    region = _text(data, "region", 15)
    region_path = region_name = ""
    if region:
        region_path, region_name = Region.objects.filter(code=region).values_list("path", "name").first() or (
            "",
            "",
        )
        if not region_path:
            errors["region"] = [_("No region has the code %(code)s.") % {"code": region}]
    category = _text(data, "category", 32)
    category_id = None
    if category:
        category_id = Category.objects.filter(code=category).values_list("pk", flat=True).first()
        if category_id is None:
            errors["category"] = [_("There is no service category %(code)s.") % {"code": category}]
    date_from = _date(data, "date_from", errors)
    date_to = _date(data, "date_to", errors)
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = [_("The end date is before the start date.")]
    lat = _number(data, "lat", -90, 90, errors)
    lng = _number(data, "lng", -180, 180, errors)
    km = _number(data, "km", 0.1, MAX_KM, errors)
    # A chosen centre (a town or a well-known site) wins over coordinates: the page's "use my
    # location" clears the choice, and old links and the API send only lat and lng.
    centre = _text(data, "centre", 32)
    centre_name = ""
    if centre:
        point = centre_point(centre)
        if point is None:
            errors["centre"] = [_("This place has no known position: choose another one.")]
        else:
            lat, lng, centre_name = point
            errors.pop("lat", None)
            errors.pop("lng", None)
    if "lat" not in errors and "lng" not in errors:
        if lat is None and lng is not None:
            errors["lat"] = [_("Give both the latitude and the longitude.")]
        elif lng is None and lat is not None:
            errors["lng"] = [_("Give both the latitude and the longitude.")]
        elif lat is None and km is not None:
            errors["km"] = [
                _("A distance needs a point: give the latitude and longitude, or use your location.")
            ]
    if lat is not None and lng is not None and km is None and "km" not in errors:
        km = DEFAULT_KM
    when = _text(data, "when", 16)
    if when not in ("", "upcoming", "past"):
        errors["when"] = [_("Choose upcoming or past activities.")]
    if errors:
        raise FieldErrors(errors)
    return ActivityFilters(
        q=q,
        region=region,
        region_path=region_path,
        region_name=region_name,
        category=category,
        category_id=category_id,
        date_from=date_from,
        date_to=date_to,
        lat=lat,
        lng=lng,
        km=km,
        past=when == "past",
        centre=centre if centre_name else "",
        centre_name=centre_name,
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def subject_q(f: ActivityFilters, prefix: str = "") -> Q:
    """Region, category and keyword: about the activity (`prefix` "activity__" from a shift)."""
    q = Q()
    if f.region_path:
        q &= Q(**{f"{prefix}region__path__startswith": f.region_path})
    if f.category_id:
        q &= Q(**{f"{prefix}category_id": f.category_id})
    for word in f.q.split():
        q &= (
            Q(**{f"{prefix}title__icontains": word})
            | Q(**{f"{prefix}description__icontains": word})
            | Q(**{f"{prefix}organization__name__icontains": word})
        )
    return q


def time_q(f: ActivityFilters, now: dt.datetime) -> Q:
    """Dates and upcoming/past, on the `starts_at`/`ends_at` of the rows filtered (activity or shift)."""
    q = Q()
    if f.date_from:
        q &= Q(ends_at__gt=_local_midnight(f.date_from))
    if f.date_to:
        q &= Q(starts_at__lt=_local_midnight(f.date_to + dt.timedelta(days=1)))
    if f.past:
        q &= Q(ends_at__lte=now)
    elif not (f.date_from or f.date_to):
        q &= Q(ends_at__gt=now)
    return q


# --- distance ----------------------------------------------------------------------------------


def geo_annotated(qs: QuerySet, prefix: str = "") -> QuerySet:
    """Coordinates of the activity, or of its site when the activity has none."""
    return qs.annotate(
        geo_lat=Coalesce(F(f"{prefix}lat"), F(f"{prefix}site__lat")),
        geo_lng=Coalesce(F(f"{prefix}lng"), F(f"{prefix}site__lng")),
    )


def within(qs: QuerySet, f: ActivityFilters) -> list[tuple[float, int, dt.datetime]]:
    """(distance km, pk, starts_at) of the rows within `f.km` of the point, nearest first.

    The bounding box is SQL (indexable, cheap); the exact great-circle cut is Python.
    """
    assert f.lat is not None and f.lng is not None and f.km is not None
    box = bounding_box(f.lat, f.lng, f.km)
    rows = qs.filter(
        geo_lat__gte=box.min_lat, geo_lat__lte=box.max_lat, geo_lng__gte=box.min_lng, geo_lng__lte=box.max_lng
    ).values_list("pk", "geo_lat", "geo_lng", "starts_at")
    hits = []
    for pk, lat, lng, starts_at in rows:
        d = haversine_km(f.lat, f.lng, lat, lng)
        if d <= f.km:
            hits.append((d, pk, starts_at))
    hits.sort(key=lambda h: (h[0], h[2], h[1]))
    return hits


class NearbyActivities(Sequence):
    """Activities ordered by distance, loaded a page at a time (Paginator and Ninja slice it).

    Holds only (distance, pk) pairs for every match; a slice loads its activities in one query
    (plus the prefetches) and sets `distance_km` on each.
    """

    def __init__(self, hits: list[tuple[float, int, dt.datetime]], queryset: QuerySet[Activity]):
        self.hits = hits
        self.queryset = queryset

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index):
        if isinstance(index, slice):
            part = self.hits[index]
            objects = self.queryset.in_bulk([pk for _, pk, _ in part])
            out = []
            for distance, pk, _ in part:
                obj = objects.get(pk)
                if obj is not None:
                    obj.distance_km = round(distance, 2)  # type: ignore[attr-defined]
                    out.append(obj)
            return out
        items = self[index : index + 1] if index >= 0 else self[index:][:1]
        if not items:
            raise IndexError(index)
        return items[0]

    def __iter__(self):
        return iter(self[:])
