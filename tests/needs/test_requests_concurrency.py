"""Ten volunteers taking one request at once → one taker (PostgreSQL, real threads); the control
shows the race without the guarded UPDATE."""

from __future__ import annotations

import pytest
from django.db import connection

from huiguang.activities.models import Activity, Enrollment
from huiguang.needs.models import ServiceRequest
from huiguang.needs.services import requests as services

from ..factories import at_once, member
from .conftest import opened

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real parallel writers: PostgreSQL only"),
]

WORKERS = 10


def _volunteers(city):
    return [member(city.org_a, real_name=f"志愿者{i}").user for i in range(WORKERS)]


def test_ten_volunteers_taking_one_request_at_once_give_one_taker(city, needs):
    req = opened(city, needs)
    users = _volunteers(city)

    def take(user):
        fresh = ServiceRequest.objects.select_related("category", "region", "organization").get(pk=req.pk)
        return services.request_take(actor=user, req=fresh).taker.user_id

    outcomes = at_once(users, take)
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1, outcomes
    assert all(
        "Someone else took" in o or "别人" in o or "其他志愿者" in o for o in outcomes if isinstance(o, str)
    ), outcomes
    req.refresh_from_db()
    assert req.status == ServiceRequest.Status.TAKEN and req.taker.user_id == winners[0]
    # one serving activity, one confirmed place
    assert Activity.objects.filter(service_request=req).count() == 1
    assert Enrollment.objects.filter(shift__activity=req.activity).count() == 1


def test_control_without_the_guard_several_take_it(city, needs, monkeypatch):
    """The control: checking the status first and then writing (no conditional UPDATE) lets several
    volunteers through, each building their own serving activity."""
    req = opened(city, needs)
    users = _volunteers(city)
    original = services._claim

    def unguarded_claim(*, actor, req, volunteer, allowed, request):
        from django.db import transaction

        fresh = ServiceRequest.objects.get(pk=req.pk)
        if fresh.status != allowed:
            raise services._wrong_status(fresh)
        import time

        time.sleep(0.05)  # the gap between the check and the write that the guard closes
        with transaction.atomic():
            ServiceRequest.objects.filter(pk=req.pk).update(
                status=ServiceRequest.Status.TAKEN, taker=volunteer
            )
            req.status, req.taker = ServiceRequest.Status.TAKEN, volunteer
            services._serve(actor=actor, req=req, volunteer=volunteer, request=request)
        return req

    monkeypatch.setattr(services, "_claim", unguarded_claim)

    def take(user):
        fresh = ServiceRequest.objects.select_related("category", "region", "organization").get(pk=req.pk)
        return services.request_take(actor=user, req=fresh).taker.user_id

    outcomes = at_once(users, take)
    monkeypatch.setattr(services, "_claim", original)
    assert len([o for o in outcomes if isinstance(o, int)]) > 1, outcomes
    assert Activity.objects.filter(title__contains=req.number).count() > 1
