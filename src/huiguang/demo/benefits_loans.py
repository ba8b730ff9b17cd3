"""志愿贷 and 积分入学 in the demo city (the source report: 25 loans worth 3.7 M CNY; 21 families
given school-admission points), written through the benefits services.

The bank (平湖农商银行) with its 志愿贷 product; volunteers whose credit score reaches a band ask
for referrals (consent + signed attestation), the bank officer decides: 25 loans adding up to
3,700,000 CNY, two refusals, three referrals awaiting the bank. The history is spread over the
last year: after a referral is decided its times are moved back to its month (consent, referral,
decision, disbursement) and its attestation is signed again for the moved period, so that every
attestation still verifies. The education bureau's policy for the year and 21 approved
applications with certificates, two awaiting the officer. Deterministic: every choice comes from
the seed's random.Random, in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.benefits.models import Consent, LoanProduct, LoanReferral, Partner, PartnerStaff, PointsPolicy
from huiguang.benefits.services import attestation
from huiguang.benefits.services.loans import (
    attestation_fields,
    current_score,
    referral_decide,
    referral_request,
    tier_for,
)
from huiguang.benefits.services.points import application_decide, points_apply
from huiguang.core.id_card import make_id_number
from huiguang.ledger.models import VolunteerHours
from huiguang.network.models import Region
from huiguang.volunteers.models import Volunteer

from . import data
from .accounts import ACCOUNTS_BY_KEY

BANK_NAME = "平湖农商银行"
BUREAU_NAME = "平湖市教育局"
LOANS, LOAN_TOTAL, REFUSED, AWAITING = 25, 3_700_000, 2, 3
APPROVED_POINTS, AWAITING_POINTS = 21, 2
AMOUNTS = [50_000, 80_000, 100_000, 120_000, 150_000, 180_000, 200_000, 250_000, 300_000]
TIERS = [
    {"min_score": 335, "quota": 100_000, "discount": "0.00"},
    {"min_score": 450, "quota": 300_000, "discount": "0.30"},
    {"min_score": 600, "quota": 500_000, "discount": "0.60"},
]
REFUSALS = ["收入证明不足，建议补充材料后再申请", "已有其他经营性贷款未结清"]
CANDIDATES = 160  # volunteers with the most credit hours whose score is looked at


def _partner(kind: str, name: str, city: Region, **fields) -> Partner:
    partner, _ = Partner.objects.get_or_create(kind=kind, name=name, defaults={"region": city, **fields})
    return partner


def _staff(key: str, partner: Partner) -> User | None:
    user = User.objects.filter(phone=ACCOUNTS_BY_KEY[key].phone).first()
    if user is not None:
        PartnerStaff.objects.get_or_create(
            user=user, partner=partner, defaults={"role": PartnerStaff.Role.MANAGER}
        )
    return user


def _amounts(rng: random.Random) -> list[int]:
    """LOANS amounts (multiples of 10,000 CNY, 50,000 to 500,000) adding up to LOAN_TOTAL."""
    while True:
        amounts = [rng.choice(AMOUNTS) for _ in range(LOANS - 1)]
        last = LOAN_TOTAL - sum(amounts)
        if 50_000 <= last <= 500_000:
            return [*amounts, last]


def _move_back(referral: LoanReferral, days: int) -> None:
    """The referral's history `days` earlier (see the module docstring)."""
    delta = dt.timedelta(days=days)
    consent = referral.consent
    Consent.objects.filter(pk=consent.pk).update(
        granted_at=consent.granted_at - delta, expires_at=consent.expires_at - delta
    )
    referral.created_at -= delta
    referral.valid_until -= delta
    if referral.decided_at:
        referral.decided_at -= delta
    if referral.disbursed_on:
        referral.disbursed_on = timezone.localdate(referral.decided_at) + dt.timedelta(days=2)
    referral.attestation = attestation.sign(attestation.LOAN_KIND, attestation_fields(referral))
    referral.save(update_fields=["created_at", "valid_until", "decided_at", "disbursed_on", "attestation"])


def _borrowers(product: LoanProduct) -> list[tuple[Volunteer, object]]:
    """Adult volunteers with the most credit hours whose score reaches a band, in a fixed order."""
    ids = (
        VolunteerHours.objects.filter(credit_minutes__gt=0, volunteer__status=Volunteer.Status.ACTIVE)
        .order_by("-credit_minutes", "volunteer_id")
        .values_list("volunteer_id", flat=True)[:CANDIDATES]
    )
    found = []
    for volunteer in (
        Volunteer.objects.filter(pk__in=list(ids), guardian__isnull=True)
        .select_related("user")
        .order_by("pk")
    ):
        snapshot = current_score(volunteer)
        if tier_for(product, snapshot.score) is not None:
            found.append((volunteer, snapshot))
    return found


