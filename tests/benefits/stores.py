"""Builders shared by the store tests: an offer of a partner, a volunteer's star, a claim."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from huiguang.benefits.models import Offer, PartnerStaff
from huiguang.ledger.models import VolunteerHours
from huiguang.volunteers.models import Volunteer

from ..factories import UserFactory

_seq = itertools.count(1)


def make_offer(partner, *, user=None, **fields) -> Offer:
    now = timezone.now()
    values = {
        "title": f"星级志愿者九折{next(_seq)}",
        "category": Offer.Category.DINING,
        "stock": 10,
        "quota": 1,
        "period": Offer.Period.MONTH,
        "valid_from": now - dt.timedelta(days=1),
        "valid_until": now + dt.timedelta(days=30),
        "created_by": user or UserFactory(),
    }
    values.update(fields)
    return Offer.objects.create(partner=partner, **values)


def give_star(volunteer: Volunteer, star: int) -> None:
    VolunteerHours.objects.update_or_create(
        volunteer=volunteer, defaults={"star": star, "total_minutes": star * 100 * 60}
    )


def volunteer_of(city, role="volunteer") -> Volunteer:
    return Volunteer.objects.get(user=city.users[role])


def make_manager(partner, phone="13900000021"):
    user = UserFactory(phone=phone, display_name="面馆店长")
    PartnerStaff.objects.create(user=user, partner=partner, role=PartnerStaff.Role.MANAGER)
    return user
