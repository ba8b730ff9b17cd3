"""The care register: encrypted at rest, every read audited, bad input refused with nothing written,
the retention rule, visits logged at the door, a need found made a request, missed visits."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Category
from huiguang.core.models import AuditEntry
from huiguang.needs.models import CareRecipient, ServiceRequest, Visit, VisitPlan
from huiguang.needs.selectors.care import missed_visits
from huiguang.needs.services import care as services
from huiguang.notifications.models import Notification

from ..conftest import login_client
from ..factories import bearer
from .conftest import CARE_PHONE, LAT, LNG

pytestmark = pytest.mark.django_db


def _views(recipient) -> list[str]:
    return list(
        AuditEntry.objects.filter(action="care_recipient_viewed", object_id=str(recipient.pk))
        .order_by("pk")
        .values_list("detail__via", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_the_raw_database_holds_no_plaintext_phone_or_id_number(city, needs, care):
    digits = [CARE_PHONE, care.id_number, care.id_number[6:14]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT t::text FROM needs_carerecipient t")
        else:
            cursor.execute("SELECT * FROM needs_carerecipient")
        flat = " ".join(str(col) for row in cursor.fetchall() for col in row)
    assert "周奶奶" in flat  # the row is there
    assert not any(d in flat for d in digits)
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        raw = b"".join(p.read_bytes() for p in (name, Path(f"{name}-wal")) if p.exists())
        assert "周奶奶".encode() in raw
        assert not any(d.encode() in raw for d in digits)
    recipient = CareRecipient.objects.get(pk=care.recipient.pk)
    assert (recipient.phone, recipient.id_number) == (CARE_PHONE, care.id_number)
    assert recipient.id_masked == care.id_number[:6] + "********" + care.id_number[-4:]


def test_every_read_of_personal_data_is_audited(city, needs, care):
    recipient = care.recipient
    page = login_client(city.users["town_admin"]).get(reverse("needs:care_detail", args=[recipient.pk]))
    text = page.content.decode()
    assert CARE_PHONE in text and recipient.id_masked in text and care.id_number not in text
    api = bearer(city.users["org_admin"]).get(f"/api/v1/needs/care/recipients/{recipient.pk}")
    assert api.json()["phone"] == CARE_PHONE and api.json()["id_number"] == recipient.id_masked
    export = login_client(city.users["city_admin"]).get(reverse("needs:care_export"))
    assert CARE_PHONE in export.content.decode("utf-8-sig")
    visit_page = login_client(city.users["volunteer"]).get(reverse("needs:visit_log", args=[recipient.pk]))
    assert visit_page.status_code == 200
    assert _views(recipient) == ["page", "api", "export", "visit"]
    # the list shows masked phones only and is no read of personal data
    listing = login_client(city.users["town_admin"]).get(reverse("needs:care_list"))
    assert "周奶奶" in listing.content.decode() and CARE_PHONE not in listing.content.decode()
    assert len(_views(recipient)) == 4
    # someone outside: 404, and nothing read
    assert (
        login_client(city.users["outsider"])
        .get(reverse("needs:care_detail", args=[recipient.pk]))
        .status_code
        == 404
    )
    assert (
        login_client(city.users["auditor"]).get(f"/api/v1/needs/care/recipients/{recipient.pk}").status_code
        == 404
    )
    assert len(_views(recipient)) == 4


def test_bad_input_names_every_field_and_writes_nothing(city, needs, care):
    client = login_client(city.users["town_admin"])
    response = client.post(
        reverse("needs:care_create"),
        {
            "category": "lonely_elderly",
            "name": "周奶奶的双胞胎",
            "id_number": care.id_number,  # already in the register
            "phone": "12345",
            "region": city.village_a1.pk,
            "address": "东湖社区",
            "organization": city.org_a.pk,
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "此人已在关爱名册中" in text and "请输入中国大陆手机号" in text
    assert CareRecipient.objects.count() == 1
    other_town = {"category": "other", "name": "甲", "region": city.village_a1.pk, "address": "东湖"}
    response = client.post(reverse("needs:care_create"), {**other_town, "organization": city.org_b.pk})
    assert response.status_code == 422
    assert CareRecipient.objects.count() == 1
    api = bearer(city.users["town_admin"]).post(
        "/api/v1/needs/care/recipients",
        {"category": "nobody", "name": "", "region_code": "330482001001", "address": "x", "organization": 1},
        content_type="application/json",
    )
    assert api.status_code == 422 and "category" in api.json()["errors"]
    assert CareRecipient.objects.count() == 1


def test_ended_care_is_erased_after_the_retention_period(city, needs, care, settings):
    settings.HUIGUANG_CARE_RETENTION_DAYS = 730
    recipient = care.recipient
    services.visit_log(
        actor=city.users["volunteer"], recipient=recipient, lat=LAT, lng=LNG, notes="陪聊，她说女儿在上海"
    )
    ended = dt.date(2024, 3, 1)
    services.care_recipient_end(
        actor=city.users["town_admin"], recipient=recipient, reason="搬去女儿家", ended_on=ended
    )
    # one day before the end of the retention period: kept
    assert services.care_records_purge(today=ended + dt.timedelta(days=729)) == 0
    assert CareRecipient.objects.get().phone == CARE_PHONE
    # the day it ends: erased (the command runs the same service, today)
    assert services.care_records_purge(today=ended + dt.timedelta(days=730)) == 1
    erased = CareRecipient.objects.get()
    assert (erased.name, erased.address, erased.phone, erased.id_number, erased.id_masked, erased.lat) == (
        "已删除",
        "已删除",
        "",
        "",
        "",
        None,
    )
    assert Visit.objects.get().notes == "" and Visit.objects.count() == 1  # counted, not readable
    assert AuditEntry.objects.filter(action="care_records_purged").count() == 1
    out = StringIO()
    call_command("purge_care_records", stdout=out)
    assert out.getvalue().startswith("erased: 0")
    assert CareRecipient.objects.get().erased_at == erased.erased_at  # erased once
    # the ID number can be registered again for someone new
    again = services.care_recipient_create(
        actor=city.users["town_admin"],
        data={
            "category": "disabled",
            "name": "周奶奶",
            "id_number": care.id_number,
            "region": city.village_a1,
            "address": "东湖社区",
            "organization": city.org_a,
        },
    )
    assert again.id_number == care.id_number


def test_a_visit_is_logged_at_the_door_and_refused_from_afar(city, needs, care):
    client = login_client(city.users["volunteer"])
    url = reverse("needs:visit_log", args=[care.recipient.pk])
    far = client.post(url, {"notes": "到了", "lat": "30.720000", "lng": LNG})
    assert far.status_code == 409 and "米" in far.content.decode()
    no_gps = client.post(url, {"notes": "到了"})
    assert no_gps.status_code == 422
    assert Visit.objects.count() == 0
    near = client.post(
        url, {"notes": "量了血压 130/85", "needs_found": "厨房灯坏了", "lat": "30.698300", "lng": LNG}
    )
    visit = Visit.objects.get()
    assert near.status_code == 302 and near["Location"] == reverse("needs:visit_detail", args=[visit.pk])
    assert (visit.plan, visit.organization, visit.volunteer.user, visit.distance_m) == (
        care.plan,
        city.org_a,
        city.users["volunteer"],
        33,
    )
    # someone not named on the recipient cannot log one (404: they do not read it)
    assert (
        login_client(city.users["volunteer_b"]).post(url, {"notes": "x", "lat": LAT, "lng": LNG}).status_code
        == 404
    )


def test_a_need_found_becomes_a_request_in_one_tap(city, needs, care):
    visit = services.visit_log(
        actor=city.users["volunteer"],
        recipient=care.recipient,
        lat=LAT,
        lng=LNG,
        notes="聊天",
        needs_found="厨房灯坏了",
    )
    client = login_client(city.users["volunteer"])
    url = reverse("needs:visit_request", args=[visit.pk])
    response = client.post(url, {"category": ""})
    assert response.status_code == 422
    category = Category.objects.get(code="elderly")
    assert client.post(url, {"category": category.pk}).status_code == 302
    req = ServiceRequest.objects.get()
    assert (req.description, req.resident_name, req.region, req.status, req.contact_phone) == (
        "厨房灯坏了",
        "周奶奶",
        city.village_a1,
        ServiceRequest.Status.POSTED,
        CARE_PHONE,
    )
    assert Visit.objects.get().request == req
    # twice: refused, one request
    again = client.post(url, {"category": category.pk})
    assert again.status_code == 409 and ServiceRequest.objects.count() == 1
    # the community sees it in its queue
    queue = login_client(city.users["town_admin"]).get(reverse("needs:queue"))
    assert req.number in queue.content.decode()


def test_missed_visits_are_the_plan_periods_without_a_visit(city, needs, care):
    recipient = care.recipient
    VisitPlan.objects.all().delete()
    monday = dt.date(2026, 3, 2)
    weekly = VisitPlan.objects.create(
        recipient=recipient,
        organization=city.org_a,
        frequency="weekly",
        starts_on=monday,
        created_by=city.users["town_admin"],
    )
    festivals = VisitPlan.objects.create(
        recipient=recipient,
        organization=city.org_a,
        frequency="festivals",
        festival_dates=["2026-02-17", "2026-03-20"],
        starts_on=dt.date(2026, 1, 1),
        created_by=city.users["town_admin"],
    )
    # a visit in the second week (Tuesday 10 March), which is also within 3 days of no festival
    Visit.objects.create(
        recipient=recipient,
        organization=city.org_a,
        volunteer=city.users["volunteer"].volunteer,
        visited_at=timezone.make_aware(dt.datetime(2026, 3, 10, 10, 0)),
    )
    today = dt.date(2026, 3, 25)  # a Wednesday: three weeks over (2–8, 9–15, 16–22), festival 20 March over
    found = {(m.plan.pk, m.start, m.end) for m in missed_visits(VisitPlan.objects.all(), today=today)}
    assert found == {
        (weekly.pk, dt.date(2026, 3, 2), dt.date(2026, 3, 8)),
        (weekly.pk, dt.date(2026, 3, 16), dt.date(2026, 3, 22)),
        (festivals.pk, dt.date(2026, 2, 14), dt.date(2026, 2, 20)),
        (festivals.pk, dt.date(2026, 3, 17), dt.date(2026, 3, 23)),
    }


def test_the_daily_flag_tells_the_team_and_the_community(city, needs, care):
    recipient = care.recipient
    VisitPlan.objects.all().delete()
    VisitPlan.objects.create(
        recipient=recipient,
        organization=city.org_a,
        frequency="monthly",
        starts_on=dt.date(2026, 1, 1),
        created_by=city.users["town_admin"],
    )
    flagged = services.missed_visits_flag(today=dt.date(2026, 3, 1))  # February ended yesterday unvisited
    assert flagged.plans == 1
    told = set(Notification.objects.filter(kind="care_visit").values_list("user__phone", flat=True))
    assert told == {city.users["town_admin"].phone, city.users["org_admin"].phone, city.users["leader"].phone}
    assert services.missed_visits_flag(today=dt.date(2026, 3, 2)).plans == 0


def test_the_register_pages_show_missed_visits(city, needs, care):
    page = login_client(city.users["org_admin"]).get(reverse("needs:care_missed"))
    assert page.status_code == 200 and "周奶奶" in page.content.decode()
    listing = login_client(city.users["town_admin"]).get(reverse("needs:care_list"))
    assert 'id="missed-link"' in listing.content.decode()
