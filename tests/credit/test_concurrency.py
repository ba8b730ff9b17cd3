"""Threads at once, on PostgreSQL: ten review requests of one volunteer leave one open request;
ten answers to one review record one answer (and at most one corrected snapshot); ten on-demand
computes of one volunteer write one snapshot or identical ones."""

import pytest
from django.db import connection

from huiguang.core.errors import Refused
from huiguang.credit.models import CreditReview, CreditSnapshot
from huiguang.credit.services import snapshot_compute
from huiguang.credit.services.reviews import review_answer, review_request
from huiguang.volunteers.models import Volunteer

from ..factories import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads against a server database"),
]

WORKERS = 10


def _refused(work):
    def run(job):
        try:
            return work(job)
        except Refused as exc:
            return exc.reason

    return run


def test_ten_requests_at_once_leave_one_open(city):
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    outcomes = at_once(
        list(range(WORKERS)), _refused(lambda n: review_request(volunteer=volunteer, text=f"请复核 {n}").pk)
    )
    assert sorted(o for o in outcomes if o == "ALREADY_OPEN") == ["ALREADY_OPEN"] * (WORKERS - 1)
    assert CreditReview.objects.filter(volunteer=volunteer, status="open").count() == 1


def test_ten_answers_at_once_record_one(city):
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    review = review_request(volunteer=volunteer, text="请复核")
    admin = city.users["city_admin"]

    def answer(n):
        return review_answer(
            actor=admin,
            review=CreditReview.objects.get(pk=review.pk),
            decision="corrected",
            reason=f"第{n}次",
            adjustment=10,
        ).pk

    outcomes = at_once(list(range(WORKERS)), _refused(answer))
    assert outcomes.count("ANSWERED") == WORKERS - 1
    assert CreditSnapshot.objects.filter(volunteer=volunteer, source="review").count() == 1
    assert CreditReview.objects.get(pk=review.pk).adjustment == 10


def test_ten_computes_at_once_agree(city):
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    outcomes = at_once(list(range(WORKERS)), lambda n: snapshot_compute(volunteer=volunteer).score)
    assert outcomes == [305] * WORKERS
    snapshots = CreditSnapshot.objects.filter(volunteer=volunteer)
    assert {(s.score, s.inputs_key) for s in snapshots} == {(305, snapshots[0].inputs_key)}
