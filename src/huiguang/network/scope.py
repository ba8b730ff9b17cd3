"""What part of the city a user may see: computed once per request from their Grant rows.

Every selector filters through these helpers; an object outside the scope is simply not in
the queryset, so views answer 404 for it (DESIGN §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .models import Grant


@dataclass(frozen=True)
class Scope:
    city_admin: bool = False
    auditor: bool = False
    region_paths: tuple[str, ...] = ()  # region admin
    admin_org_paths: tuple[str, ...] = ()  # organization admin (subtree)
    leader_org_ids: tuple[int, ...] = ()  # team leader (that organization only)
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def city_wide(self) -> bool:
        """Reads the whole city (city admin or auditor)."""
        return self.city_admin or self.auditor

    @property
    def is_console_user(self) -> bool:
        return bool(self.roles)

    @property
    def can_write(self) -> bool:
        return self.city_admin or bool(self.region_paths or self.admin_org_paths)

    def regions_q(self, prefix: str = "") -> Q:
        """Regions (or objects with a region, via `prefix` such as "region__") in scope."""
        if self.city_wide:
            return Q()
        q = Q(pk__in=[])
        for p in self.region_paths:
            q |= Q(**{f"{prefix}path__startswith": p})
        return q

    def organizations_q(self, prefix: str = "") -> Q:
        """Organizations in scope: by region subtree, by organization subtree, or led."""
        if self.city_wide:
            return Q()
        q = Q(pk__in=[])
        for p in self.region_paths:
            q |= Q(**{f"{prefix}region__path__startswith": p})
        for p in self.admin_org_paths:
            q |= Q(**{f"{prefix}path__startswith": p})
        if self.leader_org_ids:
            q |= Q(**{f"{prefix}pk__in": self.leader_org_ids})
        return q

    def manages(self, organization) -> bool:
        """May change this organization and what it runs: a city admin, an admin of it or of an
        organization above it, a region admin of a region that contains it. (One rule for
        activities, records, make-up hours and certificates.)"""
        if self.city_admin:
            return True
        if any(organization.path.startswith(p) for p in self.admin_org_paths):
            return True
        return any(organization.region.path.startswith(p) for p in self.region_paths)

    def managed_organizations_q(self, prefix: str = "") -> Q:
        """Organizations this user may change (not leaders, not auditors)."""
        if self.city_admin:
            return Q()
        q = Q(pk__in=[])
        for p in self.region_paths:
            q |= Q(**{f"{prefix}region__path__startswith": p})
        for p in self.admin_org_paths:
            q |= Q(**{f"{prefix}path__startswith": p})
        return q


EMPTY = Scope()


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated:
        return EMPTY
    cached = getattr(user, "_huiguang_scope", None)
    if cached is not None:
        return cached
    grants = list(Grant.objects.filter(user=user).select_related("region", "organization"))
    roles = frozenset(g.role for g in grants)
    scope = Scope(
        city_admin=Grant.Role.CITY_ADMIN in roles or user.is_superuser,
        auditor=Grant.Role.AUDITOR in roles,
        # The grant_scope_matches_role constraint guarantees the region / organization is set.
        region_paths=tuple(g.region.path for g in grants if g.role == Grant.Role.REGION_ADMIN and g.region),
        admin_org_paths=tuple(
            g.organization.path for g in grants if g.role == Grant.Role.ORG_ADMIN and g.organization
        ),
        leader_org_ids=tuple(
            g.organization_id for g in grants if g.role == Grant.Role.LEADER and g.organization_id
        ),
        roles=roles | ({Grant.Role.CITY_ADMIN} if user.is_superuser else set()),
    )
    user._huiguang_scope = scope
    return scope


def forget_scope(user) -> None:
    if hasattr(user, "_huiguang_scope"):
        del user._huiguang_scope
