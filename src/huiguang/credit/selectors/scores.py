"""Reads of policies, snapshots, reviews and honors."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils import timezone

from huiguang.core.selectors import get_or_404
from huiguang.volunteers.selectors import volunteer_get_for

from ..models import CreditPolicy, CreditReview, CreditSnapshot, Honor
from ..permissions import may_read_credit_console

DISTRIBUTION_STEP = 50


def current_policy() -> CreditPolicy:
    """The policy in force (the data migration creates version 1)."""
    policy = CreditPolicy.objects.filter(effective_from__lte=timezone.now()).order_by("-version").first()
    if policy is None:
        raise CreditPolicy.DoesNotExist("no credit policy: run the migrations")
    return policy


def policy_list() -> QuerySet[CreditPolicy]:
    return CreditPolicy.objects.select_related("created_by").order_by("-version")


def policy_get(version) -> CreditPolicy:
    try:
        return CreditPolicy.objects.get(version=int(version))
    except (CreditPolicy.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def latest_snapshot(volunteer) -> CreditSnapshot | None:
    """The volunteer's newest snapshot (the public interface for the benefits app)."""
    return CreditSnapshot.objects.filter(volunteer=volunteer).select_related("policy").order_by("-id").first()


def snapshot_history(volunteer) -> QuerySet[CreditSnapshot]:
    return CreditSnapshot.objects.filter(volunteer=volunteer).order_by("-id")


def newest_snapshots() -> QuerySet[CreditSnapshot]:
    """The newest snapshot of every volunteer (one statement: ids from a GROUP BY)."""
    newest = CreditSnapshot.objects.order_by().values("volunteer_id").annotate(m=Max("id")).values("m")
    return CreditSnapshot.objects.filter(id__in=newest)


def latest_digests() -> dict[int, str]:
    """volunteer id → inputs digest of the newest snapshot, in one statement."""
    return dict(newest_snapshots().values_list("volunteer_id", "inputs_digest"))


def own_reviews(volunteer) -> QuerySet[CreditReview]:
    return CreditReview.objects.filter(volunteer=volunteer).select_related("snapshot", "outcome")


def open_review(volunteer) -> CreditReview | None:
    return own_reviews(volunteer).filter(status=CreditReview.Status.OPEN).first()


def review_list_for(user, *, status: str = "") -> QuerySet[CreditReview]:
    if not may_read_credit_console(user):
        return CreditReview.objects.none()
    qs = CreditReview.objects.select_related("volunteer", "snapshot", "answered_by", "outcome")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def review_get_for(user, pk) -> CreditReview:
    return get_or_404(review_list_for(user), pk)


def volunteer_credit_get_for(user, pk):
    """A volunteer whose score the console user may read (404 outside the scope)."""
    return volunteer_get_for(user, pk)


def honor_list_for(user) -> QuerySet[Honor]:
    if not may_read_credit_console(user):
        return Honor.objects.none()
    return Honor.objects.select_related("volunteer", "organization").order_by("-awarded_on", "-id")


def honor_get_for(user, pk) -> Honor:
    return get_or_404(honor_list_for(user), pk)


def honors_of(volunteer) -> QuerySet[Honor]:
    return Honor.objects.filter(volunteer=volunteer).order_by("-awarded_on", "-id")


def score_distribution() -> dict:
    """The newest snapshot of every volunteer, counted in bands of 50 points and by band label."""
    latest = newest_snapshots()
    buckets = {b: 0 for b in range(0, 1000 + 1, DISTRIBUTION_STEP)}
    total = 0
    for score, n in latest.order_by().values_list("score").annotate(n=Count("id")):
        buckets[min(score // DISTRIBUTION_STEP * DISTRIBUTION_STEP, 1000)] += n
        total += n
    by_band = list(latest.order_by().values("band").annotate(n=Count("id")).order_by("band"))
    return {
        "buckets": [
            {"low": low, "high": low + DISTRIBUTION_STEP - 1, "count": n} for low, n in buckets.items()
        ],
        "by_band": by_band,
        "total": total,
    }
