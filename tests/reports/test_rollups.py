"""The rollups kept by confirmations: a month's line computed by hand from the ledger's rows equals
the measures; `rebuild_rollups` agrees, and repairs drift."""

import datetime as dt
from collections import defaultdict
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from huiguang.activities.models import Activity
from huiguang.core.formatting import hours_from_minutes
from huiguang.ledger.models import ServiceRecord
from huiguang.ledger.services.corrections import dispute_accept, dispute_open
from huiguang.ledger.services.records import record_append
from huiguang.ledger.services.stars import star_policy_save
from huiguang.reports.measures import measure_values
from huiguang.reports.models import (
    ActiveMark,
    CategoryMonth,
    DailyCounter,
    OrganizationMonth,
    ProjectMark,
    ProjectMonth,
    RegionMonth,
)
from huiguang.reports.receivers import add_confirmed
from huiguang.reports.services.registrations import registration_rollups_rebuild
from huiguang.volunteers.models import Volunteer

from ..projects.conftest import make_project
from .conftest import attend, confirmed, make_shift, reverse_record, ten_days_ago


def by_hand(month: dt.date, q: Q) -> dict:
    """Hours, participations and active volunteers of the confirmed rows of `q` in `month`."""
    rows = ServiceRecord.objects.filter(
        q, status="confirmed", service_date__year=month.year, service_date__month=month.month
    )
    per_volunteer = defaultdict(int)
    minutes = 0
    for r in rows:
        n = -1 if r.kind == "reversal" else 1
        per_volunteer[r.volunteer_id] += n
        minutes += r.minutes
    return {
        "hours": float(hours_from_minutes(minutes)),
        "participations": sum(per_volunteer.values()),
        "active": sum(1 for n in per_volunteer.values() if n > 0),
    }


def scene(city, vol, org_admin):
    """Three volunteers, records in a village of town A (org A1, below org A), in town B, a
    pending one, make-up hours, and a dispute fixed by a reversal and a corrected row."""
    other = city.users["volunteer_b"].volunteer
    day = ten_days_ago()
    first = confirmed(make_shift(city.org_a1, day=day, start=8, hours=3), vol, org_admin)
    confirmed(make_shift(city.org_a, day=day, start=14, hours=2), vol, org_admin)
    confirmed(make_shift(city.org_a, day=day, start=9, hours=4), other, city.users["city_admin"])
    confirmed(make_shift(city.org_b, day=day, start=18, hours=1), other, city.users["city_admin"])
    attend(make_shift(city.org_a, day=day, start=20, hours=1), other)  # pending: not counted
    record_append(
        actor=org_admin,
        volunteer=vol,
        organization=city.org_a,
        kind="makeup",
        source="makeup",
        minutes=90,
        service_date=day,
        fields={"activity_name": "补录：社区巡查"},
    )
    dispute = dispute_open(volunteer=vol, record=first, reason="我早到了一小时", claimed_minutes=240)
    dispute_accept(actor=org_admin, dispute=dispute, minutes=200)
    return day.replace(day=1)


def test_a_towns_line_by_hand_from_the_ledger_equals_the_measures(city, vol, org_admin):
    month = scene(city, vol, org_admin)
    units, values = measure_values("town", month)
    assert {u.id for u in units} == {"330482001", "330482103"}
    for town in ("330482001", "330482103"):
        line = values[town]
        want = by_hand(month, Q(region_code__startswith=town))
        assert {k: line[k] for k in want} == want
        assert line["hours_per_active"] == round(want["hours"] / want["active"], 1)
    assert values["330482001"]["active"] == 2
    # the dispute's reversal and corrected row leave one participation: 3 of vol + 1 of other
    assert values["330482001"]["participations"] == 4


def test_an_organizations_line_counts_its_subtree(city, vol, org_admin):
    month = scene(city, vol, org_admin)
    org_a = OrganizationMonth.objects.get(organization=city.org_a, month=month)
    want = by_hand(month, Q(organization__path__startswith=city.org_a.path))
    assert (float(hours_from_minutes(org_a.minutes)), org_a.participations, org_a.active_volunteers) == (
        want["hours"],
        want["participations"],
        want["active"],
    )
    a1 = OrganizationMonth.objects.get(organization=city.org_a1, month=month)
    assert a1.active_volunteers == 1  # vol only


def test_the_city_row_and_the_day_counter_hold_every_confirmed_minute(city, vol, org_admin):
    month = scene(city, vol, org_admin)
    confirmed_rows = ServiceRecord.objects.filter(status="confirmed")
    total = sum(r.minutes for r in confirmed_rows)
    assert RegionMonth.objects.get(region_code="330482", month=month).minutes == total
    assert sum(DailyCounter.objects.values_list("minutes", flat=True)) == total
    assert sum(DailyCounter.objects.values_list("records", flat=True)) == confirmed_rows.count()


