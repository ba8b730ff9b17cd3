"""The demo city's partner stores (爱心店家) and their rights (礼遇).

The source report links 49 stores in the main urban area to the platform, with products made for
star volunteers. Here: 49 stores in the three central streets (当湖, 钟埭, 曹桥), each with a clerk
account; a few other partners (the library, the bus company, a hospital, a bank branch, the
volunteer association, a training school) so that the ten categories all have offers; and half a
year of claims and redemptions by the volunteers who hold a star. Deterministic from the seed's
random.Random; written with bulk_create (the demo's people already exist), so seed_demo stays fast.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.db.models import Count
from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.benefits.eligibility import period_key
from huiguang.benefits.models import Offer, Partner, PartnerStaff, Redemption
from huiguang.benefits.services.offers import CODE_ALPHABET, CODE_LENGTH
from huiguang.network.models import Grant, Region
from huiguang.volunteers.models import Volunteer

from . import data
from .accounts import ACCOUNTS_BY_KEY

CENTRAL_STREETS = ("330482001", "330482002", "330482003")  # 当湖街道 (most stores), 钟埭, 曹桥
STORE_COUNT = 49
CLAIM_DAYS = 180

# (shop kind, the offer's category, the right made for star volunteers, minimum star)
SHOP_KINDS: list[tuple[str, str, str, int]] = [
    ("面馆", Offer.Category.DINING, "星级志愿者一碗面八折", 1),
    ("馄饨店", Offer.Category.DINING, "志愿者早餐免费加蛋", 1),
    ("茶馆", Offer.Category.DINING, "两星志愿者免费茶位", 2),
    ("烘焙坊", Offer.Category.DINING, "志愿者生日蛋糕九折", 1),
    ("书店", Offer.Category.CULTURE, "星级志愿者购书九折", 1),
    ("照相馆", Offer.Category.LIFE, "三星志愿者免费证件照", 3),
    ("理发店", Offer.Category.LIFE, "星级志愿者免费理发", 2),
    ("洗衣店", Offer.Category.LIFE, "志愿服装免费清洗", 1),
    ("眼镜店", Offer.Category.MEDICAL, "志愿者免费验光", 1),
    ("大药房", Offer.Category.MEDICAL, "常用药品九五折", 1),
    ("超市", Offer.Category.SHOPPING, "星级志愿者满百减十", 1),
    ("水果店", Offer.Category.SHOPPING, "志愿者水果九折", 1),
    ("花店", Offer.Category.SHOPPING, "四星志愿者赠鲜花一束", 4),
    ("自行车行", Offer.Category.TRANSPORT, "免费检修自行车", 1),
]
NAME_PREFIXES = [
    "当湖",
    "东湖",
    "南市",
    "北市",
    "西门",
    "城南",
    "虹霓",
    "胜利",
    "白马堰",
    "通界",
    "三港",
    "金桥",
    "新华",
    "钟埭",
    "钟溪",
    "曹桥",
    "老街",
    "九龙",
    "平善",
    "南河",
    "建国",
    "人民",
    "中山",
    "东门",
]
# Partners other than stores, so that every category has an offer:
# (name, kind, region code, category, title, minimum star, new residents only)
OTHER_PARTNERS: list[tuple[str, str, str, str, str, int, bool]] = [
    ("平湖市图书馆", Partner.Kind.OTHER, "330482001", Offer.Category.CULTURE, "志愿者借阅证免押金", 1, False),
    ("九龙山景区", Partner.Kind.OTHER, "330482001", Offer.Category.CULTURE, "星级志愿者免费游园", 2, False),
    (
        "平湖公交公司",
        Partner.Kind.OTHER,
        "330482001",
        Offer.Category.TRANSPORT,
        "志愿者公交月卡八折",
        1,
        False,
    ),
    (
        "平湖市第一人民医院",
        Partner.Kind.OTHER,
        "330482001",
        Offer.Category.MEDICAL,
        "五星志愿者免费体检",
        5,
        False,
    ),
    (
        "农商银行当湖支行",
        Partner.Kind.OTHER,
        "330482001",
        Offer.Category.FINANCE,
        "志愿者存款利率上浮",
        1,
        False,
    ),
    (
        "平湖市志愿者协会",
        Partner.Kind.OTHER,
        "330482001",
        Offer.Category.HONOR,
        "优先推荐年度优秀志愿者",
        3,
        False,
    ),
    (
        "当湖职业技能培训学校",
        Partner.Kind.OTHER,
        "330482001",
        Offer.Category.EDUCATION,
        "技能培训学费减免",
        1,
        False,
    ),
    (
        "新居民服务中心",
        Partner.Kind.OTHER,
        "330482001",
        Offer.Category.NEW_RESIDENT,
        "新居民积分加分证明",
        1,
        True,
    ),
]
CLERK_PHONE = "1380010{:04d}"


def _draw_code(rng: random.Random, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if code not in used:
            used.add(code)
            return code


def _stores(rng: random.Random, regions: dict[str, Region]) -> list[tuple[Partner, tuple]]:
    centres = {code: (lat, lng) for code, _name, lat, lng, _v in data.TOWNS}
    names: set[str] = set()
    stores = []
    for i in range(STORE_COUNT):
        street = CENTRAL_STREETS[0] if i < 35 else CENTRAL_STREETS[1 + i % 2]
        kind = SHOP_KINDS[i % len(SHOP_KINDS)]
        while True:
            name = f"{rng.choice(NAME_PREFIXES)}{kind[0]}"
            if name not in names:
                names.add(name)
                break
        lat, lng = centres[street]
        partner = Partner(
            name=name,
            kind=Partner.Kind.STORE,
            region=regions[street],
            address=f"{regions[street].name}{rng.choice(data.ROADS)}{rng.randint(1, 399)}号",
            latitude=round(lat + rng.uniform(-0.012, 0.012), 6),
            longitude=round(lng + rng.uniform(-0.014, 0.014), 6),
            contact_name=f"{rng.choice(data.LOCAL_SURNAMES)}老板",
            contact_phone=f"0573-85{rng.randrange(10**6):06d}",
            description="志愿汇爱心店家",
        )
        stores.append((partner, kind))
    return stores


def seed_benefit_stores(*, rng: random.Random, now: dt.datetime | None = None) -> dict[str, int]:
    now = (now or timezone.now()).replace(microsecond=0)
    admin_grant = (
        Grant.objects.filter(role=Grant.Role.CITY_ADMIN).select_related("user").order_by("pk").first()
    )
    if admin_grant is None:
        return {}
    admin = admin_grant.user
    regions = {r.code: r for r in Region.objects.filter(code__in=CENTRAL_STREETS)}
    if len(regions) < len(CENTRAL_STREETS):
        return {}
    stores = _stores(rng, regions)
    Partner.objects.bulk_create([p for p, _k in stores])
    others = [
        Partner(
            name=name,
            kind=kind,
            region=regions[code],
            address=f"{regions[code].name}",
            description="志愿礼遇合作单位",
        )
        for name, kind, code, *_rest in OTHER_PARTNERS
    ]
    Partner.objects.bulk_create(others)
    partners = {
        p.name: p
        for p in Partner.objects.filter(name__in=[p.name for p, _k in stores] + [o.name for o in others])
    }

    # one clerk account per store (the demo password); the printable demo clerk and manager act
    # for the first store
    password = User.objects.filter(phone=admin.phone).values_list("password", flat=True).get()
    taken_phones = set(
        User.objects.filter(phone__in=[CLERK_PHONE.format(i) for i in range(STORE_COUNT)]).values_list(
            "phone", flat=True
        )
    )
    clerks = [
        User(phone=CLERK_PHONE.format(i), display_name=f"{p.name}店员", password=password)
        for i, (p, _k) in enumerate(stores)
        if CLERK_PHONE.format(i) not in taken_phones
    ]
    User.objects.bulk_create(clerks)
    by_phone = {u.phone: u for u in User.objects.filter(phone__in=[c.phone for c in clerks])}
    links = [
        PartnerStaff(user=by_phone[CLERK_PHONE.format(i)], partner=partners[p.name])
        for i, (p, _k) in enumerate(stores)
        if CLERK_PHONE.format(i) in by_phone
    ]
    first = partners[stores[0][0].name]
    for key, role in (("store_clerk", PartnerStaff.Role.STAFF), ("store_manager", PartnerStaff.Role.MANAGER)):
        user = User.objects.filter(phone=ACCOUNTS_BY_KEY[key].phone).first()
        if user is not None:
            links.append(PartnerStaff(user=user, partner=first, role=role))
    PartnerStaff.objects.bulk_create(links)

    # offers: the store's right for star volunteers, and a second everyday one for every third store
    start = now - dt.timedelta(days=CLAIM_DAYS)
    offers: list[Offer] = []
    for i, (p, (_shop, category, title, star)) in enumerate(stores):
        partner = partners[p.name]
        common = {
            "partner": partner,
            "valid_from": start,
            "valid_until": now + dt.timedelta(days=185),
            "created_by": admin,
        }
        offers.append(
            Offer(
                title=title,
                category=category,
                min_star=star,
                stock=rng.choice([30, 50, 80, 100]),
                quota=1,
                period=Offer.Period.MONTH,
                **common,
            )
        )
        if i % 3 == 0:
            offers.append(
                Offer(
                    title="志愿者到店九五折",
                    category=category,
                    min_star=0,
                    stock=200,
                    quota=2,
                    period=Offer.Period.WEEK,
                    **common,
                )
            )
    for name, _kind, _code, category, title, star, newcomers in OTHER_PARTNERS:
        offers.append(
            Offer(
                partner=partners[name],
                title=title,
                category=category,
                min_star=star,
                new_residents_only=newcomers,
                stock=60,
                quota=1,
                period=Offer.Period.YEAR,
                valid_from=start,
                valid_until=now + dt.timedelta(days=185),
                created_by=admin,
            )
        )
    Offer.objects.bulk_create(offers)
    offers = list(
        Offer.objects.filter(partner__in=partners.values()).select_related("partner").order_by("pk")
    )

    # half a year of claims: each volunteer claims a few rights they qualify for;
    # most codes are redeemed by the store's clerk, a few are cancelled, the rest wait or expired
    staff_of = {
        s.partner_id: s.user_id
        for s in PartnerStaff.objects.filter(partner__in=partners.values()).order_by("pk")
    }
    claimers = [
        (pk, star or 0, newcomer)
        for pk, star, newcomer in Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", "hours__star", "is_new_resident")
    ]
    used_codes: set[str] = set()
    claims: list[Redemption] = []
    taken: Counter[int] = Counter()
    for volunteer_id, star, newcomer in claimers:
        if not star and rng.random() < 0.5:  # half of those without a star have claimed nothing
            continue
        choices = [o for o in offers if o.min_star <= star and (newcomer or not o.new_residents_only)]
        for offer in rng.sample(choices, k=min(len(choices), rng.randint(1, 4))):
            if taken[offer.pk] >= offer.stock:
                continue
            claimed = now - dt.timedelta(days=rng.randint(0, CLAIM_DAYS - 1), minutes=rng.randint(0, 600))
            expires = claimed + dt.timedelta(days=offer.code_days)
            fate = rng.random()
            used = cancelled = None
            if fate < 0.7:
                used = min(
                    claimed + dt.timedelta(hours=rng.randint(1, 120)), expires - dt.timedelta(minutes=1), now
                )
            elif fate < 0.8:
                cancelled = claimed + dt.timedelta(hours=rng.randint(1, 48))
            if cancelled is None:
                taken[offer.pk] += 1
            claims.append(
                Redemption(
                    offer=offer,
                    partner_id=offer.partner_id,
                    volunteer_id=volunteer_id,
                    code=_draw_code(rng, used_codes),
                    period_key=period_key(offer.period, claimed),
                    claimed_at=claimed,
                    expires_at=expires,
                    used_at=used,
                    used_by_id=staff_of.get(offer.partner_id) if used else None,
                    cancelled_at=cancelled,
                )
            )
    Redemption.objects.bulk_create(claims, batch_size=1000)
    counted = dict(
        Redemption.objects.filter(cancelled_at__isnull=True, offer__in=offers)
        .values_list("offer_id")
        .annotate(n=Count("pk"))
        .values_list("offer_id", "n")
    )
    for offer in offers:
        offer.taken = counted.get(offer.pk, 0)
    Offer.objects.bulk_update(offers, ["taken"], batch_size=500)
    return {
        "stores": len(stores),
        "partners": len(partners),
        "offers": len(offers),
        "claims": len(claims),
        "redeemed": sum(1 for c in claims if c.used_at),
    }
