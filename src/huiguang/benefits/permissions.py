"""Who may act for a partner (DESIGN §1: `PartnerStaff(user, partner, role)`), and who manages the
partners (city admins). A partner reads a volunteer's data only through a live consent: that rule
lives in `services.consent.partner_read`, the one gate every partner page and endpoint passes.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def may_edit_points_policy(user, partner: Partner) -> bool:
    """The school-points policy of an education partner: city admins, or that partner's manager."""
    return (
        may_manage_partners(user)
        or staff_links(user).filter(partner=partner, role=PartnerStaff.Role.MANAGER).exists()
    )


def may_view_loan_products(user, partner: Partner) -> bool:
    """A bank's products: city admins edit them; the bank's manager may view them."""
    return (
        may_manage_partners(user)
        or staff_links(user).filter(partner=partner, role=PartnerStaff.Role.MANAGER).exists()
    )


def managed_partners(user, kind: str) -> QuerySet[Partner]:
    """The partners of `kind` whose products or policies `user` may see in the console: every one
    for city admins, else those the user manages."""
    if may_manage_partners(user):
        return Partner.objects.filter(kind=kind)
    return Partner.objects.filter(
        kind=kind,
        status=Partner.Status.ACTIVE,
        staff__user=user,
        staff__active=True,
        staff__role=PartnerStaff.Role.MANAGER,
    ).distinct()


@dataclass(frozen=True)
class PartnerRoles:
    """What the user does for partners, read in one query (the navigation asks on every page)."""

    staff_kinds: frozenset[str] = frozenset()  # kinds of partner the user acts for
    manager_kinds: frozenset[str] = frozenset()  # … and manages

    @property
    def any(self) -> bool:
        return bool(self.staff_kinds)


def partner_roles(user) -> PartnerRoles:
    links = list(staff_links(user).values_list("partner__kind", "role"))
    return PartnerRoles(
        staff_kinds=frozenset(kind for kind, _role in links),
        manager_kinds=frozenset(kind for kind, role in links if role == PartnerStaff.Role.MANAGER),
    )
