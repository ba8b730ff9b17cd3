"""A small city with history to move: organizations, activities, memberships and confirmed hours
written through the ledger's services, and files in the template format."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.db.models import Sum
from django.utils import timezone

from huiguang.ledger.history.columns import COLUMNS, TEMPLATE_FILES
from huiguang.ledger.models import MonthlyRollup, ServiceRecord
from huiguang.ledger.services.records import record_append
from huiguang.volunteers.models import Volunteer

from ..factories import MembershipFactory, OrganizationFactory, VolunteerFactory, category, make_activity

R = ServiceRecord


def write_kind(directory: Path, kind: str, rows: list[dict], name: str | None = None) -> Path:
    """A CSV of one kind with the template's headers; rows by column key."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or TEMPLATE_FILES[kind])
    columns = COLUMNS[kind]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in columns])
        for row in rows:
            writer.writerow([row.get(c.key, "") for c in columns])
    return path


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def totals() -> dict:
    """Confirmed minutes per (volunteer number, organization code, month): the round trip's measure."""
    rows = (
        MonthlyRollup.objects.values_list("volunteer__volunteer_number", "organization__code", "month")
        .annotate(n=Sum("minutes"))
        .order_by()
    )
    return {(v, o, m): n for v, o, m, n in rows if n}


@pytest.fixture
def history_city(city):
    """Three more volunteers, a sub-team, two activities and a dozen confirmed records (one
    reversed in part) spread over two years."""
    team = OrganizationFactory(code="TA2", name="东湖助老小分队", region=city.village_a1, parent=city.org_a)
    volunteers = [
        Volunteer.objects.get(user=city.users["volunteer"]),
        Volunteer.objects.get(user=city.users["volunteer_b"]),
    ]
    volunteers += [VolunteerFactory(residence_region=city.town_a) for _ in range(3)]
    for v in volunteers[2:]:
        MembershipFactory(volunteer=v, organization=team)
    elderly = category()
    day = dt.date(2025, 3, 2)
    activity = make_activity(city.org_a, title="社区助老", starts_at=at(day, 9), hours=3, category=elderly)
    records = []
    for i, volunteer in enumerate(volunteers):
        for j, (org, months_ago) in enumerate([(city.org_a, 0), (team, 3), (city.org_b, 14)]):
            service_day = day - dt.timedelta(days=30 * months_ago + i)
            records.append(
                record_append(
                    actor=None,
                    volunteer=volunteer,
                    organization=org,
                    kind=R.Kind.SERVICE,
                    source=R.Source.LEADER,
                    minutes=60 + 15 * i + 30 * j,
                    service_date=service_day,
                    started_at=at(service_day, 9),
                    ended_at=at(service_day, 9) + dt.timedelta(minutes=60 + 15 * i + 30 * j),
                    is_credit=True,
                    activity=activity if org == city.org_a and service_day == day else None,
                    fields={
                        "activity_name": "社区助老" if org == city.org_a else "文明劝导",
                        "content": "陪伴",
                    },
                )
            )
    first = records[0]
    record_append(
        actor=None,
        volunteer=first.volunteer,
        organization=first.organization,
        kind=R.Kind.REVERSAL,
        source=R.Source.CORRECTION,
        minutes=-20,
        service_date=first.service_date,
        reverses=first,
    )
    return volunteers
