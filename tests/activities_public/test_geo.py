"""core.geo: great-circle distances and the bounding box used before them."""

from __future__ import annotations

import math

import pytest

from huiguang.core.geo import bounding_box, haversine_km


def test_known_distances():
    assert haversine_km(30.70, 121.02, 30.70, 121.02) == 0
    # One degree of latitude is about 111.2 km everywhere.
    assert haversine_km(30.0, 121.0, 31.0, 121.0) == pytest.approx(111.195, abs=0.01)
    # Pinghu (30.70, 121.02) to Shanghai People's Square (31.2304, 121.4737): about 72 km.
    assert haversine_km(30.70, 121.02, 31.2304, 121.4737) == pytest.approx(72.6, abs=1.0)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088, rel=1e-9)


@pytest.mark.parametrize(
    "lat,lng,km", [(30.70, 121.02, 10), (30.70, 121.02, 0.5), (0, 0, 100), (-45, 10, 50), (60, 30, 300)]
)
def test_bounding_box_contains_the_whole_circle(lat, lng, km):
    box = bounding_box(lat, lng, km)
    for i in range(360):
        bearing = math.radians(i)
        # The point at distance km (minus a hair) and this bearing (spherical destination formula).
        d = (km - 1e-6) / 6371.0088
        phi1, lmb1 = math.radians(lat), math.radians(lng)
        phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(bearing))
        lmb2 = lmb1 + math.atan2(
            math.sin(bearing) * math.sin(d) * math.cos(phi1), math.cos(d) - math.sin(phi1) * math.sin(phi2)
        )
        p_lat, p_lng = math.degrees(phi2), math.degrees(lmb2)
        assert haversine_km(lat, lng, p_lat, p_lng) == pytest.approx(km, abs=1e-3)
        assert box.min_lat <= p_lat <= box.max_lat
        assert box.min_lng <= p_lng <= box.max_lng


def test_bounding_box_is_not_much_larger_than_the_circle():
    box = bounding_box(30.70, 121.02, 10)
    assert haversine_km(30.70, 121.02, box.max_lat, 121.02) == pytest.approx(10, abs=0.01)
    assert haversine_km(30.70, 121.02, 30.70, box.max_lng) == pytest.approx(10, rel=0.01)


def test_bounding_box_near_a_pole_or_the_date_line_takes_every_longitude():
    assert bounding_box(89.99, 0, 50)[2:] == (-180.0, 180.0)
    assert bounding_box(10, 179.99, 50)[2:] == (-180.0, 180.0)
    assert bounding_box(10, 0, 0).min_lat == 10
