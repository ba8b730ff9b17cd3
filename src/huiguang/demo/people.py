"""The demo city's people: the demo accounts and thousands of ordinary volunteers with ages,
ID numbers, occupations, schools and skills that fit together; users and volunteers inserted in bulk."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools

from django.conf import settings
from django.contrib.auth.hashers import make_password

from huiguang.accounts.models import User
from huiguang.core.id_card import division_codes, make_id_number
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.services import volunteer_numbers_allocate

from . import data
from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from .city import CityState, Person, Village


class PeopleBuilder(CityState):
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

    def registration_time(self, birth: dt.date, min_age: int, window_days: int) -> dt.datetime:
        ref = data.REFERENCE_TIME
        birthday = _add_years(birth, min_age)
        earliest = max(
            ref - dt.timedelta(days=window_days), dt.datetime.combine(birthday, dt.time(0), tzinfo=ref.tzinfo)
        )
        return self.moment(earliest, ref)

    def village_for(self) -> Village:
        return self.village_list[
            bisect.bisect(self.village_weights, self.rng.random() * self.village_weights[-1])
        ]

    def profile(self, person: Person, age: int) -> None:
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

    def ordinary_person(self) -> Person:
        rng = self.rng
        low, high, _weight = rng.choices(data.AGE_BRACKETS, weights=[b[2] for b in data.AGE_BRACKETS])[0]
        age = rng.randint(low, high)
        gender = "M" if rng.random() < 0.47 else "F"
        new_share = 0.08 if age <= 18 else 0.03 if age > 60 else 0.2
        new_resident = rng.random() < new_share
        birth = self.birth_for_age(age)
        person = Person(
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

    def minor(self, guardian: Person, gender: str, age: int, name: str = "") -> Person:
        birth = self.birth_for_age(age)
        assert guardian.registered_at is not None and guardian.name
        earliest = max(guardian.registered_at, data.REFERENCE_TIME - dt.timedelta(days=365))
        person = Person(
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
            person = Person(phone=account.phone, name=account.name, account=account)
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
        adults: list[Person] = []
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


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
