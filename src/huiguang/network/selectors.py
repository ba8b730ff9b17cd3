"""Reads of the network, scoped to the user (DESIGN §6: outside the scope → not in the queryset)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from huiguang.core.phone import normalize_phone
from huiguang.core.selectors import get_or_404

from .models import Grant, Membership, Organization, Region, Site
from .permissions import may_list_regions, may_manage_roles
from .permissions import organization_may_approve as organization_may_approve  # other apps import it here
from .scope import Scope, scope_for

OPEN_MEMBERSHIP = (Membership.Status.APPLIED, Membership.Status.ACTIVE)


def _manageable(scope: Scope, q: Q) -> Case | Value:
    """An annotation: True on rows the user may change (drives the edit buttons, no extra query)."""
    if scope.city_admin:
        return Value(True, output_field=BooleanField())
    if not (scope.region_paths or scope.admin_org_paths):
        return Value(False, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


# --- Regions ---------------------------------------------------------------------------------


def region_list_for(user) -> QuerySet[Region]:
    if not may_list_regions(user):
        return Region.objects.none()
    return Region.objects.filter(scope_for(user).regions_q()).select_related("parent")


def region_get_for(user, code: str) -> Region:
    return get_object_or_404(region_list_for(user), code=code)


def region_public_get(code: str) -> Region:
    """Any region by code (regions are public reference data)."""
    return get_object_or_404(Region.objects.select_related("parent"), code=code)


def region_managed_by(user) -> QuerySet[Region]:
    """Regions whose name and population the user may change: city admins, region admins (subtree)."""
    scope = scope_for(user)
    if scope.city_admin:
        return Region.objects.select_related("parent")
    if not scope.region_paths:
        return Region.objects.none()
    return Region.objects.filter(scope.regions_q()).select_related("parent")


def region_managed_get(user, code: str) -> Region:
    return get_object_or_404(region_managed_by(user), code=code)


def region_list_filter(qs: QuerySet[Region], *, level: str = "", q: str = "") -> QuerySet[Region]:
    if level in Region.Level.values:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    return qs


@dataclass
class RegionCounts:
    population: int = 0
    organizations: int = 0  # active organizations in the subtree
    volunteers: int = 0  # volunteers residing in the subtree

    @property
    def rate(self) -> float | None:
        """Registration rate (registered volunteers per resident), in percent."""
        return round(self.volunteers * 100 / self.population, 1) if self.population else None


def region_subtree_counts(regions: Iterable[Region]) -> dict[int, RegionCounts]:
    """Active organizations and volunteers in each region's subtree, for a page of regions.

    Two GROUP BY queries over the regions below the given ones (direct counts per region), then
    each direct count is added to every given region whose path is a prefix of it. The work grows
    with the number of regions, never with the number of volunteers or organizations.
    """
    regions = list(regions)
    if not regions:
        return {}
    paths = sorted({r.path for r in regions})
    # A path below another listed path is already covered by the shorter prefix.
    roots = [p for i, p in enumerate(paths) if not any(p.startswith(o) for o in paths[:i])]
    subtree = Q(pk__in=[])
    for p in roots:
        subtree |= Q(path__startswith=p)
    below = Region.objects.filter(subtree)
    volunteers = below.annotate(n=Count("residents")).filter(n__gt=0).values_list("path", "n")
    orgs = (
        below.annotate(n=Count("organizations", filter=Q(organizations__status=Organization.Status.ACTIVE)))
        .filter(n__gt=0)
        .values_list("path", "n")
    )
    counts = {r.pk: RegionCounts(population=r.population) for r in regions}
    by_path = {r.path: r.pk for r in regions}

    def ancestors(path: str):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            pk = by_path.get("/".join(parts[:i]) + "/")
            if pk is not None:
                yield pk

    for path, n in volunteers:
        for pk in ancestors(path):
            counts[pk].volunteers += n
    for path, n in orgs:
        for pk in ancestors(path):
            counts[pk].organizations += n
    return counts


def region_filter_choices(user) -> QuerySet[Region]:
    """Regions offered in list filters: towns for city-wide users, the admin's subtree otherwise."""
    scope = scope_for(user)
    if scope.city_wide:
        return Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.TOWN])
    if scope.region_paths:
        return Region.objects.filter(scope.regions_q()).exclude(level=Region.Level.GRID)
    return Region.objects.none()


