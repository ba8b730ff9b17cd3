"""The demo city's recruitment drive (demo/mobilization_drives.py), on a small city."""

from __future__ import annotations

from huiguang.demo.mobilization_drives import seed_drives
from huiguang.mobilization.models.drives import Drive
from huiguang.mobilization.selectors.drives import school_rate_list, unit_progress_list
from huiguang.network.models import Organization
from huiguang.volunteers.models import Volunteer

from ..factories import OrganizationFactory, member


def test_the_demo_drive_has_units_of_every_kind_with_progress_between_30_and_110_percent(city):
    department = OrganizationFactory(
        code="BM01", name="市卫健局", kind=Organization.Kind.DEPARTMENT, region=city.city
    )
    school = OrganizationFactory(
        code="XX01", name="平湖中学青年志愿者服务队", kind=Organization.Kind.SCHOOL, region=city.town_a
    )
    for _i in range(6):
        member(department)
        member(school, is_student=True, political_status=Volunteer.Political.LEAGUE, school="平湖中学")
        member(city.org_a1)
    counts = seed_drives(seed=1)
    drive = Drive.objects.get()
    assert (drive.status, drive.year) == ("open", 2026)
    units = {u.name: u for u in unit_progress_list(drive)}
    assert {"市卫健局", "平湖中学青年志愿者服务队", "东湖社区"} <= set(units)
    assert units["东湖社区"].team == city.org_a1
    for name in ("市卫健局", "平湖中学青年志愿者服务队", "东湖社区"):
        assert 30 <= units[name].progress <= 110, (name, units[name].progress)
    rate = school_rate_list(drive).get().rate
    assert 50 <= rate <= 100
    assert counts["signups"] == sum(u.signup_count for u in units.values())
