"""'My activities': upcoming and past shifts with their status, cancel buttons, constant queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Enrollment

from ..conftest import login_client
from ..factories import UserFactory, VolunteerFactory, enrol, make_activity
from .conftest import activity_with_shift, shift_of

URL = reverse("activities:my")


def _past(city, title, days):
    start = timezone.now() - dt.timedelta(days=days)
    return activity_with_shift(
        organization=city.org_a,
        title=title,
        status="finished",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


def test_upcoming_and_past_with_statuses(city, volunteer):
    now = timezone.now()
    _, confirmed = activity_with_shift(
        organization=city.org_a, title="确认的", starts_at=now + dt.timedelta(days=1)
    )
    _, waiting = activity_with_shift(
        organization=city.org_a,
        title="候补的",
        shift_capacity=1,
        shift_waitlist_size=3,
        starts_at=now + dt.timedelta(days=2),
    )
    enrol(waiting, city.users["volunteer_b"].volunteer)
    enrol(waiting, city.users["leader"].volunteer, Enrollment.Status.WAITLISTED)
    _, applied = activity_with_shift(
        organization=city.org_a,
        title="待审核的",
        signup_mode="approval",
        starts_at=now + dt.timedelta(days=3),
    )
    _, cancelled = activity_with_shift(
        organization=city.org_a, title="取消的", starts_at=now + dt.timedelta(days=4)
    )
    e_confirmed = enrol(confirmed, volunteer)
    e_waiting = enrol(waiting, volunteer, Enrollment.Status.WAITLISTED)
    e_applied = enrol(applied, volunteer, Enrollment.Status.APPLIED)
    enrol(cancelled, volunteer, Enrollment.Status.CANCELLED)
    _, attended = _past(city, "参加过的", 3)
    _, missed = _past(city, "没去的", 10)
    enrol(attended, volunteer, Enrollment.Status.ATTENDED)
    enrol(missed, volunteer, Enrollment.Status.NO_SHOW)
    # Someone else's enrollment is not on my page.
    enrol(confirmed, city.users["volunteer_b"].volunteer)

    response = login_client(city.users["volunteer"]).get(URL)
    html = response.content.decode()

    assert [e.shift.activity.title for e in response.context["upcoming"]] == [
        "确认的",
        "候补的",
        "待审核的",
        "取消的",
    ]
    assert [e.shift.activity.title for e in response.context["page_obj"]] == ["参加过的", "没去的"]
    for text in ("已确认", "候补中", "候补第 2 位", "待审核", "已取消", "已参加", "未到场"):
        assert text in html, text
    for e, label in ((e_confirmed, "取消报名"), (e_waiting, "退出候补"), (e_applied, "撤回")):
        form = f'action="{reverse("activities:enrollment_cancel", args=[e.pk])}"'
        assert form in html
        assert label in html.split(form, 1)[1][:600]
    assert html.count('/cancel/"') == 3  # only active, upcoming enrollments can be cancelled


def test_cancelling_from_my_activities(city, volunteer):
    _, shift = activity_with_shift(
        organization=city.org_a, title="要取消的", starts_at=timezone.now() + dt.timedelta(days=5)
    )
    e = enrol(shift, volunteer)
    client = login_client(city.users["volunteer"])

    response = client.post(reverse("activities:enrollment_cancel", args=[e.pk]), {"next": URL})

    assert response.status_code == 302 and response["Location"] == URL
    e.refresh_from_db()
    assert e.status == "cancelled"
    assert '/cancel/"' not in client.get(URL).content.decode()


def test_page_without_volunteer_profile(city):
    response = login_client(city.users["org_admin"]).get(URL)
    assert response.status_code == 200
    assert "注册成为志愿者" in response.content.decode()
    assert login_client(None).get(URL).status_code == 302


def _many(volunteer, city, n):
    now = timezone.now()
    for i in range(n):
        start = now + dt.timedelta(days=i + 1) if i % 2 else now - dt.timedelta(days=i + 1)
        a = make_activity(organization=city.org_a, starts_at=start, ends_at=start + dt.timedelta(hours=2))
        shift = shift_of(activity=a, capacity=1, waitlist_size=2)
        if i % 3 == 0:
            enrol(shift, VolunteerFactory(user=UserFactory()))
            enrol(shift, volunteer, Enrollment.Status.WAITLISTED)
        else:
            enrol(shift, volunteer, Enrollment.Status.CONFIRMED if i % 2 else Enrollment.Status.ATTENDED)


def test_query_count_does_not_grow(city, volunteer, assert_queries_constant):
    _many(volunteer, city, 4)
    client = login_client(city.users["volunteer"])

    assert_queries_constant(lambda: client.get(URL), lambda: _many(volunteer, city, 40))