def region_options() -> QuerySet[Region]:
    """Every region, for choosing where an organization or a site is (regions are public)."""
    return Region.objects.exclude(level=Region.Level.GRID).only("id", "code", "name", "path", "level")


def _region_subtree_q(code: str, prefix: str = "") -> Q | None:
    region = Region.objects.filter(code=code).only("path").first() if code else None
    if region is None:
        return None
    return Q(**{f"{prefix}path__startswith": region.path})


# --- Organizations ---------------------------------------------------------------------------


def organization_list_for(user) -> QuerySet[Organization]:
    scope = scope_for(user)
    if not scope.is_console_user:
        return Organization.objects.none()
    return Organization.objects.filter(scope.organizations_q()).select_related("region", "parent")


def organization_get_for(user, pk: int) -> Organization:
    return get_or_404(organization_list_for(user), pk)


def organization_view_list(user) -> QuerySet[Organization]:
    """What the API shows of organizations: the scoped list to console users, else the public one."""
    if scope_for(user).is_console_user:
        return organization_list_for(user)
    return public_organizations()


def organization_view_get(user, pk: int) -> Organization:
    return get_or_404(organization_view_list(user), pk)


def organization_managed_by(user) -> QuerySet[Organization]:
    """Organizations the user may change (admins of the organization, its region or the city)."""
    scope = scope_for(user)
    if not scope.can_write:
        return Organization.objects.none()
    return Organization.objects.filter(scope.managed_organizations_q()).select_related("region", "parent")


def organization_managed_get(user, pk: int) -> Organization:
    return get_or_404(organization_managed_by(user), pk)


def organization_rows_for(
    user, *, kind: str = "", status: str = "", region: str = "", q: str = ""
) -> QuerySet[Organization]:
    """The console list: scoped, filtered, with member counts and a `manageable` flag per row."""
    scope = scope_for(user)
    qs = organization_list_for(user)
    if kind in Organization.Kind.values:
        qs = qs.filter(kind=kind)
    if status in Organization.Status.values:
        qs = qs.filter(status=status)
    region_q = _region_subtree_q(region, "region__")
    if region_q is not None:
        qs = qs.filter(region_q)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return qs.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)),
        applied_count=Count("memberships", filter=Q(memberships__status=Membership.Status.APPLIED)),
        manageable=_manageable(scope, scope.managed_organizations_q()),
    ).order_by("path")


def organization_children(org: Organization) -> QuerySet[Organization]:
    return (
        org.children.select_related("region")
        .annotate(member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)))
        .order_by("path")
    )


def organization_sites(org: Organization) -> QuerySet[Site]:
    return org.sites.select_related("region")


def organization_applied_count(org: Organization) -> int:
    return org.memberships.filter(status=Membership.Status.APPLIED).count()


def organization_members(org: Organization) -> QuerySet[Membership]:
    return (
        org.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("volunteer", "volunteer__user")
        .order_by("role", "volunteer__real_name", "pk")
    )


def organization_parent_options() -> QuerySet[Organization]:
    """Organizations an organization may be registered under: the active ones."""
    return Organization.objects.filter(status=Organization.Status.ACTIVE).only("id", "name", "path")


def public_organizations() -> QuerySet[Organization]:
    return (
        Organization.objects.filter(status=Organization.Status.ACTIVE)
        .select_related("region", "parent")
        .annotate(member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)))
        .order_by("path")
    )


def public_directory(
    *, region: str = "", kind: str = "", specialty: str = "", q: str = ""
) -> QuerySet[Organization]:
    qs = public_organizations()
    region_q = _region_subtree_q(region, "region__")
    if region_q is not None:
        qs = qs.filter(region_q)
    if kind in Organization.Kind.values:
        qs = qs.filter(kind=kind)
    if specialty:
        qs = qs.filter(specialty=specialty)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q) | Q(specialty__icontains=q))
    return qs


def public_specialties() -> list[str]:
    return list(
        Organization.objects.filter(status=Organization.Status.ACTIVE)
        .exclude(specialty="")
        .order_by("specialty")
        .values_list("specialty", flat=True)
        .distinct()
    )


def public_towns() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.TOWN)


