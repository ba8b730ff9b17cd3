"""A logged-in volunteer's home: the next shift (with the check-in on its day), hours, star,
sign-ups waiting for a place, unread notifications; a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.core.formatting import format_time_range
from huiguang.ledger.models import VolunteerHours
from huiguang.notifications.models import Notification
from huiguang.volunteers.models import Volunteer

from ..conftest import login_client
from ..factories import enrol, make_activity, make_shift

pytestmark = pytest.mark.django_db


def volunteer(city) -> Volunteer:
    return city.users["volunteer"].volunteer


def test_volunteer_lands_on_their_own_home(city):
    v = volunteer(city)
    # Under way (started ten minutes ago): the check-in is offered whatever the time of day.
    start = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=10)
    shift = make_shift(make_activity(city.org_a, starts_at=start, hours=0.5, title="社区读书会"))
    enrol(shift, v)
    enrol(make_shift(organization=city.org_a), v, status=Enrollment.Status.WAITLISTED)
    VolunteerHours.objects.create(volunteer=v, total_minutes=750, credit_minutes=630, star=1)
    Notification.objects.create(user=v.user, kind="info", title="通知一")
    html = login_client(v.user).get("/").content.decode()
    assert "张小明，你好" in html
    next_shift = html.split('data-testid="next-shift"', 1)[1].split("</section>", 1)[0]
    assert "社区读书会" in next_shift
    assert format_time_range(start, start + dt.timedelta(minutes=30)) in next_shift
    assert 'data-testid="check-in"' in next_shift
    assert 'data-testid="credit-hours">10.5<' in html
    assert 'data-testid="total-hours">12.5<' in html
    assert 'data-testid="star">1★<' in html
    assert 'data-testid="waiting">\n      <div class="stat">1<' in html
    assert 'data-testid="unread">\n      <div class="stat">1<' in html


def test_no_check_in_button_for_a_shift_on_another_day(city):
    v = volunteer(city)
    enrol(make_shift(make_activity(city.org_a, days=3)), v)
    html = login_client(v.user).get("/").content.decode()
    assert 'data-testid="next-shift"' in html and 'data-testid="check-in"' not in html


def test_without_a_shift_the_home_offers_to_find_one(city):
    html = login_client(volunteer(city).user).get("/").content.decode()
    assert "暂无已确认的班次" in html and 'href="/me/shifts/"' in html


def test_console_users_without_a_profile_and_visitors_see_the_city_home(city, client):
    assert "registered volunteers" not in client.get("/").content.decode()  # translated
    for c in (client, login_client(city.users["city_admin"])):
        html = c.get("/").content.decode()
        assert 'data-testid="next-shift"' not in html and "注册志愿者" in html


def test_home_queries_stay_constant(city, assert_queries_constant):
    v = volunteer(city)
    client = login_client(v.user)

    def grow():
        for days in (1, 2, 4, 5, 6, 7):
            enrol(make_shift(make_activity(city.org_a, days=days)), v)
            enrol(make_shift(make_activity(city.org_a, days=days)), v, status=Enrollment.Status.APPLIED)
        Notification.objects.bulk_create(
            Notification(user=v.user, kind="info", title=f"通知{i}") for i in range(5)
        )

    assert_queries_constant(lambda: client.get("/"), grow)
