"""factory_boy factories for the whole suite."""

import datetime as dt
import itertools

import factory
from django.conf import settings
from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.core.id_card import make_id_number
from huiguang.network.models import Grant, Membership, Organization, Region, Site
from huiguang.volunteers.models import Volunteer

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
        return obj


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    volunteer = factory.SubFactory(VolunteerFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = Membership.Status.ACTIVE


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory)
    role = Grant.Role.CITY_ADMIN
