"""The demo city under construction: its parts (towns, villages, people, memberships) and the
state the builders share (network.py, people.py, memberships.py), with one random.Random.

Deterministic: every choice comes from `rng`, consumed in a fixed order, and every time from
data.REFERENCE_TIME.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from huiguang.accounts.models import User
from huiguang.network.models import Grant, Membership, Organization, Region, Site
from huiguang.volunteers.models import Skill, Volunteer

from . import data
from .accounts import DemoAccount


@dataclass
class Village:
    region: Region
    lat: float
    lng: float
    is_community: bool


@dataclass
class Town:
    region: Region
    lat: float
    lng: float
    villages: list[Village]


@dataclass
class Person:
    phone: str
    name: str
    account: DemoAccount | None = None
    # Volunteer profile (None for staff accounts without one).
    village: Village | None = None
    gender: str = ""
    birth: dt.date | None = None
    id_number: str = ""
    registered_at: dt.datetime = data.REFERENCE_TIME
    political: str = Volunteer.Political.MASSES
    is_student: bool = False
    school: str = ""
    occupation: str = ""
    skills: tuple[str, ...] = ()
    new_resident: bool = False
    department: str = ""
    guardian: Person | None = None
    awaiting_consent: bool = False
    volunteer_number: str = ""
    user: User | None = None
    volunteer: Volunteer | None = None

    @property
    def is_volunteer(self) -> bool:
        return self.village is not None

    def age(self) -> int:
        ref = data.REFERENCE_TIME.date()
        assert self.birth is not None
        return ref.year - self.birth.year - ((ref.month, ref.day) < (self.birth.month, self.birth.day))


@dataclass
class PlannedMembership:
    person: Person
    org: Organization
    status: str
    role: str = Membership.Role.MEMBER
    applied_at: dt.datetime = data.REFERENCE_TIME
    decided_at: dt.datetime | None = None
    left_at: dt.datetime | None = None


@dataclass
class CityState:
    rng: random.Random
    volunteer_count: int
    towns: list[Town] = field(default_factory=list)
    villages: dict[str, Village] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    city: Region | None = None
    skills: dict[str, Skill] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)
    departments: dict[str, Organization] = field(default_factory=dict)
    professional: list[tuple[Organization, str, int]] = field(default_factory=list)
    school_orgs: dict[str, Organization] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    by_account: dict[str, Person] = field(default_factory=dict)
    memberships: list[PlannedMembership] = field(default_factory=list)
    open_pairs: set[tuple[int, str]] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    id_numbers: set[str] = field(default_factory=set)
    sites: list[Site] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    # Cumulative population weights for drawing a volunteer's residence.
    village_list: list[Village] = field(default_factory=list)
    village_weights: list[int] = field(default_factory=list)
    new_resident_prefixes: list[str] = field(default_factory=list)

    def moment(self, earliest: dt.datetime, latest: dt.datetime) -> dt.datetime:
        """A daytime moment between two instants (inclusive of days)."""
        days = max(0, (latest.date() - earliest.date()).days)
        day = earliest.date() + dt.timedelta(days=self.rng.randint(0, days))
        at = dt.datetime.combine(day, dt.time(7, 0), tzinfo=data.REFERENCE_TIME.tzinfo)
        at += dt.timedelta(seconds=self.rng.randrange(14 * 3600))
        if at > latest:  # the last day, after the reference time: earlier that morning
            at = latest - dt.timedelta(seconds=self.rng.randrange(1, 4 * 3600))
        return max(at, earliest)
