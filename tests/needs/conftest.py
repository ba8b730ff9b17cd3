"""The needs personas on top of the `city` fixture: a resident of 东湖社区 (village A1) and a
resident of 乍浦镇's community; helpers to put a request in any state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from huiguang.needs.models import Resident, ServiceRequest
from huiguang.needs.services import requests as services
from huiguang.network.models import Region

from ..factories import RegionFactory, UserFactory, category

LAT, LNG = "30.698000", "121.015000"  # 东湖社区
PHONE = "13700000001"


@dataclass
class Needs:
    resident: Resident
    resident_b: Resident
    village_b: Region


@pytest.fixture
def needs(city) -> Needs:
    village_b = RegionFactory(
        code="330482103001", name="乍浦社区", level=Region.Level.VILLAGE, parent=city.town_b
    )
    resident = Resident.objects.create(
        user=UserFactory(phone=PHONE, display_name="陈阿婆"),
        name="陈阿婆",
        region=city.village_a1,
        address="东湖社区 3 幢 201",
        phone_verified_at=timezone.now(),
    )
    resident_b = Resident.objects.create(
        user=UserFactory(phone="13700000002", display_name="沈大伯"),
        name="沈大伯",
        region=village_b,
        address="乍浦社区 1 号",
        phone_verified_at=timezone.now(),
    )
    city.users["resident"] = resident.user
    city.users["resident_b"] = resident_b.user
    category()
    return Needs(resident, resident_b, village_b)


def request_data(**changes) -> dict:
    start = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=30)
    data = {
        "category": category(),
        "description": "老人独居，需要上门量血压、陪聊",
        "address": "东湖社区 3 幢 201",
        "lat": LAT,
        "lng": LNG,
        "window_start": start,
        "window_end": start + dt.timedelta(hours=4),
        "phone": PHONE,
    }
    data.update(changes)
    return data


def posted(needs, **changes) -> ServiceRequest:
    return services.request_post(actor=needs.resident.user, data=request_data(**changes))


def opened(city, needs, **changes) -> ServiceRequest:
    req = posted(needs, **changes)
    return services.request_open(actor=city.users["town_admin"], req=req, organization=city.org_a)


def dispatched(city, needs, **changes) -> ServiceRequest:
    req = posted(needs, **changes)
    return services.request_dispatch(actor=city.users["town_admin"], req=req, organization=city.org_a)


def taken(city, needs, **changes) -> ServiceRequest:
    req = opened(city, needs, **changes)
    return services.request_take(actor=city.users["volunteer"], req=req)


def done(city, needs, **changes) -> ServiceRequest:
    req = taken(city, needs, **changes)
    return services.request_close(actor=city.users["volunteer"], req=req, notes="量了血压，陪聊一小时")


# --- the care register -----------------------------------------------------------------------------------

CARE_PHONE = "13612345678"


@dataclass
class Care:
    recipient: object
    plan: object
    id_number: str


@pytest.fixture
def care(city, needs) -> Care:
    """陈阿婆's neighbour 周奶奶 (lonely elderly, 东湖社区), cared for by team A with 张小明 named, a
    weekly visit plan from eight weeks ago."""
    from huiguang.needs.services import care as care_services

    from ..factories import unique_id_number

    number = unique_id_number("330482")
    recipient = care_services.care_recipient_create(
        actor=city.users["town_admin"],
        data={
            "category": "lonely_elderly",
            "name": "周奶奶",
            "id_number": number,
            "phone": CARE_PHONE,
            "region": city.village_a1,
            "address": "东湖社区 5 幢 102",
            "lat": LAT,
            "lng": LNG,
            "needs": "独居，行动不便",
            "organization": city.org_a,
            "volunteers": [city.users["volunteer"].volunteer],
        },
    )
    plan = care_services.visit_plan_create(
        actor=city.users["town_admin"],
        recipient=recipient,
        data={
            "frequency": "weekly",
            "starts_on": timezone.localdate() - dt.timedelta(weeks=8),
            "volunteers": [city.users["volunteer"].volunteer],
        },
    )
    return Care(recipient, plan, number)
