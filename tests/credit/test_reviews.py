"""The human review of a score: asked on the page, answered kept or corrected with a reason by a
city admin; a correction is a new snapshot marked as the review's outcome; both are audited."""

import pytest
from django.urls import reverse

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.models import AuditEntry
from huiguang.credit.models import CreditReview, CreditSnapshot
from huiguang.credit.services import snapshot_compute
from huiguang.credit.services.reviews import review_answer, review_request
from huiguang.notifications.models import Notification

from ..conftest import login_client


def test_volunteer_asks_and_city_admin_corrects(city, volunteer):
    page = login_client(volunteer.user)
    response = page.post(reverse("credit:review_create"), {"text": "我上个月的缺席是误记"})
    assert response.status_code == 302
    review = CreditReview.objects.get(volunteer=volunteer)
    assert review.status == "open" and review.snapshot.score == 305
    assert 'data-testid="review-open"' in page.get(reverse("credit:me")).content.decode()

    admin = login_client(city.users["city_admin"])
    queue = admin.get(reverse("credit:reviews")).content.decode()
    assert "我上个月的缺席是误记" in queue
    url = reverse("credit:review_detail", args=[review.pk])
    bad = admin.post(url, {"decision": "corrected", "reason": "核实", "adjustment": ""})
    assert bad.status_code == 422
    assert CreditSnapshot.objects.filter(source="review").count() == 0
    ok = admin.post(url, {"decision": "corrected", "reason": "缺席系误记，已核实", "adjustment": "20"})
    assert ok.status_code == 302
    review.refresh_from_db()
    assert review.status == "corrected" and review.adjustment == 20
    assert review.outcome.source == CreditSnapshot.Source.REVIEW
    assert review.outcome.score == 325
    assert review.outcome.component("review") == {
        "key": "review",
        "inputs": {"reviews_corrected": 1},
        "params": {},
        "points": 20,
        "cap": None,
    }
    assert AuditEntry.objects.filter(action="credit.review_request", object_id=str(review.pk)).exists()
    assert AuditEntry.objects.filter(action="credit.review_corrected", object_id=str(review.pk)).exists()
    assert Notification.objects.filter(user=volunteer.user, kind="credit_review_answered").exists()
    # the correction stays in later snapshots
    assert snapshot_compute(volunteer=volunteer).score == 325
    mine = page.get(reverse("credit:me")).content.decode()
    assert "缺席系误记，已核实" in mine


def test_kept_review_writes_no_snapshot(city, volunteer):
    review = review_request(volunteer=volunteer, text="请复核")
    before = CreditSnapshot.objects.count()
    review_answer(actor=city.users["city_admin"], review=review, decision="kept", reason="计算无误")
    review.refresh_from_db()
    assert (review.status, review.adjustment, review.outcome) == ("kept", 0, None)
    assert CreditSnapshot.objects.count() == before
    assert AuditEntry.objects.filter(action="credit.review_kept").exists()
    with pytest.raises(Refused):
        review_answer(actor=city.users["city_admin"], review=review, decision="kept", reason="again")


def test_one_open_request_at_a_time(city, volunteer):
    review_request(volunteer=volunteer, text="请复核")
    with pytest.raises(Refused):
        review_request(volunteer=volunteer, text="再次")
    with pytest.raises(FieldErrors):
        review_request(volunteer=city.users["volunteer_b"].volunteer, text="  ")


def test_only_the_city_admin_answers(city, volunteer):
    from django.core.exceptions import PermissionDenied

    review = review_request(volunteer=volunteer, text="请复核")
    for role in ("auditor", "town_admin", "org_admin"):
        with pytest.raises(PermissionDenied):
            review_answer(actor=city.users[role], review=review, decision="kept", reason="x")
    review.refresh_from_db()
    assert review.status == "open"
