"""Reads of policies, snapshots, reviews and honors."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors
from huiguang.core.selectors import get_or_404
from huiguang.projects.models import Competition, Project
from huiguang.volunteers.selectors import volunteer_get_for

from ..models import CreditPolicy, CreditReview, CreditSnapshot, Honor
from ..permissions import may_read_credit_console
from ..scoring import DEFAULT_BANDS, DEFAULT_BASE, DEFAULT_COMPONENTS, DEFAULT_DESCRIPTION

DISTRIBUTION_STEP = 50


def current_policy() -> CreditPolicy:
    """The policy in force. The data migration creates version 1; a database emptied since
    (`huiguang flush`, a test server) gets the same default version 1 back here."""
    policy = CreditPolicy.objects.filter(effective_from__lte=timezone.now()).order_by("-version").first()
    if policy is None:
        policy, _created = CreditPolicy.objects.get_or_create(
            version=1,
            defaults={
                "base": DEFAULT_BASE,
                "components": DEFAULT_COMPONENTS,
                "bands": DEFAULT_BANDS,
                "description": DEFAULT_DESCRIPTION,
                "effective_from": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            },
        )
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


def own_reviews(volunteer) -> QuerySet[CreditReview]:
    return CreditReview.objects.filter(volunteer=volunteer).select_related("snapshot", "outcome")


def open_review(volunteer) -> CreditReview | None:
    return own_reviews(volunteer).filter(status=CreditReview.Status.OPEN).first()


def review_list_for(user, *, status: str = "") -> QuerySet[CreditReview]:
    if not may_read_credit_console(user):
        return CreditReview.objects.none()
    qs = CreditReview.objects.select_related("volunteer", "snapshot__policy", "answered_by", "outcome")
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
    return Honor.objects.select_related("volunteer", "organization", "project").order_by("-awarded_on", "-id")


def honor_get_for(user, pk) -> Honor:
    return get_or_404(honor_list_for(user), pk)


def project_by_id(pk: int) -> Project:
    """The project an honor is recorded for (the city admin records honors of any project)."""
    project = Project.objects.filter(pk=pk).first()
    if project is None:
        raise FieldErrors({"project_id": [_("No project has this number.")]})
    return project


def competition_or_404(pk) -> Competition:
    return get_or_404(Competition.objects.all(), pk)


def project_honors(project_id: int) -> QuerySet[Honor]:
    """A project's honors, newest first: what the project's pages show (title, level, issuer,
    date — never the evidence or the citation's author)."""
    return Honor.objects.filter(project_id=project_id).order_by("-awarded_on", "-id")


def honors_of(volunteer) -> QuerySet[Honor]:
    return Honor.objects.filter(volunteer=volunteer).order_by("-awarded_on", "-id")


def score_distribution() -> dict:
    """The newest snapshot of every volunteer, counted in bands of 50 points and by band label."""
    latest = newest_snapshots()
    top = 1000 - DISTRIBUTION_STEP  # the last band holds 1000 too
    buckets = {b: 0 for b in range(0, top + 1, DISTRIBUTION_STEP)}
    total = 0
    for score, n in latest.order_by().values_list("score").annotate(n=Count("id")):
        buckets[min(score // DISTRIBUTION_STEP * DISTRIBUTION_STEP, top)] += n
        total += n
    by_band = list(latest.order_by().values("band").annotate(n=Count("id")).order_by("band"))
    return {
        "buckets": [
            {"low": low, "high": 1000 if low == top else low + DISTRIBUTION_STEP - 1, "count": n}
            for low, n in buckets.items()
        ],
        "by_band": by_band,
        "total": total,
    }
