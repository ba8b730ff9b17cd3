"""Builders for the campaign tests: a campaign with questions and an induction course, and many
volunteers written in bulk (500 recruits in well under a second)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.core.id_card import parse_id_number
from huiguang.mobilization.models.campaigns import Campaign, Recruit
from huiguang.mobilization.services.campaigns import campaign_create, campaign_set_status
from huiguang.training.models import Course, QualificationType
from huiguang.volunteers.models import Volunteer

from ..factories import unique_id_number

_phones = itertools.count(15000000000)


def induction_course(city) -> Course:
    kind, _ = QualificationType.objects.get_or_create(
        code="epidemic-induction", defaults={"name": "防疫志愿者"}
    )
    return Course.objects.create(
        title="防疫志愿者岗前培训",
        category=Course.Category.INDUCTION,
        provider=city.org_a,
        hours=2,
        grants=kind,
        validity_months=12,
    )


def open_campaign(city, *, course=None, **fields) -> Campaign:
    campaign = campaign_create(
        actor=city.users["city_admin"],
        name=fields.pop("name", "2020 疫情防控志愿者招募"),
        region=fields.pop("region", city.city),
        course=course,
        target_recruited=fields.pop("target_recruited", 100),
        target_screened=80,
        target_trained=60,
        target_deployed=50,
        questions=fields.pop(
            "questions",
            [
                {"text": "近14天是否有发热症状？", "kind": "yes_no", "disqualifying": ["yes"]},
                {"text": "是否有基础疾病？", "kind": "yes_no", "review": ["yes"]},
            ],
        ),
    )
    return campaign_set_status(actor=city.users["city_admin"], campaign=campaign, move="open")


def answers(campaign: Campaign, *values: str) -> dict:
    return {str(q.pk): v for q, v in zip(campaign.questions.order_by("position"), values, strict=True)}


def volunteers_in_bulk(region, n: int) -> list[Volunteer]:
    """`n` active volunteers living in `region`, written with two bulk inserts."""
    users = User.objects.bulk_create(
        [User(phone=str(next(_phones)), display_name=f"应急{i}", password="!") for i in range(n)]
    )
    rows = []
    for i, user in enumerate(users):
        number = unique_id_number()
        card = parse_id_number(number)
        v = Volunteer(
            user=user,
            real_name=f"应急{i}",
            gender=card.gender,
            birth_date=card.birth_date,
            residence_region=region,
            volunteer_number=f"33048220269{user.pk:06d}",
            privacy_policy_version="2026-01",
            consented_at=timezone.now(),
        )
        v.set_id_number(number)
        rows.append(v)
    Volunteer.objects.bulk_create(rows)
    return list(Volunteer.objects.filter(user__in=users).select_related("user").order_by("pk"))


def recruits_in_bulk(
    campaign: Campaign, volunteers, *, stage=Recruit.Stage.TRAINED, town=None
) -> list[Recruit]:
    """Recruits already at `stage` (their times set in order, a second apart)."""
    base = timezone.now() - dt.timedelta(days=3)
    rows = []
    for i, v in enumerate(volunteers):
        t = base + dt.timedelta(seconds=i)
        rows.append(
            Recruit(
                campaign=campaign,
                volunteer=v,
                town=town,
                stage=stage,
                joined_at=t,
                screened_at=t if stage != Recruit.Stage.RECRUITED else None,
                trained_at=t if stage in (Recruit.Stage.TRAINED, Recruit.Stage.DEPLOYED) else None,
                deployed_at=t if stage == Recruit.Stage.DEPLOYED else None,
            )
        )
    return Recruit.objects.bulk_create(rows)
