"""Taps racing on a unit's page (real threads, a real database; run on PostgreSQL too): however
many arrive at once, one sign-up and one membership, and nobody sees an error."""

from __future__ import annotations

import datetime as dt

import pytest

from huiguang.mobilization.models.drives import Drive, DriveSignup, DriveUnit
from huiguang.mobilization.services.drives import drive_signup
from huiguang.network.models import Membership

from ..factories import OrganizationFactory, RegionFactory, VolunteerFactory, at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_taps_of_one_volunteer_count_once():
    town = RegionFactory(code="330482901", name="并发镇")
    org = OrganizationFactory(code="RACE", region=town)
    volunteer = VolunteerFactory(residence_region=town)
    drive = Drive.objects.create(
        name="并发招募",
        year=2026,
        region=town,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        status=Drive.Status.OPEN,
    )
    unit = DriveUnit.objects.create(drive=drive, organization=org, target=5)

    def tap(_n):
        unit_here = DriveUnit.objects.select_related("drive", "organization").get(pk=unit.pk)
        _signup, created = drive_signup(actor=volunteer.user, unit=unit_here)
        return created

    outcomes = at_once(range(4), tap)
    assert sorted(outcomes, key=str) == [False, False, False, True], outcomes
    assert DriveSignup.objects.filter(unit=unit).count() == 1
    assert list(Membership.objects.filter(volunteer=volunteer).values_list("status", flat=True)) == ["active"]