def public_organization_get(code: str) -> Organization:
    """An active organization by code; pending, rejected and suspended ones do not exist publicly."""
    return get_object_or_404(public_organizations(), code=code)


def public_organization_sites(org: Organization) -> QuerySet[Site]:
    return org.sites.filter(is_active=True).select_related("region")


def public_organization_children(org: Organization) -> QuerySet[Organization]:
    return org.children.filter(status=Organization.Status.ACTIVE).only("code", "name", "parent")


# --- Sites -----------------------------------------------------------------------------------


def site_list_for(user) -> QuerySet[Site]:
    scope = scope_for(user)
    if not scope.is_console_user:
        return Site.objects.none()
    if scope.city_wide:
        return Site.objects.select_related("region", "organization")
    q = scope.regions_q("region__") if scope.region_paths else Q(pk__in=[])
    q |= Q(organization__in=Organization.objects.filter(scope.organizations_q()))
    return Site.objects.filter(q).select_related("region", "organization")


def site_get_for(user, pk: int) -> Site:
    return get_or_404(site_list_for(user), pk)


def _site_managed_q(scope: Scope) -> Q:
    q = scope.regions_q("region__") if scope.region_paths else Q(pk__in=[])
    if scope.region_paths or scope.admin_org_paths:
        q |= Q(organization__in=Organization.objects.filter(scope.managed_organizations_q()))
    return q


def site_managed_by(user) -> QuerySet[Site]:
    """Sites the user may change: in a region they administer or run by an organization they manage."""
    scope = scope_for(user)
    if scope.city_admin:
        return Site.objects.select_related("region", "organization")
    if not scope.can_write:
        return Site.objects.none()
    return Site.objects.filter(_site_managed_q(scope)).select_related("region", "organization")


def site_managed_get(user, pk: int) -> Site:
    return get_or_404(site_managed_by(user), pk)


def site_rows_for(user, *, kind: str = "", region: str = "", q: str = "") -> QuerySet[Site]:
    scope = scope_for(user)
    qs = site_list_for(user)
    if kind in Site.Kind.values:
        qs = qs.filter(kind=kind)
    region_q = _region_subtree_q(region, "region__")
    if region_q is not None:
        qs = qs.filter(region_q)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return qs.annotate(manageable=_manageable(scope, _site_managed_q(scope)))


# --- Memberships -----------------------------------------------------------------------------


def membership_list_for(user) -> QuerySet[Membership]:
    scope = scope_for(user)
    if not scope.is_console_user:
        return Membership.objects.none()
    qs = Membership.objects.select_related(
        "volunteer", "volunteer__user", "organization", "organization__region"
    )
    if scope.city_wide:
        return qs
    return qs.filter(scope.organizations_q("organization__"))


def membership_get_for(user, pk: int) -> Membership:
    return get_or_404(membership_list_for(user), pk)


def membership_managed_by(user) -> QuerySet[Membership]:
    """Memberships the user may decide on or change: organization admins of the organization or
    above it, region admins of its region subtree, the city admin. Never leaders or auditors."""
    scope = scope_for(user)
    if not scope.can_write:
        return Membership.objects.none()
    qs = Membership.objects.select_related("volunteer", "volunteer__user", "organization")
    if scope.city_admin:
        return qs
    return qs.filter(scope.managed_organizations_q("organization__"))


def membership_managed_get(user, pk: int) -> Membership:
    return get_or_404(membership_managed_by(user), pk)


def membership_rows_for(
    user, *, status: str = "", organization: str = "", q: str = ""
) -> QuerySet[Membership]:
    """The console list (applications by default), with a `manageable` flag per row."""
    scope = scope_for(user)
    qs = membership_list_for(user)
    if status in Membership.Status.values:
        qs = qs.filter(status=status)
    if organization:
        qs = qs.filter(organization__code=organization)
    if q:
        qs = qs.filter(Q(volunteer__real_name__icontains=q) | Q(organization__name__icontains=q))
    return qs.annotate(
        manageable=_manageable(scope, scope.managed_organizations_q("organization__"))
    ).order_by("applied_at", "pk")


def membership_of(user, org: Organization) -> Membership | None:
    """The user's open membership in `org`, else their latest one (to show its status)."""
    volunteer_id = volunteer_id_of(user)
    if volunteer_id is None:
        return None
    rows = Membership.objects.filter(volunteer_id=volunteer_id, organization=org)
    return rows.filter(status__in=OPEN_MEMBERSHIP).first() or rows.order_by("-applied_at", "-pk").first()


