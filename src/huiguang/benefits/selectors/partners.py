"""Reads of the partner register: the city's console, a partner's own staff, the volunteers' map."""

from __future__ import annotations

import math

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from huiguang.core.geo import haversine_km
from huiguang.core.selectors import get_or_404

from ..models import Partner, PartnerStaff
from ..permissions import may_manage_partners, partners_of


def partner_list_for(user, *, kind: str = "", q: str = "") -> QuerySet[Partner]:
    """The register, for city admins (404 for anyone else)."""
    if not may_manage_partners(user):
        raise Http404
    qs = Partner.objects.select_related("region").annotate(
        staff_count=Count("staff", filter=Q(staff__active=True), distinct=True),
        offer_count=Count("offers", distinct=True),
    )
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return qs.order_by("kind", "name")


def partner_get_for(user, pk) -> Partner:
    if not may_manage_partners(user):
        raise Http404
    return get_or_404(Partner.objects.select_related("region"), pk)


def partner_staff_list(partner: Partner) -> QuerySet[PartnerStaff]:
    return partner.staff.select_related("user").order_by("-active", "role", "user__display_name")


def partner_staff_get(partner: Partner, pk) -> PartnerStaff:
    return get_or_404(partner_staff_list(partner), pk)


def partner_acting_for(user, pk, *, manager: bool = False) -> Partner:
    """A partner the user acts for (as a manager if `manager`), or 404."""
    qs = partners_of(user)
    if manager:
        qs = qs.filter(staff__user=user, staff__role=PartnerStaff.Role.MANAGER, staff__active=True)
    return get_or_404(qs, pk)


def partner_managed_by(user) -> QuerySet[Partner]:
    """The partners whose statistics `user` reads as their manager."""
    return partners_of(user).filter(
        staff__user=user, staff__role=PartnerStaff.Role.MANAGER, staff__active=True
    )


def store_list() -> QuerySet[Partner]:
    """Active partner stores, for the volunteers' map."""
    return (
        Partner.objects.filter(kind=Partner.Kind.STORE, status=Partner.Status.ACTIVE)
        .select_related("region")
        .annotate(open_offers=Count("offers", filter=Q(offers__active=True), distinct=True))
        .order_by("name")
    )


def _degrees(raw, limit: float) -> float | None:
    try:
        value = float(str(raw or "").strip()[:20])
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def point_from(lat_raw, lng_raw) -> tuple[float | None, float | None]:
    """The volunteer's position from a query string; anything unreadable is no position."""
    lat, lng = _degrees(lat_raw, 90), _degrees(lng_raw, 180)
    return (lat, lng) if lat is not None and lng is not None else (None, None)


def stores_by_distance(lat: float | None, lng: float | None) -> list[Partner]:
    """The stores, nearest first when a position is given (`.distance` in km, else None); stores
    without coordinates come last."""
    stores = list(store_list())
    for store in stores:
        store.distance = (  # type: ignore[attr-defined]
            round(haversine_km(lat, lng, float(store.latitude), float(store.longitude)), 2)
            if lat is not None
            and lng is not None
            and store.latitude is not None
            and store.longitude is not None
            else None
        )
    if lat is not None and lng is not None:
        stores.sort(key=lambda s: (s.distance is None, s.distance or 0, s.name))  # type: ignore[attr-defined]
    return stores
