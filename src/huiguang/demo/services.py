"""Build the demo city (`huiguang seed_demo`).

Deterministic: every choice comes from one random.Random(seed) consumed in a fixed order, and
every time from data.REFERENCE_TIME, so one seed always gives the same people, numbers and
memberships (only salts, ciphertexts and primary keys differ). Fast: the demo password is hashed
once, people and memberships are inserted with bulk_create, volunteer numbers are allocated in
one block per registration year.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.models import User
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.id_card import division_codes, make_id_number
from huiguang.network.models import Grant, Membership, Organization, Region, Site
from huiguang.volunteers.models import Skill, Volunteer
from huiguang.volunteers.services import volunteer_numbers_allocate

from . import data
from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, village_team_code

DEFAULT_SEED = 330482
DEFAULT_VOLUNTEERS = 2000
MIN_VOLUNTEERS = 50
MAX_VOLUNTEERS = 200_000

# Organizations run by a leader on the day as well as by an administrator.
LED_KINDS = {
    Organization.Kind.TEAM,
    Organization.Kind.PROFESSIONAL,
    Organization.Kind.SCHOOL,
    Organization.Kind.ENTERPRISE,
    Organization.Kind.SOCIAL,
}


def demo_city_present() -> bool:
    """seed_demo fills an empty database only: one that holds no region."""
    return Region.objects.exists()


@dataclass
class _Village:
    region: Region
    lat: float
    lng: float
    is_community: bool


@dataclass
class _Town:
    region: Region
    lat: float
    lng: float
    villages: list[_Village]


@dataclass
class _Person:
    phone: str
    name: str
    account: DemoAccount | None = None
    # Volunteer profile (None for staff accounts without one).
    village: _Village | None = None
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
    guardian: _Person | None = None
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
class _Membership:
    person: _Person
    org: Organization
    status: str
    role: str = Membership.Role.MEMBER
    applied_at: dt.datetime = data.REFERENCE_TIME
    decided_at: dt.datetime | None = None
    left_at: dt.datetime | None = None


@dataclass
class _Builder:
    rng: random.Random
    volunteer_count: int
    towns: list[_Town] = field(default_factory=list)
    villages: dict[str, _Village] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    city: Region | None = None
    skills: dict[str, Skill] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)
    departments: dict[str, Organization] = field(default_factory=dict)
    professional: list[tuple[Organization, str, int]] = field(default_factory=list)
    school_orgs: dict[str, Organization] = field(default_factory=dict)
    people: list[_Person] = field(default_factory=list)
    by_account: dict[str, _Person] = field(default_factory=dict)
    memberships: list[_Membership] = field(default_factory=list)
    open_pairs: set[tuple[int, str]] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    id_numbers: set[str] = field(default_factory=set)
    sites: list[Site] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    # Cumulative population weights for drawing a volunteer's residence.
    village_list: list[_Village] = field(default_factory=list)
    village_weights: list[int] = field(default_factory=list)
    new_resident_prefixes: list[str] = field(default_factory=list)

    # --- the network ------------------------------------------------------------------------

    def build_regions(self) -> None:
        total = sum(pop for *_town, villages in data.TOWNS for _name, pop in villages)
        self.city = Region(
            code=data.CITY_CODE, name=data.CITY_NAME, level=Region.Level.CITY, population=total
        )
        self.city.save()
        self.regions[self.city.code] = self.city
        for code, name, lat, lng, villages in data.TOWNS:
            town = Region(
                code=code,
                name=name,
                level=Region.Level.TOWN,
                parent=self.city,
                population=sum(pop for _, pop in villages),
            )
            town.save()
            self.regions[code] = town
            info = _Town(town, lat, lng, [])
            communities, hamlets = itertools.count(1), itertools.count(201)
            for vname, pop in villages:
                is_community = vname.endswith("社区")
                number = next(communities) if is_community else next(hamlets)
                region = Region(
                    code=f"{code}{number:03d}",
                    name=vname,
                    level=Region.Level.VILLAGE,
                    parent=town,
                    population=pop,
                )
                region.save()
                self.regions[region.code] = region
                # Communities sit in the town centre, villages around it.
                spread = 0.010 if is_community else 0.032
                village = _Village(
                    region,
                    lat + self.rng.uniform(-spread, spread),
                    lng + self.rng.uniform(-spread, spread),
                    is_community,
                )
                info.villages.append(village)
                self.villages[region.code] = village
            self.towns.append(info)
        self.village_list = list(self.villages.values())
        self.village_weights = list(itertools.accumulate(v.region.population for v in self.village_list))

    def build_skills(self) -> None:
        for code, name in data.SKILLS:
            self.skills[code] = Skill.objects.get_or_create(code=code, defaults={"name": name})[0]

    def org(
        self, code: str, name: str, kind: str, region: Region, parent: Organization | None = None, **fields
    ) -> Organization:
        fields.setdefault("status", Organization.Status.ACTIVE)
        org = Organization(code=code, name=name, kind=kind, region=region, parent=parent, **fields)
        org.save()  # save() computes the path
        self.orgs[code] = org
        return org

    def build_organizations(self) -> None:
        assert self.city is not None
        code, name, description, staff = data.ASSOCIATION
        association = self.org(
            code,
            name,
            Organization.Kind.ASSOCIATION,
            self.city,
            tier=Organization.Tier.HEAD,
            description=description,
            staff_count=staff,
        )
        for i, (name, staff) in enumerate(data.DEPARTMENTS, start=1):
            self.departments[name] = self.org(
                f"BM{i:02d}", name, Organization.Kind.DEPARTMENT, self.city, staff_count=staff
            )
        federations = {}
        for town in self.towns:
            fed = self.org(
                f"LH{town.region.code}",
                f"{town.region.name}志愿者联合会",
                Organization.Kind.FEDERATION,
                town.region,
                association,
                tier=Organization.Tier.BRANCH,
            )
            federations[town.region.code] = fed
            for village in town.villages:
                self.org(
                    village_team_code(village.region.code),
                    f"{village.region.name}志愿服务队",
                    Organization.Kind.TEAM,
                    village.region,
                    fed,
                )
            for village in town.villages[: data.POSTS_PER_TOWN]:
                self.org(
                    f"YZ{village.region.code}",
                    f"{village.region.name}志愿服务驿站",
                    Organization.Kind.TEAM,
                    village.region,
                    fed,
                    tier=Organization.Tier.POST,
                )
        for i, (name, specialty, parent, weight, description) in enumerate(data.PROFESSIONAL_TEAMS, start=1):
            org = self.org(
                f"ZY{i:02d}",
                name,
                Organization.Kind.PROFESSIONAL,
                self.city,
                self.departments[parent] if parent else association,
                specialty=data.SPECIALTIES[specialty],  # shown to people: the Chinese label
                description=description,
            )
            self.professional.append((org, specialty, weight))
        education = self.departments["市教育局"]

        def parent_for(where: str, town_code: str | None) -> Organization:
            return federations[town_code] if where == "federation" and town_code else association

        for i, (school, school_town) in enumerate(data.SCHOOLS, start=1):
            region = self.regions[school_town]
            self.school_orgs[school] = self.org(
                f"XX{i:02d}", f"{school}青年志愿者服务队", Organization.Kind.SCHOOL, region, education
            )
        for code, name, kind, town_code, parent in data.OTHER_ORGANIZATIONS:
            region = self.regions[town_code or data.CITY_CODE]
            self.org(code, name, kind, region, parent_for(parent, town_code))
        for code, name, kind, town_code, parent, description in data.PENDING_ORGANIZATIONS:
            region = self.regions[town_code or data.CITY_CODE]
            self.org(
                code,
                name,
                kind,
                region,
                parent_for(parent, town_code),
                status=Organization.Status.PENDING,
                description=description,
            )
        # Creation dates spread over the years before the reference time (auto_now_add on insert).
        start = data.REFERENCE_TIME - dt.timedelta(days=data.HISTORY_DAYS + 400)
        for i, org in enumerate(self.orgs.values()):
            org.created_at = start + dt.timedelta(days=i * 3, hours=self.rng.randint(0, 8))
        for pending in data.PENDING_ORGANIZATIONS:
            self.orgs[pending[0]].created_at = data.REFERENCE_TIME - dt.timedelta(days=self.rng.randint(2, 9))

    def point(self, lat: float, lng: float, spread: float) -> tuple[Decimal, Decimal]:
        return (
            Decimal(f"{lat + self.rng.uniform(-spread, spread):.6f}"),
            Decimal(f"{lng + self.rng.uniform(-spread, spread):.6f}"),
        )

    def address(self, town: _Town, village: _Village | None = None) -> str:
        if village is None or village.is_community:
            road = self.rng.choice(data.ROADS)
            return f"{data.CITY_NAME}{town.region.name}{road}{self.rng.randint(1, 999)}号"
        return f"{data.CITY_NAME}{town.region.name}{village.region.name}{self.rng.randint(1, 15)}组"

    def site(self, name: str, kind: str, town: _Town, village: _Village | None, org: Organization) -> None:
        lat, lng = self.point(
            village.lat if village else town.lat, village.lng if village else town.lng, 0.004
        )
        self.sites.append(
            Site(
                name=name,
                kind=kind,
                region=village.region if village else town.region,
                organization=org,
                address=self.address(town, village),
                lat=lat,
                lng=lng,
            )
        )

    def build_sites(self) -> None:
        K = Site.Kind
        for town in self.towns:
            t = town.region.name
            fed = self.orgs[f"LH{town.region.code}"]
            self.site(f"{t}党群服务中心", K.PARTY_CENTER, town, None, fed)
            self.site(f"{t}“红立方”党员志愿服务站", K.RED_CUBE, town, None, fed)
            self.site(f"{t}学雷锋志愿服务站", K.LEI_FENG, town, None, fed)
            self.site(f"{t}青年之家", K.YOUTH_HOME, town, None, fed)
            self.site(f"{t}新时代文明实践所", K.CIVILIZATION, town, None, fed)
            first = town.villages[0]
            self.site(
                f"{first.region.name}亲青友邻驿站",
                K.YOUTH_POST,
                town,
                first,
                self.orgs[f"YZ{first.region.code}"],
            )
            for i, village in enumerate(town.villages):
                team = self.orgs[village_team_code(village.region.code)]
                v = village.region.name
                self.site(f"{v}新时代文明实践站", K.CIVILIZATION, town, village, team)
                if not village.is_community:
                    self.site(f"{v}文化礼堂", K.CULTURE_HALL, town, village, team)
                elif i % 2 == 0:
                    self.site(f"{v}居家养老服务照料中心", K.ELDERLY, town, village, team)
        towns = {town.region.code: town for town in self.towns}
        for name, town_code in data.OTHER_SITES:
            town = towns[town_code]
            self.site(name, K.OTHER, town, None, self.orgs[f"LH{town_code}"])
        Site.objects.bulk_create(self.sites)

    # --- people -----------------------------------------------------------------------------

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(data.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def name(self, gender: str, local: bool, surname: str = "") -> str:
        surname = surname or self.rng.choice(data.LOCAL_SURNAMES if local else data.NATIONAL_SURNAMES)
        chars = data.MALE_GIVEN if gender == "M" else data.FEMALE_GIVEN
        length = 1 if self.rng.random() < 0.3 else 2
        return surname + "".join(self.rng.choice(chars) for _ in range(length))

    def id_number(self, prefix: str, birth: dt.date, gender: str) -> str:
        while True:
            sequence = self.rng.randrange(1000)
            if (sequence % 2 == 1) != (gender == "M"):  # odd sequence for men (GB 11643)
                sequence ^= 1
            number = make_id_number(prefix, birth, sequence)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def id_prefix(self, birth: dt.date, new_resident: bool) -> str:
        if new_resident:
            return self.rng.choice(self.new_resident_prefixes)
        r = self.rng.random()
        # A number keeps the county code of its first issue (平湖县 until 1990, 平湖市 339012 in 1991-94).
        if birth.year <= 1972 and r < 0.25:
            return "330422"
        if 1973 <= birth.year <= 1978 and r < 0.15:
            return "339012"
        if r > 0.93:
            return self.rng.choice(data.NEARBY_PREFIXES)
        return data.CITY_CODE

    def birth_for_age(self, age: int) -> dt.date:
        ref = data.REFERENCE_TIME.date()
        # 1-364 days before the age-th birthday falling on the reference day: exactly `age` then.
        return ref.replace(year=ref.year - age) - dt.timedelta(days=self.rng.randint(1, 364))

    def moment(self, earliest: dt.datetime, latest: dt.datetime) -> dt.datetime:
        """A daytime moment between two instants (inclusive of days)."""
        days = max(0, (latest.date() - earliest.date()).days)
        day = earliest.date() + dt.timedelta(days=self.rng.randint(0, days))
        at = dt.datetime.combine(day, dt.time(7, 0), tzinfo=data.REFERENCE_TIME.tzinfo)
        at += dt.timedelta(seconds=self.rng.randrange(14 * 3600))
        if at > latest:  # the last day, after the reference time: earlier that morning
            at = latest - dt.timedelta(seconds=self.rng.randrange(1, 4 * 3600))
        return max(at, earliest)

    def registration_time(self, birth: dt.date, min_age: int, window_days: int) -> dt.datetime:
        ref = data.REFERENCE_TIME
        birthday = _add_years(birth, min_age)
        earliest = max(
            ref - dt.timedelta(days=window_days), dt.datetime.combine(birthday, dt.time(0), tzinfo=ref.tzinfo)
        )
        return self.moment(earliest, ref)

    def village_for(self) -> _Village:
        return self.village_list[
            bisect.bisect(self.village_weights, self.rng.random() * self.village_weights[-1])
        ]

    def profile(self, person: _Person, age: int) -> None:
        """Occupation, school, political status and skills that fit an age."""
        rng = self.rng
        skills: set[str] = set()
        town_code = person.village.region.code[:9] if person.village else ""
        if age <= 18:
            person.is_student, person.occupation = True, "学生"
            schools = [name for name, code in data.SCHOOLS]
            person.school = rng.choice([name for name, code in data.SCHOOLS if code == town_code] or schools)
            person.political = (
                Volunteer.Political.LEAGUE if rng.random() < 0.55 else Volunteer.Political.MASSES
            )
            if rng.random() < 0.3:
                skills.add(rng.choice(("arts", "computer", "foreign_language", "photography", "swimming")))
        elif age <= 22 and rng.random() < 0.6:
            person.is_student, person.occupation = True, "学生"
            person.school = rng.choice(data.COLLEGES)
            r = rng.random()
            person.political = (
                Volunteer.Political.PARTY
                if r < 0.08
                else Volunteer.Political.LEAGUE
                if r < 0.75
                else Volunteer.Political.MASSES
            )
            if rng.random() < 0.4:
                skills.add(rng.choice(("foreign_language", "computer", "arts", "photography", "tutoring")))
        else:
            if age >= 61:
                person.occupation = "退休人员" if rng.random() < 0.85 else rng.choice(("农民", "个体工商户"))
                bring: tuple[str, ...] = ("elderly_care",) if rng.random() < 0.3 else ()
            else:
                weights = [w for _, w, _, _ in data.OCCUPATIONS]
                occupation, _weight, bring, department = rng.choices(data.OCCUPATIONS, weights=weights)[0]
                person.occupation = occupation
                if department and rng.random() < 0.85:
                    person.department = (
                        rng.choice(list(self.departments)) if department == "*" else department
                    )
            skills.update(s for s in bring if rng.random() < 0.6)
            if rng.random() < 0.25:
                skills.add(rng.choice(data.SKILLS)[0])
            r = rng.random()
            party_share = 0.25 if age >= 61 else 0.18
            if r < party_share:
                person.political = Volunteer.Political.PARTY
            elif age <= 28 and r < party_share + 0.2:
                person.political = Volunteer.Political.LEAGUE
        person.skills = tuple(sorted(skills))

    def ordinary_person(self) -> _Person:
        rng = self.rng
        low, high, _weight = rng.choices(data.AGE_BRACKETS, weights=[b[2] for b in data.AGE_BRACKETS])[0]
        age = rng.randint(low, high)
        gender = "M" if rng.random() < 0.47 else "F"
        new_share = 0.08 if age <= 18 else 0.03 if age > 60 else 0.2
        new_resident = rng.random() < new_share
        birth = self.birth_for_age(age)
        person = _Person(
            phone=self.phone(),
            name=self.name(gender, local=not new_resident),
            village=self.village_for(),
            gender=gender,
            birth=birth,
            id_number=self.id_number(self.id_prefix(birth, new_resident), birth, gender),
            registered_at=self.registration_time(birth, 14, data.HISTORY_DAYS),
            new_resident=new_resident,
        )
        self.profile(person, age)
        return person

    def minor(self, guardian: _Person, gender: str, age: int, name: str = "") -> _Person:
        birth = self.birth_for_age(age)
        assert guardian.registered_at is not None and guardian.name
        earliest = max(guardian.registered_at, data.REFERENCE_TIME - dt.timedelta(days=365))
        person = _Person(
            phone=self.phone(),
            name=name or self.name(gender, local=True, surname=guardian.name[0]),
            village=guardian.village,
            gender=gender,
            birth=birth,
            id_number=self.id_number(guardian.id_number[:6], birth, gender),
            registered_at=self.moment(earliest, data.REFERENCE_TIME),
            new_resident=guardian.new_resident,
            is_student=True,
            occupation="学生",
            school=self.rng.choice(data.PRIMARY_SCHOOLS),
            guardian=guardian,
        )
        return person

    def build_people(self) -> None:
        rng = self.rng
        # New residents' ID numbers carry a current county code of their home province.
        self.new_resident_prefixes = sorted(
            code
            for code, entries in division_codes().items()
            if code[:2] in data.NEW_RESIDENT_PROVINCES
            and code[4:] != "00"
            and entries[-1][2] is None
            and entries[-1][0] != "市辖区"
        )
        for account in DEMO_ACCOUNTS:
            self.phones.add(account.phone)
        # Demo accounts first (minors after their guardian, as DEMO_ACCOUNTS lists them).
        for account in DEMO_ACCOUNTS:
            person = _Person(phone=account.phone, name=account.name, account=account)
            # Staff accounts (no volunteer profile) were opened when the platform started.
            person.registered_at = data.REFERENCE_TIME - dt.timedelta(days=data.HISTORY_DAYS + 30)
            if account.volunteer:
                birth = self.birth_for_age(account.age)
                person.village = self.villages[account.residence]
                person.gender, person.birth = account.gender, birth
                person.id_number = self.id_number(data.CITY_CODE, birth, account.gender)
                person.political = account.political
                person.occupation = account.occupation
                person.skills = account.skills
                if account.guardian:
                    guardian = self.by_account[account.guardian]
                    person.guardian, person.awaiting_consent = guardian, account.awaiting_consent
                    person.registered_at = data.REFERENCE_TIME - dt.timedelta(days=rng.randint(20, 200))
                    person.is_student, person.occupation = True, "学生"
                    person.school = data.PRIMARY_SCHOOLS[0]
                else:
                    person.registered_at = data.REFERENCE_TIME - dt.timedelta(
                        days=700 + rng.randint(0, 300), hours=rng.randint(0, 9)
                    )
            self.people.append(person)
            self.by_account[account.key] = person
        demo_volunteers = sum(1 for p in self.people if p.is_volunteer)
        extra_minors = max(1, self.volunteer_count // 400)
        adults: list[_Person] = []
        for _i in range(self.volunteer_count - demo_volunteers - extra_minors):
            person = self.ordinary_person()
            self.people.append(person)
            if 30 <= person.age() <= 50:
                adults.append(person)
        for i in range(extra_minors):
            guardian = rng.choice(adults)
            minor = self.minor(guardian, rng.choice("MF"), rng.randint(8, 13))
            minor.awaiting_consent = i % 3 == 2
            self.people.append(minor)

    def create_people(self) -> None:
        """Users, volunteers (guardians before their wards), skills; numbers by registration year."""
        password = make_password(DEMO_PASSWORD)  # hashed once: argon2 is slow on purpose
        users = [
            User(
                phone=p.phone,
                display_name=p.name,
                password=password,
                date_joined=p.registered_at,
            )
            for p in self.people
        ]
        User.objects.bulk_create(users)
        for person, user in zip(self.people, users, strict=True):
            person.user = user
        volunteers = [p for p in self.people if p.is_volunteer]
        ordered = sorted(enumerate(volunteers), key=lambda iv: (iv[1].registered_at, iv[0]))
        for year, group in itertools.groupby(ordered, key=lambda iv: iv[1].registered_at.year):
            members = [p for _, p in group]
            for person, number in zip(
                members, volunteer_numbers_allocate(count=len(members), year=year), strict=True
            ):
                person.volunteer_number = number
        policy = settings.HUIGUANG_PRIVACY_POLICY_VERSION
        for wave in ([p for p in volunteers if p.guardian is None], [p for p in volunteers if p.guardian]):
            rows = []
            for p in wave:
                assert p.user is not None and p.village is not None and p.birth is not None
                v = Volunteer(
                    user=p.user,
                    real_name=p.name,
                    gender=p.gender,
                    birth_date=p.birth,
                    residence_region=p.village.region,
                    political_status=p.political,
                    is_student=p.is_student,
                    school=p.school,
                    occupation=p.occupation,
                    is_new_resident=p.new_resident,
                    volunteer_number=p.volunteer_number,
                    registered_at=p.registered_at,
                    privacy_policy_version=policy,
                    consented_at=p.registered_at,
                )
                v.set_id_number(p.id_number)
                if p.guardian is not None:
                    v.guardian = p.guardian.volunteer
                    if p.awaiting_consent:
                        v.status = Volunteer.Status.AWAITING_GUARDIAN
                    else:
                        v.guardian_consented_at = p.registered_at + dt.timedelta(
                            hours=self.rng.randint(1, 48)
                        )
                p.volunteer = v
                rows.append(v)
            Volunteer.objects.bulk_create(rows)
            # registered_at is auto_now_add: the insert stamped "now"; put the generated time back.
            for v, p in zip(rows, wave, strict=True):
                v.registered_at = p.registered_at
            Volunteer.objects.bulk_update(rows, ["registered_at"], batch_size=500)
        through = Volunteer.skills.through
        through.objects.bulk_create(
            [through(volunteer=p.volunteer, skill=self.skills[code]) for p in volunteers for code in p.skills]
        )

    # --- memberships and roles --------------------------------------------------------------

    def join(
        self,
        person: _Person,
        org: Organization,
        status: str | None = None,
        role: str = Membership.Role.MEMBER,
    ) -> _Membership | None:
        key = (id(person), org.code)
        if key in self.open_pairs:
            return None
        self.open_pairs.add(key)
        rng, ref = self.rng, data.REFERENCE_TIME
        if status is None:
            r = rng.random()
            status = (
                Membership.Status.APPLIED
                if r < 0.015
                else Membership.Status.LEFT
                if r < 0.045
                else Membership.Status.ACTIVE
            )
        assert person.registered_at is not None
        m = _Membership(person, org, status, role)
        if status == Membership.Status.APPLIED:
            # Waiting applications are recent: the console has something to decide.
            m.applied_at = ref - dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 10))
            m.applied_at = max(m.applied_at, person.registered_at)
        else:
            m.applied_at = self.moment(
                person.registered_at, min(ref, person.registered_at + dt.timedelta(days=90))
            )
            m.decided_at = min(
                ref, m.applied_at + dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8))
            )
            if status == Membership.Status.LEFT:
                m.left_at = min(ref, m.decided_at + dt.timedelta(days=rng.randint(30, 500)))
        self.memberships.append(m)
        return m

    def professional_team_for(self, person: _Person) -> Organization:
        matching = [
            (org, weight)
            for org, specialty, weight in self.professional
            if set(person.skills) & data.SPECIALTY_SKILLS.get(specialty, set())
        ]
        pool = matching if matching and self.rng.random() < 0.7 else [(o, w) for o, _, w in self.professional]
        return self.rng.choices([o for o, _ in pool], weights=[w for _, w in pool])[0]

    def build_memberships(self) -> None:
        rng = self.rng
        posts = {code[2:]: org for code, org in self.orgs.items() if code.startswith("YZ")}
        by_specialty = {specialty: org for org, specialty, _weight in self.professional}
        students_team, family_team = by_specialty["students"], by_specialty["family"]
        enterprises = {
            org.region.code: org for org in self.orgs.values() if org.kind == Organization.Kind.ENTERPRISE
        }
        socials = [
            org
            for org in self.orgs.values()
            if org.kind == Organization.Kind.SOCIAL and org.status == Organization.Status.ACTIVE
        ]
        for person in self.people:
            account = person.account
            if account is not None:
                for code in account.member_of:
                    self.join(person, self.orgs[code], Membership.Status.ACTIVE)
                for code in account.applied_to:
                    self.join(person, self.orgs[code], Membership.Status.APPLIED)
                if account.grant in (Grant.Role.ORG_ADMIN, Grant.Role.LEADER):
                    role = (
                        Membership.Role.ADMIN
                        if account.grant == Grant.Role.ORG_ADMIN
                        else Membership.Role.LEADER
                    )
                    self.join(person, self.orgs[account.organization], Membership.Status.ACTIVE, role)
                continue
            if not person.is_volunteer:
                continue
            assert person.village is not None
            village_code = person.village.region.code
            if person.guardian is not None:
                if not person.awaiting_consent:
                    team = family_team if rng.random() < 0.5 else self.orgs[village_team_code(village_code)]
                    self.join(person, team)
                continue
            picks: list[Organization] = []
            if rng.random() < 0.55:
                picks.append(self.orgs[village_team_code(village_code)])
            if village_code in posts and rng.random() < 0.25:
                picks.append(posts[village_code])
            if person.school in self.school_orgs and rng.random() < 0.7:
                picks.append(self.school_orgs[person.school])
            if person.department:
                picks.append(self.departments[person.department])
            if (
                person.occupation in ("企业职工", "工程师")
                and village_code[:9] in enterprises
                and rng.random() < 0.4
            ):
                picks.append(enterprises[village_code[:9]])
            if person.is_student and person.school in data.COLLEGES and rng.random() < 0.35:
                picks.append(students_team)
            if rng.random() < 0.45 + (0.3 if person.skills else 0):
                picks.append(self.professional_team_for(person))
            if rng.random() < 0.03:
                picks.append(rng.choice(socials))
            if not picks and rng.random() < 0.9:
                picks.append(self.orgs[village_team_code(village_code)])
            for org in picks[:3]:
                self.join(person, org)

    def assign_roles(self) -> None:
        """An administrator for every active organization, a leader for every team; Grant rows to match."""
        rng = self.rng
        city_admin = self.by_account["city_admin"].user
        members: dict[str, list[_Membership]] = {}
        for m in self.memberships:
            members.setdefault(m.org.code, []).append(m)
        adults = [p for p in self.people if p.is_volunteer and p.account is None and 22 <= p.age() <= 65]
        for code, org in self.orgs.items():
            if org.status != Organization.Status.ACTIVE:
                continue
            roles = [Membership.Role.ADMIN] + ([Membership.Role.LEADER] if org.kind in LED_KINDS else [])
            current = [m for m in members.get(code, []) if m.status == Membership.Status.ACTIVE]
            for role in roles:
                if any(m.role == role for m in current):
                    continue  # a demo account holds it
                candidates = [
                    m
                    for m in current
                    if m.role == Membership.Role.MEMBER
                    and m.person.account is None
                    and 22 <= m.person.age() <= 65
                ]
                if candidates:
                    chosen = rng.choice(candidates)
                    chosen.role = role
                else:
                    # Nobody to promote: an adult of the region (else of the city) joins to run it.
                    pool = [p for p in adults if (id(p), code) not in self.open_pairs]
                    local = [
                        p for p in pool if p.village and p.village.region.path.startswith(org.region.path)
                    ]
                    joined = self.join(rng.choice(local or pool), org, Membership.Status.ACTIVE, role)
                    assert joined is not None  # the pool holds no open membership of this organization
                    chosen = joined
                    current.append(chosen)
                grant_role = Grant.Role.ORG_ADMIN if role == Membership.Role.ADMIN else Grant.Role.LEADER
                self.grants.append(
                    Grant(user=chosen.person.user, role=grant_role, organization=org, granted_by=city_admin)
                )
                if role == Membership.Role.ADMIN:
                    org.contact_name, org.contact_phone = chosen.person.name, chosen.person.phone
        for account in DEMO_ACCOUNTS:
            person = self.by_account[account.key]
            if account.grant in Grant.CITY_ROLES:
                self.grants.append(Grant(user=person.user, role=account.grant))
            elif account.grant == Grant.Role.REGION_ADMIN:
                self.grants.append(
                    Grant(
                        user=person.user,
                        role=account.grant,
                        granted_by=city_admin,
                        region=self.regions[account.region],
                    )
                )
            elif account.grant:
                self.grants.append(
                    Grant(
                        user=person.user,
                        role=account.grant,
                        granted_by=city_admin,
                        organization=self.orgs[account.organization],
                    )
                )
                org = self.orgs[account.organization]
                if account.grant == Grant.Role.ORG_ADMIN:
                    org.contact_name, org.contact_phone = person.name, person.phone
        # A region administrator for every other town.
        demo_regions = {a.region for a in DEMO_ACCOUNTS if a.grant == Grant.Role.REGION_ADMIN}
        for town in self.towns:
            if town.region.code in demo_regions:
                continue
            residents = [p for p in adults if p.village and p.village.region.parent_id == town.region.pk]
            person = rng.choice(residents or adults)
            self.grants.append(
                Grant(
                    user=person.user, role=Grant.Role.REGION_ADMIN, region=town.region, granted_by=city_admin
                )
            )
        # A volunteer applied to register each pending organization: its contact, and its admin once approved.
        for pending in data.PENDING_ORGANIZATIONS:
            person, org = rng.choice(adults), self.orgs[pending[0]]
            org.applicant = person.user
            org.contact_name, org.contact_phone = person.name, person.phone

    def save_memberships_and_grants(self) -> None:
        rows = [
            Membership(
                volunteer=m.person.volunteer,
                organization=m.org,
                role=m.role,
                status=m.status,
                decided_at=m.decided_at,
                left_at=m.left_at,
            )
            for m in self.memberships
        ]
        Membership.objects.bulk_create(rows)
        for row, m in zip(rows, self.memberships, strict=True):
            row.applied_at = m.applied_at
        Membership.objects.bulk_update(rows, ["applied_at"], batch_size=500)
        Grant.objects.bulk_create(self.grants)
        granted = data.REFERENCE_TIME - dt.timedelta(days=data.HISTORY_DAYS)
        for i, grant in enumerate(self.grants):
            grant.granted_at = granted + dt.timedelta(days=i % 300, hours=i % 9)
        Grant.objects.bulk_update(self.grants, ["granted_at"], batch_size=500)
        Organization.objects.bulk_update(
            list(self.orgs.values()),
            ["created_at", "contact_name", "contact_phone", "applicant"],
            batch_size=500,
        )

    def counts(self) -> dict[str, int]:
        kinds = Counter(org.kind for org in self.orgs.values())
        statuses = Counter(m.status for m in self.memberships)
        volunteers = [p for p in self.people if p.is_volunteer]
        return {
            "regions": 1 + len(self.towns) + len(self.villages),
            "towns": len(self.towns),
            "villages": len(self.villages),
            "organizations": len(self.orgs),
            "departments": kinds[Organization.Kind.DEPARTMENT],
            "professional_teams": kinds[Organization.Kind.PROFESSIONAL],
            "posts": sum(1 for org in self.orgs.values() if org.tier == Organization.Tier.POST),
            "pending_organizations": sum(
                1 for org in self.orgs.values() if org.status == Organization.Status.PENDING
            ),
            "sites": len(self.sites),
            "skills": len(self.skills),
            "users": len(self.people),
            "volunteers": len(volunteers),
            "minors": sum(1 for p in volunteers if p.guardian is not None),
            "new_residents": sum(1 for p in volunteers if p.new_resident),
            "memberships": len(self.memberships),
            "pending_applications": statuses[Membership.Status.APPLIED],
            "grants": len(self.grants),
        }


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def seed_demo_city(
    *, volunteers: int = DEFAULT_VOLUNTEERS, seed: int = DEFAULT_SEED, network_only: bool = False
) -> dict[str, int]:
    """Build the whole demo city in one transaction and return what was created, by kind.

    Refuses (Refused("NOT_EMPTY")) when the database already holds regions: the demo never
    mixes with real data.
    """
    if not MIN_VOLUNTEERS <= volunteers <= MAX_VOLUNTEERS:
        raise FieldErrors(
            {
                "volunteers": [
                    _("The demo city needs between %(min)d and %(max)d volunteers.")
                    % {"min": MIN_VOLUNTEERS, "max": MAX_VOLUNTEERS}
                ]
            }
        )
    with transaction.atomic():
        if demo_city_present():
            raise Refused(
                "NOT_EMPTY",
                _("The database already holds regions; the demo city is built only in an empty database."),
            )
        builder = _Builder(rng=random.Random(seed), volunteer_count=volunteers)
        builder.build_regions()
        builder.build_skills()
        builder.build_organizations()
        builder.build_sites()
        builder.build_people()
        builder.create_people()
        builder.build_memberships()
        builder.assign_roles()
        builder.save_memberships_and_grants()
        counts = builder.counts()
        if network_only:
            audit_log(action="demo_city_seeded", actor_label="seed_demo", seed=seed, counts=counts)
            return counts
        from .activities import seed_activities

        counts.update({f"activity_{k}": v for k, v in seed_activities(rng=builder.rng).items()})
        from .ledger import seed_ledger

        counts.update({f"ledger_{k}": v for k, v in seed_ledger(rng=builder.rng).items()})
        audit_log(action="demo_city_seeded", actor_label="seed_demo", seed=seed, counts=counts)
    return counts
