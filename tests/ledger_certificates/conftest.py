"""Confirmed records written straight through the ORM (no chain fields needed here)."""

import datetime as dt

import pytest

from huiguang.ledger.models import ServiceRecord
from huiguang.volunteers.models import Volunteer


def add_record(
    volunteer, organization, *, day, minutes, name="敬老助餐", credit=True, status="confirmed", kind="service"
):
    return ServiceRecord.objects.create(
        volunteer=volunteer,
        organization=organization,
        region_code=organization.region.code,
        service_date=day,
        minutes=minutes,
        kind=kind,
        source=ServiceRecord.Source.QR if credit else ServiceRecord.Source.MAKEUP,
        is_credit=credit,
        status=status,
        activity_name=name,
        place="东湖社区",
        content="服务",
    )


@pytest.fixture
def records(city):
    """张小明: 3 h + 2.5 h (credit) and 1 h make-up with org A, 2 h with org B, 4 h pending."""
    v = Volunteer.objects.get(user=city.users["volunteer"])
    add_record(v, city.org_a, day=dt.date(2026, 3, 1), minutes=180, name="敬老助餐")
    add_record(v, city.org_a, day=dt.date(2026, 4, 5), minutes=150, name="垃圾分类宣传")
    add_record(
        v, city.org_a, day=dt.date(2026, 4, 6), minutes=60, name="敬老助餐", credit=False, kind="makeup"
    )
    add_record(v, city.org_b, day=dt.date(2026, 5, 1), minutes=120, name="海滨清洁")
    add_record(v, city.org_a, day=dt.date(2026, 5, 2), minutes=240, name="未确认活动", status="pending")
    return v