def seed_loans(*, rng: random.Random, bank: Partner, officer: User, today: dt.date) -> dict[str, int]:
    product, _ = LoanProduct.objects.get_or_create(
        partner=bank,
        name="志愿贷",
        defaults={
            "description": "信用贷款，凭志愿信用分享受额度提升和利率优惠",
            "max_amount": 500_000,
            "base_rate": Decimal("4.35"),
            "tiers": TIERS,
            "valid_from": today.replace(month=1, day=1) - dt.timedelta(days=365),
            "valid_until": today.replace(month=12, day=31) + dt.timedelta(days=365),
        },
    )
    borrowers = _borrowers(product)
    rng.shuffle(borrowers)
    amounts = _amounts(rng)
    counts = {"loan_referrals": 0, "loans": 0, "loan_amount": 0}
    for i, (volunteer, _snapshot) in enumerate(borrowers[: LOANS + REFUSED + AWAITING]):
        referral = referral_request(
            volunteer=volunteer, product=product, days=rng.choice([30, 60, 90]), user=volunteer.user
        )
        counts["loan_referrals"] += 1
        if i < LOANS:
            referral = referral_decide(
                user=officer,
                referral=referral,
                approve=True,
                amount=amounts[i],
                rate=referral.rate,
                disbursed_on=today,
            )
            counts["loans"] += 1
            counts["loan_amount"] += amounts[i]
        elif i < LOANS + REFUSED:
            referral = referral_decide(
                user=officer, referral=referral, approve=False, reason=REFUSALS[i - LOANS]
            )
        if i < LOANS + REFUSED:
            _move_back(referral, days=rng.randint(20, 330))
    return counts


def seed_points(*, rng: random.Random, bureau: Partner, officer: User, today: dt.date) -> dict[str, int]:
    policy, _ = PointsPolicy.objects.get_or_create(
        partner=bureau,
        year=today.year,
        defaults={
            "window_start": today - dt.timedelta(days=365),
            "window_end": today,
            "hours_per_unit": 10,
            "points_per_unit": Decimal("1"),
            "cap": Decimal("10"),
            "credit_only": True,
            "new_residents_only": True,
        },
    )
    oldest = today.replace(year=today.year - 50)
    youngest = today.replace(year=today.year - 24)
    parents = list(
        Volunteer.objects.filter(
            is_new_resident=True,
            status=Volunteer.Status.ACTIVE,
            birth_date__gte=oldest,
            birth_date__lte=youngest,
            hours__credit_minutes__gt=0,
        )
        .select_related("user")
        .order_by("-hours__credit_minutes", "pk")[: APPROVED_POINTS + AWAITING_POINTS]
    )
    counts = {"points_applications": 0, "points_approved": 0}
    for i, parent in enumerate(parents):
        age = rng.choice([3, 6, 12])
        grade = {3: "kindergarten", 6: "primary_1", 12: "junior_1"}[age]
        birth = dt.date(today.year - age, rng.randint(1, 8), rng.randint(1, 28))
        gender = rng.choice("MF")
        child = make_id_number(data.CITY_CODE, birth, rng.randrange(0, 499) * 2 + (1 if gender == "M" else 0))
        given = data.MALE_GIVEN if gender == "M" else data.FEMALE_GIVEN
        name = parent.real_name[0] + "".join(rng.choice(given) for _ in range(2))
        application = points_apply(
            volunteer=parent,
            policy=policy,
            child_name=name,
            child_id_number=child,
            grade=grade,
            guardian_declared=True,
            user=parent.user,
        )
        counts["points_applications"] += 1
        if i < APPROVED_POINTS:
            application_decide(user=officer, application=application, approve=True)
            counts["points_approved"] += 1
    return counts


def seed_benefits_loans(*, rng: random.Random, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    city = Region.objects.filter(parent__isnull=True).order_by("pk").first()
    if city is None:
        return {}
    bank = _partner(
        Partner.Kind.BANK, BANK_NAME, city, address="平湖市当湖街道胜利路 1 号", contact_phone="0573-85011111"
    )
    bureau = _partner(Partner.Kind.EDUCATION, BUREAU_NAME, city, address="平湖市当湖街道新华中路 2 号")
    bank_officer = _staff("bank_officer", bank)
    education_officer = _staff("education_officer", bureau)
    counts: dict[str, int] = {}
    if bank_officer is not None:
        counts.update(seed_loans(rng=rng, bank=bank, officer=bank_officer, today=today))
    if education_officer is not None:
        counts.update(seed_points(rng=rng, bureau=bureau, officer=education_officer, today=today))
    return counts
