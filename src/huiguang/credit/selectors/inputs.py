"""The inputs of the score, read in bulk: a fixed handful of GROUP BY statements, whatever the
number of volunteers (`inputs_all`), or the same statements narrowed to one (`inputs_for`).

What counts (docs/credit.md, shown on the published policy page):
- credit minutes: VolunteerHours.credit_minutes (confirmed credit hours, kept by the ledger);
- active months: months of the window (this month and the 11 before) with credit minutes in the
  ledger's MonthlyRollup;
- attended / no-shows: activities.Enrollment rows with status attended / no_show;
- ratings: confirmed ServiceRecord rows (not reversals) with the organizer's rating 1–5;
- honors: the volunteer's Honor rows by level;
- revoked records: accepted disputes whose linked confirmed rows (the reversal and the
  correction) sum to fewer than 0 minutes, i.e. the organization took hours away;
- review adjustments: the sum of the adjustments of corrected CreditReview rows.
Qualifications do not exist yet (the training app comes later): growth counts honors only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.ledger.models import Dispute, MonthlyRollup, ServiceRecord, VolunteerHours

from ..models import CreditReview, Honor
from ..scoring import Inputs


def window_start(today: dt.date | None = None, months: int = 12) -> dt.date:
    """The first day of the month `months - 1` months before today's month."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def _narrow(qs, volunteer_ids, field: str = "volunteer_id"):
    return qs if volunteer_ids is None else qs.filter(**{f"{field}__in": volunteer_ids})


def _gather(volunteer_ids: list[int] | None, months: int) -> dict[int, dict[str, int]]:
    values: dict[int, dict[str, int]] = defaultdict(dict)
    R = ServiceRecord
    for row in _narrow(VolunteerHours.objects.filter(credit_minutes__gt=0), volunteer_ids).values_list(
        "volunteer_id", "credit_minutes"
    ):
        values[row[0]]["credit_minutes"] = row[1]
    rollups = MonthlyRollup.objects.filter(month__gte=window_start(months=months), credit_minutes__gt=0)
    for vid, n in (
        _narrow(rollups, volunteer_ids)
        .order_by()
        .values("volunteer_id")
        .annotate(n=Count("month", distinct=True))
        .values_list("volunteer_id", "n")
    ):
        values[vid]["active_months"] = n
    enrollments = Enrollment.objects.filter(
        status__in=[Enrollment.Status.ATTENDED, Enrollment.Status.NO_SHOW]
    )
    for vid, attended, no_shows in (
        _narrow(enrollments, volunteer_ids)
        .order_by()
        .values("volunteer_id")
        .annotate(a=Count("pk", filter=Q(status="attended")), n=Count("pk", filter=Q(status="no_show")))
        .values_list("volunteer_id", "a", "n")
    ):
        values[vid].update(attended=attended, no_shows=no_shows)
    rated = R.objects.filter(status=R.Status.CONFIRMED, rating__isnull=False).exclude(kind=R.Kind.REVERSAL)
    for vid, count, total in (
        _narrow(rated, volunteer_ids)
        .order_by()
        .values("volunteer_id")
        .annotate(c=Count("pk"), s=Sum("rating"))
        .values_list("volunteer_id", "c", "s")
    ):
        values[vid].update(ratings_count=count, ratings_sum=total or 0)
    for vid, level, n in (
        _narrow(Honor.objects.filter(volunteer__isnull=False), volunteer_ids)
        .order_by()
        .values("volunteer_id", "level")
        .annotate(n=Count("pk"))
        .values_list("volunteer_id", "level", "n")
    ):
        values[vid][f"honors_{level}"] = n
    # One row per accepted dispute with its net minutes; counted per volunteer here.
    corrected = R.objects.filter(
        status=R.Status.CONFIRMED, dispute__status=Dispute.Status.ACCEPTED, dispute__isnull=False
    )
    for vid, _dispute, _net in (
        _narrow(corrected, volunteer_ids)
        .order_by()
        .values("volunteer_id", "dispute_id")
        .annotate(net=Sum("minutes"))
        .filter(net__lt=0)
        .values_list("volunteer_id", "dispute_id", "net")
    ):
        values[vid]["revoked_records"] = values[vid].get("revoked_records", 0) + 1
    reviews = CreditReview.objects.filter(status=CreditReview.Status.CORRECTED)
    for vid, n, total in (
        _narrow(reviews, volunteer_ids)
        .order_by()
        .values("volunteer_id")
        .annotate(n=Count("pk"), s=Sum("adjustment"))
        .values_list("volunteer_id", "n", "s")
    ):
        values[vid].update(reviews_corrected=n, review_adjustment=total or 0)
    return values


def inputs_all(volunteer_ids: list[int], *, months: int = 12) -> dict[int, Inputs]:
    """Inputs of every volunteer in `volunteer_ids` (the statements read every volunteer at once;
    volunteers with no rows get the newcomer's zeros)."""
    found = _gather(None, months)
    return {vid: Inputs(**found.get(vid, {})) for vid in volunteer_ids}


def inputs_for(volunteer, *, months: int = 12) -> Inputs:
    return Inputs(**_gather([volunteer.pk], months).get(volunteer.pk, {}))