def test_a_reversal_to_nothing_makes_the_volunteer_inactive(city, vol, org_admin):
    admin = city.users["city_admin"]
    record = confirmed(make_shift(city.org_b, start=9, hours=2), vol, admin)
    month = record.service_date.replace(day=1)
    assert RegionMonth.objects.get(region_code="330482103", month=month).active_volunteers == 1
    reverse_record(record, admin)
    row = RegionMonth.objects.get(region_code="330482103", month=month)
    assert (row.minutes, row.participations, row.active_volunteers, row.records) == (0, 0, 0, 2)


def test_new_star_volunteers_are_counted_in_the_month_of_the_record(city, vol, org_admin):
    star_policy_save(actor=city.users["city_admin"], thresholds_hours=[2, 8, 600, 1000, 1500])
    record = confirmed(make_shift(city.org_a, start=9, hours=3), vol, org_admin)
    units, values = measure_values("town", record.service_date)
    assert values["330482001"]["new_stars"] == 1
    assert values["330482103"]["new_stars"] == 0


def test_registration_and_rates(city, vol, org_admin):
    city.town_a.population = 100
    city.town_a.save()
    city.town_b.population = 0
    city.town_b.save()
    month = scene(city, vol, org_admin)
    in_town_a = Volunteer.objects.filter(residence_region__path__startswith=city.town_a.path)
    in_town_a.update(registered_at=timezone.make_aware(dt.datetime.combine(month, dt.time(12))))
    earlier = in_town_a.first()
    Volunteer.objects.filter(pk=earlier.pk).update(registered_at=timezone.now() - dt.timedelta(days=400))
    registration_rollups_rebuild()  # the dates were written behind the services' back
    units, values = measure_values("town", month)
    line = values["330482001"]
    assert line["registered"] == in_town_a.count() >= 2
    assert line["registered_new"] == in_town_a.count() - 1
    assert line["registration_rate"] == round(line["registered"] * 100 / 100, 1)
    assert line["activity_rate"] == round(line["active"] * 100 / line["registered"], 1)
    assert values["330482103"]["registration_rate"] is None  # no population given


def test_rebuild_agrees_with_the_confirmations_then_repairs_drift(city, vol, org_admin):
    scene(city, vol, org_admin)
    out = StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=out)
    assert out.getvalue().startswith("0 difference(s)"), out.getvalue()
    RegionMonth.objects.filter(region_code="330482001").update(minutes=1, active_volunteers=7)
    DailyCounter.objects.all().delete()
    out = StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=out)
    assert "region 330482001" in out.getvalue()
    assert "day " in out.getvalue()
    call_command("rebuild_rollups", stdout=StringIO())
    out = StringIO()
    call_command("rebuild_rollups", "--dry-run", stdout=out)
    assert out.getvalue().startswith("0 difference(s)")


def test_measures_take_a_constant_number_of_queries(city, vol, org_admin, django_assert_max_num_queries):
    month = scene(city, vol, org_admin)
    # units; rollups; registrations; activities; trainings; residents' satisfaction (one UNION ALL);
    # and for the city loans (2) and points
    for unit_type in ("city", "town", "village", "department", "team"):
        with django_assert_max_num_queries(9 if unit_type == "city" else 6):
            measure_values(unit_type, month)


def test_rollups_added_from_stored_records_equal_those_of_the_confirmations(city, vol, org_admin):
    """The history import's path (records_confirmed with the records' ids: the database sums the
    rows just inserted) gives exactly the rows that the confirmations gave, projects included; the
    ids once consecutive (a range), once not (an array or a JSON array)."""
    scene(city, vol, org_admin)
    shift = make_shift(city.org_a, start=6, hours=1)
    Activity.objects.filter(pk=shift.activity_id).update(project=make_project(city.org_a))
    confirmed(shift, city.users["volunteer_b"].volunteer, org_admin)
    tables = (
        RegionMonth,
        OrganizationMonth,
        CategoryMonth,
        DailyCounter,
        ActiveMark,
        ProjectMonth,
        ProjectMark,
    )

    def held() -> dict:
        return {
            model.__name__: sorted(
                model.objects.values_list(
                    *(f.attname for f in model._meta.concrete_fields if not f.primary_key)
                )
            )
            for model in tables
        }

    confirmations = held()
    assert confirmations["ProjectMonth"] and confirmations["CategoryMonth"]
    for model in tables:
        model.objects.all().delete()
    ids = list(ServiceRecord.objects.filter(status="confirmed").order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        add_confirmed(ServiceRecord, records=[], stars={}, record_ids=ids[:2])
        add_confirmed(ServiceRecord, records=[], stars={}, record_ids=ids[2::2])
        add_confirmed(ServiceRecord, records=[], stars={}, record_ids=ids[3::2])
    assert held() == confirmations
