"""factory_boy factories and the scene builders of the whole suite (one copy of each helper)."""

import datetime as dt
import itertools
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import factory
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.accounts.services import token_create
from huiguang.activities.models import Activity, Category, Enrollment, Shift
from huiguang.core.id_card import make_id_number
from huiguang.network.models import Grant, Membership, Organization, Region, Site
from huiguang.network.signals import memberships_changed
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.signals import volunteers_registered

PASSWORD = "Huiguang#2026"
_id_seq = itertools.count(1)


def unique_id_number(region_code: str = "330482", adult: bool = True) -> str:
    n = next(_id_seq)
    base = dt.date(1985, 1, 1) if adult else timezone.localdate() - dt.timedelta(days=365 * 10)
    return make_id_number(region_code, base + dt.timedelta(days=n // 900), n % 900 + 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("phone",)

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"330482{n + 500:03d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = Region.Level.TOWN
    population = 10000


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试志愿服务队{n}")
    kind = Organization.Kind.TEAM
    region = factory.SubFactory(RegionFactory)
    status = Organization.Status.ACTIVE
    contact_name = "王老师"
    contact_phone = "13800000000"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"新时代文明实践站{n}")
    kind = Site.Kind.CIVILIZATION
    region = factory.SubFactory(RegionFactory)
    address = "平湖市当湖街道"


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    id_number = factory.LazyFunction(unique_id_number)  # not a field: encrypted in _create
    user = factory.SubFactory(UserFactory)
    real_name = factory.Sequence(lambda n: f"志愿者{n}")
    gender = "M"
    birth_date = dt.date(1990, 5, 1)
    residence_region = factory.SubFactory(RegionFactory)
    volunteer_number = factory.Sequence(lambda n: f"{settings.HUIGUANG_CITY_CODE}2026{n + 900000:06d}")
    privacy_policy_version = "2026-01"
    consented_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        number = kwargs.pop("id_number")
        obj = model_class(*args, **kwargs)
        from huiguang.core.id_card import parse_id_number

        card = parse_id_number(number)
        obj.birth_date, obj.gender = card.birth_date, card.gender
        obj.set_id_number(number)
        obj.save()
        # What volunteer_register sends: the registration rollups (reports) stay consistent.
        volunteers_registered.send(sender=Volunteer, volunteers=[obj])
        return obj


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    volunteer = factory.SubFactory(VolunteerFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = Membership.Status.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        if obj.status == Membership.Status.ACTIVE:  # what an approval sends (the members' rollups)
            joined = [(obj.organization_id, obj.decided_at or obj.applied_at)]
            memberships_changed.send(sender=Membership, joined=joined, left=[])
        return obj


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory)
    role = Grant.Role.CITY_ADMIN


# --- personas ------------------------------------------------------------------------------------

# The users of the `city` fixture (tests/conftest.py), in the column order of the permission tables.
ROLES = [
    "anonymous",
    "volunteer",
    "volunteer_b",
    "leader",
    "org_admin",
    "town_admin",
    "outsider",
    "auditor",
    "city_admin",
]


def bearer(user) -> Client:
    """An API client that authenticates with a new bearer token of `user`."""
    _token, key = token_create(user=user, name="tests", created_by=user)
    return Client(headers={"authorization": f"Bearer {key}"})


def member(organization: Organization, **fields) -> Volunteer:
    """A new adult volunteer with an active membership in `organization`."""
    volunteer = VolunteerFactory(residence_region=organization.region, **fields)
    MembershipFactory(volunteer=volunteer, organization=organization, status=Membership.Status.ACTIVE)
    return volunteer


# --- activities, shifts, enrollments (written directly, for setting up a scene) --------------------

_activity_seq = itertools.count(1)


def category(code: str = "elderly", name: str = "助老服务") -> Category:
    return Category.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_activity(
    organization: Organization,
    *,
    starts_at: dt.datetime | None = None,
    days: float = 3,
    hours: float = 4,
    status=Activity.Status.PUBLISHED,
    **fields,
) -> Activity:
    """An activity of `organization` starting `days` from now (or at `starts_at`), `hours` long."""
    if starts_at is None:
        starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    values = {
        "organization": organization,
        "title": f"东湖社区助老服务{next(_activity_seq)}",
        "category": category(),
        "description": "社区独居老人\n上门陪伴、量血压",
        "region": organization.region,
        "address": "平湖市当湖街道东湖社区",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=hours),
        "status": status,
        "share_token": secrets.token_urlsafe(16),
    }
    values.update(fields)
    return Activity.objects.create(**values)


def make_shift(
    activity: Activity | None = None, *, organization: Organization | None = None, **fields
) -> Shift:
    """A shift over the whole activity (a new one of `organization` when none is given)."""
    if activity is None:
        activity = make_activity(organization, **fields.pop("activity_fields", {}))
    starts = fields.pop("starts_at", activity.starts_at)
    default_end = activity.ends_at if starts == activity.starts_at else starts + dt.timedelta(hours=4)
    ends = fields.pop("ends_at", default_end)
    values = {
        "activity": activity,
        "name": "陪伴老人",
        "starts_at": starts,
        "ends_at": ends,
        "capacity": 5,
        "waitlist_size": 2,
    }
    values.update(fields)
    return Shift.objects.create(**values)


def enrol(shift: Shift, volunteer: Volunteer, status=Enrollment.Status.CONFIRMED, **fields) -> Enrollment:
    """An enrollment written directly, with the counter it holds."""
    enrollment = Enrollment.objects.create(shift=shift, volunteer=volunteer, status=status, **fields)
    if status == Enrollment.Status.CONFIRMED:
        Shift.objects.filter(pk=shift.pk).update(taken=shift.taken + 1)
        shift.taken += 1
    elif status == Enrollment.Status.WAITLISTED:
        Shift.objects.filter(pk=shift.pk).update(waitlisted=shift.waitlisted + 1)
        shift.waitlisted += 1
    return enrollment


# --- concurrency ---------------------------------------------------------------------------------


def at_once(jobs, work) -> list:
    """Runs `work(job)` for every job in its own thread, all released together by a barrier; each
    thread closes its database connection. Returns the outcomes (an exception as "error: …")."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = []

    def run(job):
        try:
            barrier.wait()
            outcomes.append(work(job))
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertion
            outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        list(pool.map(run, jobs))
    return outcomes
