"""Reads of residents' requests, each scoped to the user (outside the scope: 404, never 403), and
the ratings grouped per team, category, region and month (satisfaction figures build on
`rating_figures`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet

from huiguang.core.geo import bounding_box, haversine_km
from huiguang.core.selectors import get_or_404
from huiguang.network.models import Organization
from huiguang.network.scope import scope_for
from huiguang.volunteers.models import Volunteer

from .. import permissions as perms
from ..models import Rating, ServiceRequest

S = ServiceRequest.Status
RELATED = (
    "category",
    "region",
    "organization",
    "taker",
    "resident",
    "merged_into",
    "required_skill",
    "rating",
)


def _requests() -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.select_related(*RELATED)


# --- the resident ---------------------------------------------------------------------------------


def request_list_for_resident(user) -> QuerySet[ServiceRequest]:
    """What the user posted, or what was posted for them."""
    if not user.is_authenticated:
        return ServiceRequest.objects.none()
    return _requests().filter(Q(posted_by=user) | Q(resident__user=user))


def request_get_for_resident(user, pk) -> ServiceRequest:
    return get_or_404(request_list_for_resident(user).prefetch_related("photos"), pk)


# --- the console: community admins, teams, auditors ----------------------------------------------


def request_list_for_console(user, *, status: str = "", q: str = "") -> QuerySet[ServiceRequest]:
    scoped = perms.console_q(user)
    if scoped is None:
        return ServiceRequest.objects.none()
    qs = _requests().filter(scoped)
    if status in S.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(description__icontains=q) | Q(address__icontains=q))
    return qs


def request_get_for_console(user, pk) -> ServiceRequest:
    return get_or_404(request_list_for_console(user).prefetch_related("photos"), pk)


def merge_targets_for(user, req: ServiceRequest) -> QuerySet[ServiceRequest]:
    """Live requests of the same community a duplicate may be merged into."""
    return (
        request_list_for_console(user)
        .filter(region=req.region)
        .exclude(pk=req.pk)
        .exclude(status__in=[S.DECLINED, S.MERGED])
        .order_by("-created_at")
    )


def serving_organizations_for(user, req: ServiceRequest) -> QuerySet[Organization]:
    return (
        Organization.objects.filter(perms.serving_organizations_q(user, req))
        .select_related("region")
        .order_by("path")
    )


def team_members_for(req: ServiceRequest) -> QuerySet[Volunteer]:
    if req.organization is None:
        return Volunteer.objects.none()
    return perms.team_members(req.organization).order_by("real_name")


def is_console_reader(user) -> bool:
    return perms.console_q(user) is not None


# --- volunteers: nearby open requests, taken ones -------------------------------------------------


@dataclass(frozen=True)
class Nearby:
    request: ServiceRequest
    km: float | None


def open_requests_for(user) -> QuerySet[ServiceRequest]:
    """Open requests an active volunteer is qualified for (no skill required, or one they have)."""
    volunteer = perms.volunteer_of(user)
    if volunteer is None or volunteer.status != Volunteer.Status.ACTIVE:
        return ServiceRequest.objects.none()
    skills = volunteer.skills.values("pk")
    return (
        _requests()
        .filter(status=S.OPEN)
        .filter(Q(required_skill__isnull=True) | Q(required_skill__in=skills))
    )


def open_nearby_for(user, *, lat=None, lng=None, km: float | None = None) -> list[Nearby]:
    """Open requests sorted by distance from (lat, lng) within `km`; without a position, newest first."""
    qs = open_requests_for(user)
    if lat is None or lng is None:
        return [Nearby(r, None) for r in qs.order_by("-assigned_at")[:100]]
    km = float(km or settings.HUIGUANG_NEEDS_NEARBY_KM)
    box = bounding_box(lat, lng, km)
    inside = qs.filter(
        lat__gte=box.min_lat, lat__lte=box.max_lat, lng__gte=box.min_lng, lng__lte=box.max_lng
    ).order_by("pk")[:500]
    found = [
        Nearby(r, haversine_km(lat, lng, float(r.lat), float(r.lng)))
        for r in inside
        if r.lat is not None and r.lng is not None
    ]
    return sorted((n for n in found if n.km is not None and n.km <= km), key=lambda n: n.km or 0.0)


def open_get_for(user, pk) -> ServiceRequest:
    return get_or_404(open_requests_for(user), pk)


def taken_list_for(user) -> QuerySet[ServiceRequest]:
    volunteer = perms.volunteer_of(user)
    if volunteer is None:
        return ServiceRequest.objects.none()
    return _requests().filter(taker=volunteer).select_related("activity")


def taken_get_for(user, pk) -> ServiceRequest:
    return get_or_404(taken_list_for(user).prefetch_related("photos", "activity__shifts"), pk)


# --- ratings: the figures satisfaction builds on -------------------------------------------------

GROUPS = {
    "organization": ("organization_id", "organization__name"),
    "category": ("category_id", "category__name"),
    "region": ("region_id", "region__name"),
    "month": ("month",),
}


def ratings_for(user) -> QuerySet[Rating]:
    """Ratings the user may read: city-wide roles all; region admins their regions'; organization
    admins and leaders their teams'."""
    scope = scope_for(user)
    if scope.city_wide:
        return Rating.objects.all()
    q = Q(pk__in=[])
    for p in scope.region_paths:
        q |= Q(region__path__startswith=p)
    if scope.admin_org_paths or scope.leader_org_ids:
        q |= scope.organizations_q("organization__")
    return Rating.objects.filter(q)


def rating_figures(
    ratings: QuerySet[Rating], *, by: tuple[str, ...] = ("organization", "month")
) -> list[dict]:
    """One row per group: the group's keys, `ratings` (how many) and `average` (1–5), in one query.
    `by` names groups of GROUPS; e.g. ratings_for(user).filter(month__year=2026) by category."""
    fields = [f for name in by for f in GROUPS[name]]
    return list(ratings.values(*fields).annotate(ratings=Count("pk"), average=Avg("score")).order_by(*fields))
