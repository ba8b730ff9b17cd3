"""iCalendar: RFC 5545 validity (checked by a small strict parser), the activity .ics, the
volunteer's secret feed (wrong token → 404, regenerating cuts off the old link)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities import ical
from huiguang.activities.models import Activity, CalendarToken, Enrollment
from huiguang.core.models import AuditEntry

from ..conftest import login_client
from ..factories import SiteFactory, enrol, make_activity
from .conftest import activity_with_shift, shift_of

# --- a small, strict RFC 5545 reader ------------------------------------------------------------

NAME = re.compile(r"^[A-Za-z0-9-]+$")


def parse_ics(data: bytes) -> list[dict]:
    """Check the framing (CRLF, ≤ 75 octets, folding, BEGIN/END nesting, required properties) and
    return the VEVENTs as {NAME: unescaped value}."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical), "bare LF or CR"
    assert all(len(line) <= 75 for line in physical), "a line longer than 75 octets"
    logical: list[bytes] = []
    for line in physical:
        if line.startswith(b" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    lines = [line.decode("utf-8") for line in logical]  # folding never splits a character
    stack, events, calendar, current = [], [], {}, None
    for line in lines:
        head, value = line.split(":", 1)
        name, *params = head.split(";")
        assert NAME.match(name), line
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
            continue
        if name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
                    assert required in current, required
                for stamp in ("DTSTAMP", "DTSTART", "DTEND"):
                    assert re.fullmatch(r"\d{8}T\d{6}Z", current[stamp]), current[stamp]
                assert current["DTEND"] > current["DTSTART"]
                events.append(current)
                current = None
            continue
        target = current if current is not None else calendar
        if name in ("SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME"):
            assert not re.search(r"(?<!\\)[,;]", value.replace("\\\\", "")), f"unescaped , or ; in {line}"
            value = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
        target[name] = value
    assert stack == []
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return events


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


# --- the writer ---------------------------------------------------------------------------------


def test_escaping_and_folding_round_trip():
    text = "义诊，测量血压；理发\\磨刀\n地址：平湖市当湖街道" * 5
    event = ical.Event(
        uid="x@h",
        start=timezone.now(),
        end=timezone.now() + dt.timedelta(hours=1),
        summary=text,
        description=text,
        location="东湖社区, 文化礼堂; 二楼",
    )
    events = parse_ics(ical.render_calendar([event], name="测试").encode())
    assert events[0]["SUMMARY"] == text
    assert events[0]["DESCRIPTION"] == text
    assert events[0]["LOCATION"] == "东湖社区, 文化礼堂; 二楼"


@pytest.mark.parametrize("line", ["A" * 75, "A" * 76, "S:" + "汉" * 100, "S:" + "a" + "汉" * 30, "X" * 300])
def test_fold_keeps_octet_limit_and_characters(line):
    folded = ical.fold(line).encode()
    parts = folded.split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:])
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode() == line


# --- the activity's .ics ------------------------------------------------------------------------


