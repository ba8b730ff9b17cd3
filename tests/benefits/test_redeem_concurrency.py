"""A code is used once however many clerks send it at once; a stock of 10 gives 10 claims however
many volunteers claim at once; another partner's clerk changes nothing. Real threads, one
connection each, on SQLite (IMMEDIATE transactions serialize writers) and on PostgreSQL
(DATABASE_URL=postgres://…: the row locks and the guarded UPDATEs do the work). The control test
claims without the guard ("read, then write") and shows the overbooking it prevents (PostgreSQL
only: SQLite's IMMEDIATE transactions serialize even the naive code)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection, transaction

from huiguang.benefits.models import Offer, PartnerStaff, Redemption
from huiguang.benefits.services.offers import new_code, redemption_claim, redemption_redeem
from huiguang.core.errors import Refused

from ..factories import UserFactory, VolunteerFactory, at_once
from .stores import make_offer, volunteer_of

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 20  # PostgreSQL allows 100 connections here, shared with other test runs


def _outcome(fn):
    try:
        fn()
        return "ok"
    except Refused as exc:
        return exc.reason


def _clerks(partner, n: int):
    clerks = [UserFactory() for _ in range(n)]
    PartnerStaff.objects.bulk_create([PartnerStaff(user=u, partner=partner) for u in clerks])
    return clerks


def test_20_clerks_redeeming_one_code_at_once_use_it_once(city, partners):
    claim = redemption_claim(volunteer=volunteer_of(city), offer=make_offer(partners.store))
    clerks = _clerks(partners.store, WORKERS)
    outcomes = at_once(
        clerks,
        lambda clerk: _outcome(
            lambda: redemption_redeem(user=clerk, partner=partners.store, code=claim.code)
        ),
    )
    assert Counter(outcomes) == {"ok": 1, "USED": WORKERS - 1}
    claim.refresh_from_db()
    assert claim.used_at is not None and claim.used_by in clerks


def test_100_claims_at_once_on_a_stock_of_10_give_10(city, partners):
    offer = make_offer(partners.store, stock=10)
    volunteers = [VolunteerFactory(residence_region=city.town_a) for _ in range(100)]
    chunks = [volunteers[i::WORKERS] for i in range(WORKERS)]

    def claim_all(chunk):
        return [_outcome(lambda v=v: redemption_claim(volunteer=v, offer=Offer(pk=offer.pk))) for v in chunk]

    outcomes = Counter(o for chunk in at_once(chunks, claim_all) for o in chunk)
    assert outcomes == {"ok": 10, "SOLD_OUT": 90}
    offer.refresh_from_db()
    assert offer.taken == 10 == Redemption.objects.filter(offer=offer).count()


def test_another_partners_clerks_at_once_change_nothing(city, partners):
    claim = redemption_claim(volunteer=volunteer_of(city), offer=make_offer(partners.store))
    clerks = _clerks(partners.store_b, 10)
    outcomes = at_once(
        clerks,
        lambda clerk: _outcome(
            lambda: redemption_redeem(user=clerk, partner=partners.store_b, code=claim.code)
        ),
    )
    assert Counter(outcomes) == {"NOT_HERE": 10}
    claim.refresh_from_db()
    assert (claim.used_at, claim.used_by) == (None, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serializes even the naive code")
def test_control_without_the_guard_claims_overbook(city, partners):
    offer = make_offer(partners.store, stock=10)
    volunteers = [VolunteerFactory(residence_region=city.town_a) for _ in range(100)]
    chunks = [volunteers[i::WORKERS] for i in range(WORKERS)]

    def naive(volunteer):
        with transaction.atomic():
            row = Offer.objects.get(pk=offer.pk)  # no lock, no guard: read, then write
            if row.taken >= row.stock:
                return "SOLD_OUT"
            Redemption.objects.create(
                offer=row,
                partner_id=row.partner_id,
                volunteer=volunteer,
                code=new_code(),
                period_key="control",
                expires_at=row.valid_until,
            )
            Offer.objects.filter(pk=row.pk).update(taken=row.taken + 1)
        return "ok"

    results = at_once(chunks, lambda chunk: [naive(v) for v in chunk])
    claimed = Redemption.objects.filter(offer=offer).count()
    assert not [r for r in results if isinstance(r, str)], results
    assert claimed > 10, "the naive code did not overbook this time: the race is real but timing-dependent"
