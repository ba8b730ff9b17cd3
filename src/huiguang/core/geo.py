"""Distances on the Earth for "near me" searches: a bounding box for SQL, haversine for the exact cut.

A database index can answer "lat between a and b and lng between c and d" but not a great-circle
distance (SQLite has no trigonometry, and we do not want PostGIS for one filter). So a search
first keeps the rows inside `bounding_box(...)` in SQL, then measures each one with
`haversine_km(...)` in Python and drops the corners of the box.
"""

from __future__ import annotations

import math
from typing import NamedTuple

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180


class BoundingBox(NamedTuple):
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance in kilometres between two points given in decimal degrees."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlmb = math.radians(float(lng2) - float(lng1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, km: float) -> BoundingBox:
    """A latitude/longitude box that contains every point within `km` of (lat, lng).

    The box is a little larger than the circle (its corners), never smaller. Near a pole, or
    when the circle would cross the ±180° meridian, the longitude range is simply the whole
    world: correct, and irrelevant for a Chinese city.
    """
    lat, lng, km = float(lat), float(lng), max(float(km), 0.0)
    dlat = km / KM_PER_DEGREE_LAT
    min_lat, max_lat = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    # The widest parallel inside the box is the one nearest to a pole.
    widest = max(abs(min_lat), abs(max_lat))
    cos_widest = math.cos(math.radians(widest))
    if widest >= 90.0 or cos_widest < 1e-9:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    dlng = km / (KM_PER_DEGREE_LAT * cos_widest)
    if dlng >= 180.0 or lng - dlng < -180.0 or lng + dlng > 180.0:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(min_lat, max_lat, lng - dlng, lng + dlng)
