"""The sum of a grant's payments never exceeds the grant, when many payments come at once
(PostgreSQL, real threads): the guarded UPDATE decides. The control shows the race without it."""

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from huiguang.projects.models import Disbursement, Grant
from huiguang.projects.services import funding
from huiguang.projects.services.funding import disbursement_create

from ..factories import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and real parallelism: PostgreSQL"
    ),
]

WORKERS = 12
AMOUNT = 300_000  # 3,000 yuan: three of them fit in the 10,000 yuan grant, not four


def _pay(admin, grant_id):
    def work(_job):
        grant = Grant.objects.get(pk=grant_id)
        try:
            disbursement_create(actor=admin, grant=grant, amount_fen=AMOUNT, paid_on=timezone.localdate())
        except funding.Refused as exc:
            return exc.reason
        return "paid"

    return work


def test_parallel_payments_never_exceed_the_grant(city, scene):
    outcomes = at_once(list(range(WORKERS)), _pay(city.users["city_admin"], scene.grant.pk))
    assert outcomes.count("paid") == 3, outcomes
    assert outcomes.count("over_grant") == WORKERS - 3, outcomes
    total = Disbursement.objects.filter(grant=scene.grant).aggregate(s=Sum("amount_fen"))["s"]
    scene.grant.refresh_from_db()
    assert total == scene.grant.paid_fen == 900_000 <= scene.grant.amount_fen


def test_control_without_the_guard_payments_exceed_the_grant(city, scene, monkeypatch):
    """The control: "read the paid sum, check, then write" (no guarded UPDATE, no row lock) lets
    parallel payments all pass the check on the same stale sum."""

    def unguarded(grant, amount_fen):
        with transaction.atomic():
            paid = sum(Disbursement.objects.filter(grant=grant).values_list("amount_fen", flat=True))
            connection.cursor().execute("SELECT pg_sleep(0.2)")  # the window every request has
            return paid + amount_fen <= grant.amount_fen

    monkeypatch.setattr(funding, "_claim", unguarded)
    monkeypatch.setattr(funding, "_lock_grant", lambda grant_id: None)
    outcomes = at_once(list(range(WORKERS)), _pay(city.users["city_admin"], scene.grant.pk))
    total = Disbursement.objects.filter(grant=scene.grant).aggregate(s=Sum("amount_fen"))["s"]
    assert outcomes.count("paid") > 3
    assert total > scene.grant.amount_fen