def my_memberships(user) -> QuerySet[Membership]:
    volunteer_id = volunteer_id_of(user)
    if volunteer_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(volunteer_id=volunteer_id)
        .select_related("organization", "organization__region")
        .order_by(
            Case(
                When(status=Membership.Status.ACTIVE, then=Value(0)),
                When(status=Membership.Status.APPLIED, then=Value(1)),
                default=Value(2),
            ),
            "-applied_at",
            "-pk",
        )
    )


def my_membership_get(user, pk: int) -> Membership:
    return get_or_404(my_memberships(user).select_related("volunteer"), pk)


def my_organization_applications(user) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return (
        Organization.objects.filter(applicant=user).select_related("region", "parent").order_by("-created_at")
    )


def volunteer_of(user):
    """The user's volunteer profile or None (network sits below volunteers: no import of the model)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.volunteer
    except ObjectDoesNotExist:
        return None


def volunteer_id_of(user) -> int | None:
    volunteer = volunteer_of(user)
    return volunteer.pk if volunteer is not None else None


# --- Role grants -----------------------------------------------------------------------------


def grant_list_for(user, *, role: str = "", q: str = "") -> QuerySet[Grant]:
    """Every grant, for a city admin only (nobody else manages roles)."""
    if not may_manage_roles(user):
        return Grant.objects.none()
    qs = Grant.objects.select_related("user", "region", "organization", "granted_by").order_by(
        "user__phone", "role", "id"
    )
    if role:
        qs = qs.filter(role=role)
    q = (q or "").strip()
    if q:
        digits = normalize_phone(q)
        cond = Q(user__display_name__icontains=q)
        if digits.isdigit():
            cond |= Q(user__phone__contains=digits)
        qs = qs.filter(cond)
    return qs


def grant_get_for(user, pk: int) -> Grant:
    return get_or_404(grant_list_for(user), pk)


def members_by_organization(months) -> dict[str, list[tuple[int, int]]]:
    """For each organization path, per (since, until) window of `months`: its volunteers with an
    active membership who joined before `until`, and those who joined in the window. One GROUP BY
    for all windows (reports sum an organization's subtree)."""
    joined = Coalesce("decided_at", "applied_at")
    counts = {}
    for i, (since, until) in enumerate(months):
        # One active membership per volunteer and organization (one_open_membership): rows, not DISTINCT.
        counts[f"t{i}"] = Count("pk", filter=Q(joined__lt=until))
        counts[f"n{i}"] = Count("pk", filter=Q(joined__gte=since, joined__lt=until))
    rows = (
        Membership.objects.filter(status=Membership.Status.ACTIVE)
        .annotate(joined=joined)
        .order_by()
        .values("organization_id")  # grouped without a join; the organizations' paths apart
        .annotate(**counts)
    )
    paths = dict(Organization.objects.values_list("pk", "path"))
    return {
        paths[row["organization_id"]]: [(row[f"t{i}"], row[f"n{i}"]) for i in range(len(months))]
        for row in rows
    }


def members_in_subtrees(paths: Iterable[str], *, since, until) -> dict[str, tuple[int, int]]:
    """For each organization path: the distinct volunteers with an active membership in its subtree
    who joined before `until`, and how many of them joined since `since` (a volunteer in two teams
    of one department counts once). One query, whatever the number of paths (reports)."""
    paths = list(dict.fromkeys(paths))
    if not paths:
        return {}
    joined = Coalesce("decided_at", "applied_at")
    qs = Membership.objects.filter(status=Membership.Status.ACTIVE).annotate(joined=joined)
    qs = qs.filter(joined__lt=until)
    counts = {}
    for i, path in enumerate(paths):
        inside = Q(organization__path__startswith=path)
        counts[f"t{i}"] = Count("volunteer_id", filter=inside, distinct=True)
        counts[f"n{i}"] = Count("volunteer_id", filter=inside & Q(joined__gte=since), distinct=True)
    row = qs.aggregate(**counts)
    return {path: (row[f"t{i}"], row[f"n{i}"]) for i, path in enumerate(paths)}
