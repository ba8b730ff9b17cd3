"""Recurring activities: generating occurrences (idempotent, months ahead), editing one occurrence
or the whole series, ending a series, the `generate_series` command."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Series
from huiguang.activities.services import activities
from huiguang.activities.services.series import (
    occurrence_dates,
    series_create,
    series_generate,
)
from huiguang.activities.services.series_edit import series_update
from huiguang.core.errors import FieldErrors, Refused
from huiguang.notifications.models import Notification

from ..factories import enrol, make_shift, member
from .conftest import make_activity
from .test_series_dates import SECOND_WEEK_SATURDAYS_2026

D = dt.date
S = Activity.Status


def local(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


def service_day_template(city, day: dt.date) -> Activity:
    """The monthly 金平湖·志愿服务日: 08:30–11:30 with three positions in two slots."""
    activity = make_activity(
        city.org_a, status=S.PUBLISHED, starts_at=local(day, 8, 30), hours=3, title="金平湖·志愿服务日"
    )
    for name in ("量血压", "理发", "磨刀"):
        make_shift(activity, name=name, starts_at=local(day, 8, 30), ends_at=local(day, 10), capacity=4)
        make_shift(activity, name=name, starts_at=local(day, 10), ends_at=local(day, 11, 30), capacity=4)
    return activity


def occurrence_days(series) -> list[dt.date]:
    return [
        timezone.localtime(a.starts_at).date()
        for a in series.occurrences.exclude(pk=series.template_id).order_by("starts_at")
    ]


def test_a_year_of_second_week_saturdays_from_fixed_dates(city):
    template = service_day_template(city, D(2025, 12, 13))  # the Saturday of December's second week
    now = local(D(2025, 12, 20), 9)
    series = series_create(
        actor=city.users["org_admin"],
        template=template,
        rule=Series.Rule.MONTHLY_WEEK_WEEKDAY,
        weekdays=[6],
        ordinal=2,
        starts_on=D(2026, 1, 1),
        ends_on=D(2026, 12, 31),
        horizon_months=12,
        now=now,
    )
    series.refresh_from_db()
    assert occurrence_days(series) == SECOND_WEEK_SATURDAYS_2026
    assert series.generated_until == D(2026, 12, 20)  # twelve months from "now"


def test_the_generated_occurrences_copy_the_template(city):
    template = service_day_template(city, D(2025, 12, 13))
    series = series_create(
        actor=city.users["org_admin"],
        template=template,
        rule=Series.Rule.MONTHLY_WEEK_WEEKDAY,
        weekdays=[6],
        ordinal=2,
        starts_on=D(2026, 1, 1),
        horizon_months=3,
        now=local(D(2026, 1, 1), 9),
    )
    occurrences = list(series.occurrences.exclude(pk=template.pk).order_by("starts_at"))
    assert [timezone.localtime(a.starts_at).date() for a in occurrences] == [
        D(2026, 1, 10),
        D(2026, 2, 7),
        D(2026, 3, 7),
    ]
    march = occurrences[-1]
    assert (march.status, march.title, march.organization, march.series_detached) == (
        S.PUBLISHED,
        "金平湖·志愿服务日",
        city.org_a,
        False,
    )
    assert (timezone.localtime(march.starts_at).time(), timezone.localtime(march.ends_at).time()) == (
        dt.time(8, 30),
        dt.time(11, 30),
    )
    shifts = sorted(
        (s.name, timezone.localtime(s.starts_at).strftime("%m-%d %H:%M"), s.capacity, s.taken)
        for s in march.shifts.all()
    )
    assert shifts[:2] == [("理发", "03-07 08:30", 4, 0), ("理发", "03-07 10:00", 4, 0)]
    assert len(shifts) == 6
    template.refresh_from_db()
    assert template.series == series


def test_generation_is_idempotent_and_extends_with_the_horizon(city):
    template = service_day_template(city, D(2025, 12, 13))
    now = local(D(2026, 1, 1), 9)
    series = series_create(
        actor=city.users["org_admin"],
        template=template,
        rule=Series.Rule.MONTHLY_NTH_WEEKDAY,
        weekdays=[6],
        ordinal=2,
        starts_on=D(2026, 1, 1),
        horizon_months=3,
        now=now,
    )
    assert occurrence_days(series) == [D(2026, 1, 10), D(2026, 2, 14), D(2026, 3, 14)]
    assert series_generate(series, now=now) == []
    assert series_generate(series, now=now) == []
    assert series.occurrences.count() == 4
    # A month later the horizon reaches April; a deleted occurrence is not created again.
    series.occurrences.get(starts_at__date=D(2026, 2, 14)).delete()
    created = series_generate(series, now=local(D(2026, 2, 1), 9))
    assert [timezone.localtime(a.starts_at).date() for a in created] == [D(2026, 4, 11)]
    assert occurrence_days(series) == [D(2026, 1, 10), D(2026, 3, 14), D(2026, 4, 11)]


def test_weekly_series(city):
    template = service_day_template(city, D(2026, 2, 24))  # a Tuesday
    series = series_create(
        actor=city.users["org_admin"],
        template=template,
        rule=Series.Rule.WEEKLY,
        weekdays=[2, 4],
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 3, 15),
        now=local(D(2026, 2, 25), 9),
    )
    assert occurrence_days(series) == [D(2026, 3, 3), D(2026, 3, 5), D(2026, 3, 10), D(2026, 3, 12)]


def test_past_dates_are_not_generated(city):
    template = service_day_template(city, D(2025, 12, 13))
    series = series_create(
        actor=city.users["org_admin"],
        template=template,
        rule=Series.Rule.MONTHLY_WEEK_WEEKDAY,
        weekdays=[6],
        ordinal=2,
        starts_on=D(2026, 1, 1),
        horizon_months=3,
        now=local(D(2026, 2, 8), 9),
    )
    assert occurrence_days(series) == [D(2026, 3, 7), D(2026, 4, 11)]


@pytest.mark.django_db(transaction=True)
def test_two_generations_at_once_create_each_date_once(city):
    template = service_day_template(city, D(2025, 12, 13))
    series = Series.objects.create(
        organization=city.org_a,
        title=template.title,
        rule=Series.Rule.MONTHLY_WEEK_WEEKDAY,
        weekdays=[6],
        ordinal=2,
        starts_on=D(2026, 1, 1),
        horizon_months=6,
        template=template,
    )
    now = local(D(2026, 1, 1), 9)
    counts = []

    def run():
        try:
            counts.append(len(series_generate(series, now=now)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == [0, 0, 0, 6]
    assert occurrence_days(series) == SECOND_WEEK_SATURDAYS_2026[:6]


def test_only_a_published_activity_of_ones_own_becomes_recurring(city, scene):
    kwargs = {"rule": Series.Rule.WEEKLY, "weekdays": [6]}
    with pytest.raises(Refused) as exc:
        series_create(actor=city.users["org_admin"], template=scene.draft, **kwargs)
    assert exc.value.reason == "not_published"
    with pytest.raises(PermissionDenied):
        series_create(actor=city.users["leader"], template=scene.published, **kwargs)
    with pytest.raises(PermissionDenied):
        series_create(actor=city.users["outsider"], template=scene.published, **kwargs)
    with pytest.raises(FieldErrors) as exc:
        series_create(
            actor=city.users["org_admin"],
            template=scene.published,
            rule=Series.Rule.MONTHLY_NTH_WEEKDAY,
            weekdays=[6],
            ordinal=9,
        )
    assert "ordinal" in exc.value.errors
    assert not Series.objects.exists()


@pytest.fixture
def running_series(city):
    """A second-week-Saturday series set up today: its template and the next three dates."""
    today = timezone.localdate()
    template = service_day_template(city, today + dt.timedelta(days=1))
    series = series_create(
        actor=city.users["org_admin"],
        template=template,
        rule=Series.Rule.MONTHLY_WEEK_WEEKDAY,
        weekdays=[6],
        ordinal=2,
        horizon_months=4,
    )
    return series


def test_editing_one_occurrence_leaves_the_others_and_is_left_alone_by_series_edits(city, running_series):
    first, second, *rest = running_series.occurrences.exclude(pk=running_series.template_id).order_by(
        "starts_at"
    )
    activities.activity_update(actor=city.users["org_admin"], activity=first, description="本次在商场一楼")
    first.refresh_from_db()
    assert first.series_detached and first.series == running_series
    result = series_update(actor=city.users["org_admin"], series=running_series, description="在社区广场")
    assert first not in result.updated and second in result.updated
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.description, second.description) == ("本次在商场一楼", "在社区广场")


def test_editing_the_whole_series_moves_times_except_where_volunteers_signed_up(city, running_series):
    occurrences = list(
        running_series.occurrences.exclude(pk=running_series.template_id).order_by("starts_at")
    )
    booked = occurrences[0]
    enrol(booked.shifts.first(), member(city.org_a))
    result = series_update(
        actor=city.users["org_admin"],
        series=running_series,
        starts_time=dt.time(9, 0),
        ends_time=dt.time(12, 0),
        title="金平湖·志愿服务日（夏季）",
    )
    assert [a.pk for a in result.times_kept] == [booked.pk]
    booked.refresh_from_db()
    assert timezone.localtime(booked.starts_at).time() == dt.time(8, 30)
    assert booked.title == "金平湖·志愿服务日（夏季）"  # other changes apply to it too
    for activity in occurrences[1:]:
        activity.refresh_from_db()
        assert timezone.localtime(activity.starts_at).time() == dt.time(9, 0)
        assert timezone.localtime(activity.ends_at).time() == dt.time(12, 0)
        first_shift = activity.shifts.order_by("starts_at").first()
        assert timezone.localtime(first_shift.starts_at).time() == dt.time(9, 0)
    # Later generations carry the new times.
    running_series.refresh_from_db()
    assert running_series.title == "金平湖·志愿服务日（夏季）"
    later = series_generate(running_series, until=running_series.generated_until + dt.timedelta(days=62))
    assert later and all(timezone.localtime(a.starts_at).time() == dt.time(9, 0) for a in later)
    assert all(a.title == "金平湖·志愿服务日（夏季）" for a in later)


def test_new_values_are_carried_forward_when_every_future_date_has_sign_ups(city, running_series):
    for activity in running_series.occurrences.all():
        enrol(activity.shifts.first(), member(city.org_a))
    result = series_update(
        actor=city.users["org_admin"],
        series=running_series,
        starts_time=dt.time(9, 0),
        ends_time=dt.time(12, 0),
    )
    assert len(result.times_kept) == running_series.occurrences.count() - 1  # the carrier is new
    running_series.refresh_from_db()
    carrier = Activity.objects.get(pk=running_series.template_id)
    assert carrier in result.updated and timezone.localtime(carrier.starts_at).time() == dt.time(9, 0)
    later = series_generate(running_series, until=carrier.starts_at.date() + dt.timedelta(days=62))
    assert later and all(timezone.localtime(a.starts_at).time() == dt.time(9, 0) for a in later)


def test_shifts_must_fit_the_new_times(city, running_series):
    with pytest.raises(FieldErrors) as exc:
        series_update(
            actor=city.users["org_admin"],
            series=running_series,
            starts_time=dt.time(9),
            ends_time=dt.time(10),
        )
    assert "ends_time" in exc.value.errors


def test_ending_a_series_early_cancels_the_later_dates_and_tells_their_volunteers(city, running_series):
    pytest.importorskip("huiguang.activities.services.enrollments").enrollments_cancel_for_activity
    occurrences = list(
        running_series.occurrences.exclude(pk=running_series.template_id).order_by("starts_at")
    )
    last = occurrences[-1]
    volunteer = member(city.org_a)
    enrol(last.shifts.first(), volunteer)
    new_end = timezone.localtime(occurrences[0].starts_at).date()
    result = series_update(actor=city.users["org_admin"], series=running_series, ends_on=new_end)
    assert {a.pk for a in result.cancelled} == {a.pk for a in occurrences[1:]}
    last.refresh_from_db()
    assert last.status == S.CANCELLED
    assert Enrollment.objects.get(volunteer=volunteer).status == Enrollment.Status.CANCELLED
    assert Notification.objects.filter(user=volunteer.user, kind="activity_cancelled").exists()
    running_series.refresh_from_db()
    assert running_series.ends_on == new_end and running_series.generated_until == new_end
    assert series_generate(running_series, until=new_end + dt.timedelta(days=200)) == []


def test_leaders_and_outsiders_may_not_edit_a_series(city, running_series):
    for role in ("leader", "outsider", "auditor"):
        with pytest.raises(PermissionDenied):
            series_update(actor=city.users[role], series=running_series, description="x")


def test_generate_series_command(city, running_series, capsys):
    running_series.occurrences.exclude(pk=running_series.template_id).order_by("-starts_at").first().delete()
    Series.objects.filter(pk=running_series.pk).update(generated_until=timezone.localdate())
    call_command("generate_series")
    out = capsys.readouterr().out
    assert "1 series checked" in out
    call_command("generate_series")
    assert "0 occurrences created" in capsys.readouterr().out


def test_a_later_last_date_lets_the_series_run_on(city):
    today = timezone.localdate()
    template = service_day_template(city, today + dt.timedelta(days=1))
    series = series_create(
        actor=city.users["org_admin"],
        template=template,
        rule=Series.Rule.WEEKLY,
        weekdays=[6],
        ends_on=today + dt.timedelta(days=14),
        horizon_months=2,
    )
    assert occurrence_days(series) == occurrence_dates(
        Series.Rule.WEEKLY, [6], None, today + dt.timedelta(days=2), today + dt.timedelta(days=14)
    )
    series_update(actor=city.users["org_admin"], series=series, ends_on=None)
    series.refresh_from_db()
    assert series.ends_on is None and len(occurrence_days(series)) >= 8
