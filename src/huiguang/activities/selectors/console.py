"""Reads of the organizers' console: activities, the review queue, shifts and rosters — scoped.

Reading: every console user reads the activities of the organizations in their scope
(network.selectors.organization_list_for: city-wide roles all of them, region admins those of
their region subtree, organization admins their subtree, leaders their own team). Anything else
is not in the queryset, so the views answer 404.

Changing (who is an editor, a manager, a reviewer) is computed from the grants without a
query (activities/permissions.py); the services enforce it.

Contact details on rosters (DESIGN §6): ID numbers are always masked (Volunteer.id_masked); the
phone is shown in full to the admins who manage the organization (its admins, its region's
admins, the city admin) and masked for team leaders and auditors.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from huiguang.core.selectors import get_or_404
from huiguang.network.models import Grant, Organization
from huiguang.network.scope import scope_for
from huiguang.network.selectors import organization_list_for

from ..models import Activity, ActivityPhoto, Enrollment, Series, Shift
from ..permissions import editor_q, held_in_region_q, reviewer_q
from ..rules.reasons import GUARDIAN_PENDING

# --- who may change what ------------------------------------------------------------------------------


def organizations_for_new_activities(user) -> QuerySet[Organization]:
    """Active organizations the user may create activities for."""
    q = editor_q(user)
    if q is None:
        return Organization.objects.none()
    return (
        Organization.objects.filter(q, status=Organization.Status.ACTIVE)
        .select_related("region")
        .order_by("path")
    )


def _ancestor_paths(path: str) -> list[str]:
    """'/A/B/C/' → ['/A/', '/A/B/', '/A/B/C/'] (organizations); '330482/330482001/' likewise."""
    lead = "/" if path.startswith("/") else ""
    parts = [p for p in path.split("/") if p]
    return [lead + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def reviewer_grants_for(org: Organization) -> list:
    """Users to tell that an activity of `org` waits for review: region admins of a region that
    holds the organization's region and admins of the parent organization or above (city admins
    are not told of every submission: they have the review queue)."""
    q = Q(role=Grant.Role.REGION_ADMIN, region__path__in=_ancestor_paths(org.region.path))
    if org.parent is not None:
        q |= Q(role=Grant.Role.ORG_ADMIN, organization__path__in=_ancestor_paths(org.parent.path))
    user_ids = Grant.objects.filter(q).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


S = Activity.Status


# --- activities -------------------------------------------------------------------------------------


def activity_list_for(user) -> QuerySet[Activity]:
    """The console's read scope: the activities of the organizations the user sees, and for a
    region admin also every activity held in the region (permissions.held_in_region_q)."""
    if not scope_for(user).is_console_user:
        return Activity.objects.none()
    q = Q(organization__in=organization_list_for(user).values("pk"))
    in_region = held_in_region_q(user)
    if in_region is not None:
        q |= in_region
    return Activity.objects.filter(q).select_related(
        "organization", "organization__region", "organization__parent", "category", "region"
    )


def activity_get_for(user, pk: int) -> Activity:
    return get_or_404(
        activity_list_for(user).select_related("site", "series", "created_by", "reviewed_by"), pk
    )


def _shift_sum(field: str):
    return Coalesce(
        Subquery(
            Shift.objects.filter(activity=OuterRef("pk"))
            .order_by()
            .values("activity")
            .annotate(n=Sum(field))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _with_counts(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """Shift count, places, places taken, waitlisted and applications waiting, per activity —
    correlated subqueries, so a page costs one query whatever its size."""
    applied = (
        Enrollment.objects.filter(shift__activity=OuterRef("pk"), status=Enrollment.Status.APPLIED)
        .exclude(reason=GUARDIAN_PENDING)  # the child's guardian decides first
        .order_by()
        .values("shift__activity")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    shifts = (
        Shift.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return qs.annotate(
        shift_count=Coalesce(Subquery(shifts, output_field=IntegerField()), Value(0)),
        capacity_total=_shift_sum("capacity"),
        taken_total=_shift_sum("taken"),
        waitlisted_total=_shift_sum("waitlisted"),
        applied_total=Coalesce(Subquery(applied, output_field=IntegerField()), Value(0)),
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def activity_rows_for(
    user,
    *,
    status: str = "",
    organization: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
) -> QuerySet[Activity]:
    """The console list: scoped, filtered (status, organization id, a date range that overlaps the
    activity, a title search), with counts per row; soonest first, past ones last."""
    qs = activity_list_for(user)
    if status in Activity.Status.values:
        qs = qs.filter(status=status)
    if organization:
        qs = qs.filter(organization_id=organization)
    if date_from:
        qs = qs.filter(ends_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(starts_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(address__icontains=q))
    now = timezone.now()
    return (
        _with_counts(qs)
        .annotate(
            past=Case(When(ends_at__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .order_by("past", "starts_at", "pk")
    )


def activity_detail_for(user, pk: int) -> Activity:
    """One activity of the console list (with its counts), its skills and its shifts; 404 outside."""
    return get_or_404(
        activity_rows_for(user).prefetch_related(
            "required_skills",
            "required_qualifications",
            Prefetch(
                "shifts",
                queryset=Shift.objects.order_by("starts_at", "name", "pk").prefetch_related(
                    "required_qualifications"
                ),
            ),
        ),
        pk,
    )


def activity_filter_organizations(user) -> QuerySet[Organization]:
    """Organizations offered in the list's filter (at most a few hundred: the user's scope)."""
    return organization_list_for(user).select_related(None).only("id", "name", "path").order_by("path")[:500]


def review_queue_for(user) -> QuerySet[Activity]:
    q = reviewer_q(user)
    if q is None:
        return Activity.objects.none()
    return _with_counts(
        Activity.objects.filter(q, status=Activity.Status.PENDING).select_related(
            "organization", "organization__region", "organization__parent", "category", "region", "created_by"
        )
    ).order_by("starts_at", "pk")


# --- shifts and rosters ---------------------------------------------------------------------------------


def activity_shifts(activity: Activity) -> QuerySet[Shift]:
    return (
        activity.shifts.annotate(
            applied_count=Count(
                "enrollments",
                filter=Q(enrollments__status=Enrollment.Status.APPLIED)
                & ~Q(enrollments__reason=GUARDIAN_PENDING),
            )
        )
        .order_by("starts_at", "name", "pk")
        .prefetch_related("required_qualifications")
    )


def with_shift_qualifications(shifts: list[Shift]) -> list[Shift]:
    """New shifts with their required qualifications loaded in one query (the API's answer)."""
    prefetch_related_objects(shifts, "required_qualifications")
    return shifts


def activity_photos(activity: Activity) -> dict[str, list[ActivityPhoto]]:
    photos = list(activity.photos.all())
    return {
        "gallery": [p for p in photos if p.kind == ActivityPhoto.Kind.GALLERY],
        "outcome": [p for p in photos if p.kind == ActivityPhoto.Kind.OUTCOME],
    }


def shift_get_for(user, pk: int) -> Shift:
    return get_or_404(
        Shift.objects.filter(activity__in=activity_list_for(user).values("pk")).select_related(
            "activity", "activity__organization", "activity__organization__region", "activity__region"
        ),
        pk,
    )


def photo_get_for(user, pk: int) -> ActivityPhoto:
    return get_or_404(
        ActivityPhoto.objects.filter(activity__in=activity_list_for(user).values("pk")).select_related(
            "activity", "activity__organization", "activity__organization__region"
        ),
        pk,
    )


ROSTER_ORDER = Case(
    When(status=Enrollment.Status.CONFIRMED, then=Value(0)),
    When(status=Enrollment.Status.APPLIED, then=Value(1)),
    When(status=Enrollment.Status.WAITLISTED, then=Value(2)),
    When(status=Enrollment.Status.ATTENDED, then=Value(3)),
    When(status=Enrollment.Status.NO_SHOW, then=Value(4)),
    default=Value(5),
    output_field=IntegerField(),
)


def roster_for(shift: Shift, *, status: str = "") -> QuerySet[Enrollment]:
    """The shift's sign-ups: confirmed, then applications, then the waitlist (each in sign-up
    order), then the rest."""
    qs = shift.enrollments.select_related("volunteer", "volunteer__user", "signed_up_by")
    if status in Enrollment.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by(ROSTER_ORDER, "created_at", "pk")


def roster_counts(shift: Shift) -> dict[str, int]:
    return dict(shift.enrollments.order_by().values_list("status").annotate(n=Count("pk")))


def series_get_for(user, pk: int) -> Series:
    return get_or_404(
        Series.objects.filter(organization__in=organization_list_for(user).values("pk")).select_related(
            "organization", "organization__region", "template", "template__organization"
        ),
        pk,
    )


def series_occurrences(series: Series, *, limit: int = 60) -> QuerySet[Activity]:
    return _with_counts(series.occurrences.all()).order_by("starts_at", "pk")[:limit]
