"""Rollups kept in the confirming transaction agree with a rebuild; stars and their notification."""

import datetime as dt
from io import StringIO

from django.core.management import call_command

from huiguang.ledger.models import MonthlyRollup, ServiceRecord, StarPolicy, VolunteerHours
from huiguang.ledger.selectors.hours import hours_summary
from huiguang.ledger.services.records import record_append, records_confirm
from huiguang.ledger.services.stars import star_policy_save
from huiguang.notifications.models import Notification

from .conftest import attend, confirmed, make_shift, ten_days_ago


def snapshot():
    rollups = sorted(
        MonthlyRollup.objects.values_list(
            "volunteer_id", "organization_id", "month", "region_code", "minutes", "credit_minutes", "records"
        )
    )
    hours = sorted(
        VolunteerHours.objects.values_list("volunteer_id", "total_minutes", "credit_minutes", "star")
    )
    return rollups, hours


def test_incremental_rollups_agree_with_a_rebuild(city, vol, org_admin):
    other = city.users["volunteer_b"].volunteer
    city_admin = city.users["city_admin"]
    this_month = ten_days_ago()
    last_month = this_month.replace(day=1) - dt.timedelta(days=3)
    a1 = confirmed(make_shift(city.org_a, day=last_month, start=9, hours=3), vol, org_admin)
    confirmed(make_shift(city.org_a1, day=last_month, start=14, hours=2), vol, org_admin)
    confirmed(
        make_shift(city.org_a, day=this_month, start=8, hours=4),
        vol,
        org_admin,
        source=ServiceRecord.Source.AUTO,
    )
    confirmed(make_shift(city.org_b, day=this_month, start=9, hours=5), other, city_admin)
    attend(make_shift(city.org_b, day=this_month, start=15, hours=1), other)  # pending: not counted
    # make-up hours (honour hours) this month, and a reversal of last month's record this month
    record_append(
        actor=org_admin,
        volunteer=vol,
        organization=city.org_a,
        kind="makeup",
        source="makeup",
        minutes=90,
        service_date=this_month,
        fields={"activity_name": "补录：社区巡查"},
    )
    record_append(
        actor=org_admin,
        volunteer=vol,
        organization=city.org_a,
        kind="reversal",
        source="correction",
        minutes=-a1.minutes,
        service_date=this_month,
        reverses=a1,
    )
    record_append(
        actor=org_admin,
        volunteer=vol,
        organization=city.org_a,
        kind="correction",
        source="correction",
        minutes=150,
        service_date=last_month,
        is_credit=True,
        started_at=a1.started_at,
        ended_at=a1.started_at + dt.timedelta(minutes=150),
    )

    incremental = snapshot()
    hours = VolunteerHours.objects.get(volunteer=vol)
    assert hours.total_minutes == 180 + 120 + 240 + 90 - 180 + 150
    assert hours.credit_minutes == 180 + 120 - 180 + 150  # auto and make-up are honour hours
    assert (
        MonthlyRollup.objects.get(
            volunteer=vol, organization=city.org_a, month=this_month.replace(day=1)
        ).minutes
        == 240 + 90 - 180
    )

    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "0 difference(s)" in out.getvalue()
    assert snapshot() == incremental


def test_rebuild_repairs_and_reports_drifted_rollups(city, vol, org_admin):
    record = confirmed(make_shift(city.org_a), vol, org_admin)
    good = snapshot()
    MonthlyRollup.objects.update(minutes=1)
    VolunteerHours.objects.update(total_minutes=5, star=3)
    MonthlyRollup.objects.create(
        volunteer=vol,
        organization=city.org_b,
        month=record.service_date.replace(day=1),
        region_code="330482103",
        minutes=30,
    )
    out = StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=out)
    assert "3 difference(s) found" in out.getvalue()
    assert snapshot() != good
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "but the ledger has none" in out.getvalue()
    assert snapshot() == good


def test_star_upgrade_notifies_the_volunteer_once(city, vol, org_admin):
    star_policy_save(actor=city.users["city_admin"], thresholds_hours=[4, 8, 600, 1000, 1500])
    day = ten_days_ago()
    confirmed(make_shift(city.org_a, day=day, start=8, hours=3), vol, org_admin)
    assert Notification.objects.filter(user=vol.user, kind="ledger.star").count() == 0
    confirmed(make_shift(city.org_a, day=day, start=13, hours=2), vol, org_admin)  # 5 h → 1★
    assert VolunteerHours.objects.get(volunteer=vol).star == 1
    notes = Notification.objects.filter(user=vol.user, kind="ledger.star")
    assert [n.title for n in notes] == ["您已达到1星"]
    # more hours at the same level: no second notification
    confirmed(make_shift(city.org_a, day=day - dt.timedelta(days=1), start=8, hours=2), vol, org_admin)
    assert Notification.objects.filter(user=vol.user, kind="ledger.star").count() == 1
    summary = hours_summary(vol)
    assert summary["star"] == 1 and summary["total_minutes"] == 7 * 60
    assert summary["next_star_minutes"] == 8 * 60 and summary["minutes_to_next_star"] == 60


def test_a_new_policy_version_recomputes_stars_in_bulk(city, vol, org_admin):
    confirmed(make_shift(city.org_a), vol, org_admin)  # 4 h
    assert VolunteerHours.objects.get(volunteer=vol).star == 0
    policy = star_policy_save(actor=city.users["city_admin"], thresholds_hours=[2, 4, 6, 8, 10])
    assert policy.version == 2 and StarPolicy.objects.count() == 2
    hours = VolunteerHours.objects.get(volunteer=vol)
    assert (hours.star, hours.policy_version) == (2, 2)
    assert Notification.objects.filter(user=vol.user, kind="ledger.star").count() == 1


def test_records_confirm_records_rating_and_evaluation(city, vol, shift, org_admin):
    record = attend(shift, vol)
    assert records_confirm(actor=org_admin, ids=[record.pk], rating=5, evaluation="服务耐心细致") == 1
    record.refresh_from_db()
    assert (record.status, record.rating, record.evaluation) == ("confirmed", 5, "服务耐心细致")
    assert record.confirmed_by == org_admin
