"""This year's recruitment drive for the demo city (`seed_demo`): 2026 青年志愿者招募, open, run by
the city admin, with units for departments, enterprises, every school and some villages (with
their village team as the default team). Sign-ups are members of each unit's organization, so
that each unit's progress lies between 30 % and 110 %; a volunteer registered since the drive
opened counts as a newcomer. Each school's enrolled league members are drawn so that its
registration rate (computed from the volunteers' own data) lies between about 50 % and 100 %.
Deterministic from its own random.Random (the seeding of other apps is unchanged); bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Count

from huiguang.mobilization.models.drives import Drive, DriveSignup, DriveUnit
from huiguang.network.models import Grant, Membership, Organization, Region
from huiguang.volunteers.models import Volunteer

from . import data

TEAM_SUFFIX = "青年志愿者服务队"  # demo/network.py names a school's team "<school>青年志愿者服务队"
DEPARTMENTS, ENTERPRISES, VILLAGES = 4, 2, 4
MAX_SIGNUPS = 60


def seed_drives(*, seed: int) -> dict[str, int]:
    rng = random.Random(f"drives-{seed}")
    grant = Grant.objects.filter(role=Grant.Role.CITY_ADMIN).select_related("user").order_by("pk").first()
    city = Region.objects.filter(level=Region.Level.CITY).order_by("pk").first()
    if grant is None or city is None:
        return {}
    starts = dt.date(data.REFERENCE_TIME.year, 3, 1)
    drive = Drive.objects.create(
        name=f"{starts.year} 青年志愿者招募",
        year=starts.year,
        description="面向机关部门、企业、学校和村（社区）招募青年志愿者；新入团团员100%注册。",
        region=city,
        starts_on=starts,
        ends_on=dt.date(starts.year, 12, 31),
        status=Drive.Status.OPEN,
        created_by=grant.user,
        opened_at=dt.datetime(starts.year, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    active = Organization.objects.filter(status=Organization.Status.ACTIVE).order_by("pk")
    schools = list(active.filter(kind=Organization.Kind.SCHOOL))
    orgs = (
        list(active.filter(kind=Organization.Kind.DEPARTMENT)[:DEPARTMENTS])
        + list(active.filter(kind=Organization.Kind.ENTERPRISE)[:ENTERPRISES])
        + schools
    )
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("path")[:VILLAGES])
    teams = {o.region_id: o for o in active.filter(region__in=villages, kind=Organization.Kind.TEAM, tier="")}
    units = [DriveUnit(drive=drive, organization=o, target=1) for o in orgs] + [
        DriveUnit(drive=drive, region=v, team=teams.get(v.pk), target=1) for v in villages
    ]
    for unit in units:
        if unit.organization is not None and unit.organization.kind == Organization.Kind.SCHOOL:
            unit.school_name = unit.organization.name.removesuffix(TEAM_SUFFIX)
    # The registered league students of every school, from the volunteers' data (one query).
    registered = dict(
        Volunteer.objects.filter(
            is_student=True,
            political_status=Volunteer.Political.LEAGUE,
            school__in=[u.school_name for u in units if u.school_name],
        )
        .values_list("school")
        .annotate(n=Count("pk"))
    )
    join_ids = [u.organization_id or (u.team.pk if u.team else None) for u in units]
    members: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for org_id, volunteer_id, registered_at in (
        Membership.objects.filter(
            organization_id__in=[i for i in join_ids if i], status=Membership.Status.ACTIVE
        )
        .order_by("organization_id", "volunteer_id")
        .values_list("organization_id", "volunteer_id", "volunteer__registered_at")
    ):
        members[org_id].append((volunteer_id, registered_at))
    signups: list[DriveSignup] = []
    DriveUnit.objects.bulk_create(units)
    for unit, join_id in zip(units, join_ids, strict=True):
        pool = members.get(join_id, []) if join_id else []
        chosen = rng.sample(pool, min(len(pool), MAX_SIGNUPS))
        progress = rng.uniform(0.3, 1.1)
        n = len(chosen)
        # Rounded, then kept inside the bounds: n / target between 30 % and 110 %.
        unit.target = (
            min(max(math.ceil(n / 1.1), round(n / progress)), n * 10 // 3) if n else rng.randint(10, 30)
        )
        if unit.school_name:
            rate = rng.uniform(0.5, 1.0)
            unit.enrolled_league_members = max(1, round(registered.get(unit.school_name, 0) / rate))
        signups += [
            DriveSignup(unit=unit, volunteer_id=v, newcomer=registered_at.date() >= drive.starts_on)
            for v, registered_at in chosen
        ]
    DriveUnit.objects.bulk_update(units, ["target", "enrolled_league_members"])
    DriveSignup.objects.bulk_create(signups, batch_size=500)
    return {"units": len(units), "signups": len(signups), "schools": len(schools)}