def test_activity_ics_lists_every_shift(city, client, settings):
    settings.HUIGUANG_SITE_URL = "https://zyz.example.cn"
    site = SiteFactory(region=city.town_a, name="东湖文化礼堂", lat="30.700000", lng="121.020000")
    activity = make_activity(
        organization=city.org_a, title="金平湖·志愿服务日, 三月", site=site, address="东湖路1号"
    )
    morning = shift_of(
        activity=activity, name="上午：量血压", ends_at=activity.starts_at + dt.timedelta(hours=2)
    )
    shift_of(activity=activity, name="下午：义剪", starts_at=activity.starts_at + dt.timedelta(hours=2))

    response = client.get(reverse("activities:ics", args=[activity.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="activity-{activity.pk}.ics"' in response["Content-Disposition"]
    events = parse_ics(response.content)
    assert [e["SUMMARY"] for e in events] == [
        "金平湖·志愿服务日, 三月 · 上午：量血压",
        "金平湖·志愿服务日, 三月 · 下午：义剪",
    ]
    first = events[0]
    assert first["UID"] == f"shift-{morning.pk}@zyz.example.cn"
    assert first["DTSTART"] == utc(morning.starts_at) and first["DTEND"] == utc(morning.ends_at)
    assert first["LOCATION"] == "东湖文化礼堂 东湖路1号"
    assert first["GEO"] == "30.700000;121.020000"
    assert first["URL"] == f"https://zyz.example.cn/activities/{activity.pk}/"
    assert first["STATUS"] == "CONFIRMED"
    assert "当湖街道志愿服务队" in first["DESCRIPTION"]


# --- the volunteer's feed -----------------------------------------------------------------------


@pytest.fixture
def feed_client(city):
    return login_client(city.users["volunteer"])


def _regenerate(client) -> str:
    response = client.post(reverse("activities:calendar_regenerate"))
    assert response.status_code == 302
    return CalendarToken.objects.get(volunteer__user__phone="13900000006").token


def test_feed_lists_my_active_upcoming_shifts(city, volunteer, feed_client):
    now = timezone.now()
    _, confirmed = activity_with_shift(
        organization=city.org_a, title="确认", starts_at=now + dt.timedelta(days=1)
    )
    _, waiting = activity_with_shift(
        organization=city.org_a,
        title="候补",
        shift_capacity=1,
        shift_waitlist_size=1,
        starts_at=now + dt.timedelta(days=2),
    )
    enrol(waiting, city.users["volunteer_b"].volunteer)
    _, applied = activity_with_shift(
        organization=city.org_a, title="待审", starts_at=now + dt.timedelta(days=3)
    )
    _, cancelled = activity_with_shift(
        organization=city.org_a, title="已取消报名", starts_at=now + dt.timedelta(days=4)
    )
    start = now - dt.timedelta(days=3)
    _, past = activity_with_shift(
        organization=city.org_a, title="过去", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    _, other = activity_with_shift(
        organization=city.org_a, title="别人的", starts_at=now + dt.timedelta(days=5)
    )
    enrol(confirmed, volunteer)
    enrol(waiting, volunteer, Enrollment.Status.WAITLISTED)
    enrol(applied, volunteer, Enrollment.Status.APPLIED)
    enrol(cancelled, volunteer, Enrollment.Status.CANCELLED)
    enrol(past, volunteer)
    enrol(other, city.users["volunteer_b"].volunteer)
    token = _regenerate(feed_client)

    response = login_client(None).get(
        reverse("activities:ical_feed", args=[token])
    )  # no login: the URL is the key

    assert response.status_code == 200
    events = parse_ics(response.content)
    assert [e["SUMMARY"] for e in events] == [
        f"确认 · {confirmed.name}",
        f"（未确认）候补 · {waiting.name}",
        f"（未确认）待审 · {applied.name}",
    ]
    assert [e["STATUS"] for e in events] == ["CONFIRMED", "TENTATIVE", "TENTATIVE"]
    assert "我的报名：候补中" in events[1]["DESCRIPTION"]


def test_cancelled_activity_shows_as_cancelled_in_the_feed(city, volunteer, feed_client):
    activity, shift = activity_with_shift(organization=city.org_a, title="台风")
    enrol(shift, volunteer)
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.CANCELLED)
    token = _regenerate(feed_client)

    events = parse_ics(login_client(None).get(reverse("activities:ical_feed", args=[token])).content)

    assert events[0]["STATUS"] == "CANCELLED" and events[0]["SUMMARY"].startswith("（已取消）")


def test_wrong_token_is_404(city, feed_client):
    token = _regenerate(feed_client)
    for bad in ("x" * 43, token[:-1], token + "a", "abc"):
        assert login_client(None).get(reverse("activities:ical_feed", args=[bad])).status_code == 404


def test_regenerating_cuts_off_the_old_link(city, feed_client):
    first = _regenerate(feed_client)
    second = _regenerate(feed_client)

    assert first != second and len(second) >= 43
    assert login_client(None).get(reverse("activities:ical_feed", args=[first])).status_code == 404
    assert login_client(None).get(reverse("activities:ical_feed", args=[second])).status_code == 200
    assert AuditEntry.objects.filter(action="calendar_link_regenerated").count() == 2
    html = feed_client.get(reverse("activities:my")).content.decode()
    assert f"/calendar/{second}.ics" in html
    assert first not in html


def test_my_page_offers_to_create_then_shows_the_link(city, feed_client, settings):
    settings.HUIGUANG_SITE_URL = "https://zyz.example.cn"
    assert "生成我的日历链接" in feed_client.get(reverse("activities:my")).content.decode()
    token = _regenerate(feed_client)
    html = feed_client.get(reverse("activities:my")).content.decode()
    assert f"https://zyz.example.cn/calendar/{token}.ics" in html
    assert f"webcal://zyz.example.cn/calendar/{token}.ics" in html
    assert "更换链接" in html


def test_regenerate_needs_a_volunteer_and_a_post(city):
    assert (
        login_client(city.users["org_admin"]).post(reverse("activities:calendar_regenerate")).status_code
        == 404
    )
    assert (
        login_client(city.users["volunteer"]).get(reverse("activities:calendar_regenerate")).status_code
        == 405
    )
    assert login_client(None).post(reverse("activities:calendar_regenerate")).status_code == 302
    assert not CalendarToken.objects.exists()
