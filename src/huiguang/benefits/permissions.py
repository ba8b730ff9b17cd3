"""Who may act for a partner (DESIGN §1: `PartnerStaff(user, partner, role)`), and who manages the
partners (city admins). A partner reads a volunteer's data only through a live consent: that rule
lives in `services.consent.partner_read`, the one gate every partner page and endpoint passes.
"""

from __future__ import annotations

from django.db.models import QuerySet

from huiguang.network.scope import scope_for

from .models import Partner, PartnerStaff


def staff_links(user) -> QuerySet[PartnerStaff]:
    """The user's active links to active partners."""
    if not getattr(user, "is_authenticated", False):
        return PartnerStaff.objects.none()
    return PartnerStaff.objects.filter(
        user=user, active=True, partner__status=Partner.Status.ACTIVE
    ).select_related("partner")


def partners_of(user, kind: str | None = None) -> QuerySet[Partner]:
    """The partners `user` acts for (of one kind if given)."""
    if not getattr(user, "is_authenticated", False):
        return Partner.objects.none()
    qs = Partner.objects.filter(staff__user=user, staff__active=True, status=Partner.Status.ACTIVE).distinct()
    return qs.filter(kind=kind) if kind else qs


def is_partner_staff(user, kind: str | None = None) -> bool:
    return partners_of(user, kind).exists()


def may_manage_partners(user) -> bool:
    """City admins keep the partner register, its staff, offers and policies."""
    return scope_for(user).city_admin


def may_read_partner_statistics(user) -> bool:
    """The whole city's benefit statistics: city admins and auditors."""
    return scope_for(user).city_wide
