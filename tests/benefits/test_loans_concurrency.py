"""Ten bank officers recording the outcome of one referral at once: exactly one decision is kept,
the others are refused (the guarded UPDATE … WHERE status = 'pending'); the control shows that a
read-then-save without the guard lets several decisions through. Real threads, PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from huiguang.benefits.models import LoanReferral, PartnerStaff
from huiguang.benefits.services.loans import referral_decide, referral_request
from huiguang.core.audit import AuditEntry

from ..factories import UserFactory, at_once
from .loans_points_data import make_product

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keeps the default credit policy
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency: PostgreSQL only"),
]

OFFICERS = 10


def _setup(city, partners):
    v = city.users["volunteer"].volunteer
    referral = referral_request(volunteer=v, product=make_product(partners.bank), days=30, user=v.user)
    officers = [partners.users["bank_officer"]]
    for i in range(OFFICERS - 1):
        user = UserFactory(phone=f"1390000{i:04d}")
        PartnerStaff.objects.create(user=user, partner=partners.bank)
        officers.append(user)
    return referral, officers


def test_one_referral_decided_by_ten_officers_at_once_keeps_one_decision(city, partners):
    referral, officers = _setup(city, partners)
    today = timezone.localdate()

    def decide(job):
        i, officer = job
        fresh = LoanReferral.objects.select_related("product__partner", "volunteer").get(pk=referral.pk)
        referral_decide(
            user=officer,
            referral=fresh,
            approve=True,
            amount=100000 + i,
            rate=referral.rate,
            disbursed_on=today,
        )
        return i

    outcomes = at_once(list(enumerate(officers)), decide)
    won = [o for o in outcomes if isinstance(o, int)]
    assert len(won) == 1, outcomes
    assert all(o.startswith("error: Refused(") for o in outcomes if isinstance(o, str)), outcomes
    referral.refresh_from_db()
    assert referral.amount == 100000 + won[0]
    assert AuditEntry.objects.filter(action="loan_referral.approve", object_id=str(referral.pk)).count() == 1


def test_control_without_the_guard_several_decisions_get_through(city, partners):
    referral, officers = _setup(city, partners)

    def unguarded(job):
        i, officer = job
        fresh = LoanReferral.objects.get(pk=referral.pk)
        if fresh.status != LoanReferral.Status.PENDING:  # check, then write: the race
            return None
        connection.cursor().execute("SELECT pg_sleep(0.05)")
        fresh.status, fresh.amount, fresh.decided_by = LoanReferral.Status.REFUSED, None, officer
        fresh.reason = f"officer {i}"
        fresh.save(update_fields=["status", "amount", "decided_by", "reason"])
        return i

    outcomes = at_once(list(enumerate(officers)), unguarded)
    assert len([o for o in outcomes if isinstance(o, int)]) > 1, outcomes
