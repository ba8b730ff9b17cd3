"""Who may do what with residents' requests: one rule per question, on top of the network's Scope.

- a resident sees the requests they posted (or that were posted for them);
- community admins — region admins of a region subtree holding the request's community, and the
  city admin — review, merge, decline, dispatch or open it, and see the contact phone; auditors read
  (phone masked);
- the team a request was dispatched to (its admins and above, its leaders) sees it and assigns one
  of its members;
- any active volunteer sees open requests and takes one they are qualified for; the taker sees
  their request with the contact phone and closes it.
Selectors filter with the `_q` functions; services and views ask the `may_` ones.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from huiguang.network.models import Grant, Membership, Organization, Region
from huiguang.network.scope import scope_for
from huiguang.volunteers.models import Volunteer

from .models import CareRecipient, Resident, ServiceRequest, VisitPlan

S = ServiceRequest.Status
REVIEWABLE = (S.POSTED, S.ACCEPTED)


def resident_of(user) -> Resident | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.resident
    except Resident.DoesNotExist:
        return None


def volunteer_of(user):
    if user is None or not user.is_authenticated:
        return None
    # The reverse one-to-one raises a subclass of AttributeError when there is no profile.
    return getattr(user, "volunteer", None)


def community_q(user, prefix: str = "") -> Q | None:
    """Requests the user reviews as a community admin; None when they review none."""
    scope = scope_for(user)
    if scope.city_admin:
        return Q()
    if not scope.region_paths:
        return None
    return scope.regions_q(f"{prefix}region__")


def console_q(user) -> Q | None:
    """Requests the user reads in the console: community admins, auditors (all), and the teams the
    requests were dispatched to (admins above them and their leaders)."""
    scope = scope_for(user)
    if scope.city_wide:
        return Q()
    q = community_q(user)
    if scope.admin_org_paths or scope.leader_org_ids:
        team = scope.organizations_q("organization__")
        q = team if q is None else q | team
    return q


def visible_q(user) -> Q:
    """Every request the user may read at all (the resident's own, the taker's, the console's)."""
    q = Q(pk__in=[])
    if user is None or not user.is_authenticated:
        return q
    q |= Q(posted_by=user) | Q(resident__user=user) | Q(taker__user=user)
    console = console_q(user)
    if console is not None:
        q |= console
    return q


def may_review(user, req: ServiceRequest) -> bool:
    """Community admins of the request's community (or above) and the city admin."""
    scope = scope_for(user)
    return scope.city_admin or any(req.region.path.startswith(p) for p in scope.region_paths)


def may_post_for_others(user) -> bool:
    """Community workers post on a resident's behalf: region admins and the city admin."""
    scope = scope_for(user)
    return scope.city_admin or bool(scope.region_paths)


def may_assign(user, req: ServiceRequest) -> bool:
    """The team's admins (or above it), its leaders, and the community admins."""
    if req.organization is None:
        return False
    scope = scope_for(user)
    return (
        req.organization_id in scope.leader_org_ids
        or scope.manages(req.organization)
        or may_review(user, req)
    )


def sees_contact(user, req: ServiceRequest) -> bool:
    """The contact phone: the taker while serving, the community admins, the resident themself."""
    if user is None or not user.is_authenticated:
        return False
    if req.taker is not None and req.taker.user_id == user.pk:
        return True
    if req.posted_by_id == user.pk or (req.resident is not None and req.resident.user_id == user.pk):
        return True
    return may_review(user, req)


def serving_organizations_q(user, req: ServiceRequest) -> Q:
    """Teams a request may go to: active organizations of its community or of a region above it
    (a town's team, a city-level professional team), and those the reviewer manages."""
    q = Q(region__path__in=region_prefixes(req.region.path)) | Q(region__path__startswith=req.region.path)
    q |= scope_for(user).managed_organizations_q()
    return Q(status=Organization.Status.ACTIVE) & q


def region_prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def region_in_scope(user, region: Region) -> bool:
    """A community worker posts for residents of the regions they administer."""
    scope = scope_for(user)
    return scope.city_admin or any(region.path.startswith(p) for p in scope.region_paths)


def team_members(organization: Organization):
    """Active volunteers who are active members of the team (or of a team below it)."""
    return Volunteer.objects.filter(
        status=Volunteer.Status.ACTIVE,
        memberships__status=Membership.Status.ACTIVE,
        memberships__organization__path__startswith=organization.path,
    ).distinct()


def team_users(organization: Organization):
    """Who hears that a request was dispatched to the team: its admins and leaders."""
    return (
        get_user_model()
        .objects.filter(
            grants__organization=organization, grants__role__in=[Grant.Role.ORG_ADMIN, Grant.Role.LEADER]
        )
        .distinct()
    )


def community_users(req: ServiceRequest | CareRecipient):
    """The community admins of the request's community and of the regions above it."""
    paths = [p for p in region_prefixes(req.region.path)]
    return (
        get_user_model()
        .objects.filter(grants__role=Grant.Role.REGION_ADMIN, grants__region__path__in=paths)
        .distinct()
    )


def regions_for_worker(user):
    """Villages and communities a community worker posts for."""
    scope = scope_for(user)
    return Region.objects.filter(scope.regions_q(), level=Region.Level.VILLAGE).order_by("path")


# --- the care register (point 2) -------------------------------------------------------------------
# A recipient is read only by: the city admin; the admins of a region subtree holding the recipient's
# community; the assigned team's admins (or admins above it) and leaders; the named volunteers and
# the volunteers of its visit plans. Auditors and everyone else: 404 (PIPL: need to know).


def care_q(user) -> Q | None:
    """Recipients the user may read; None when they read none."""
    if user is None or not user.is_authenticated:
        return None
    scope = scope_for(user)
    if scope.city_admin:
        return Q()
    q = Q(pk__in=[])
    for p in scope.region_paths:
        q |= Q(region__path__startswith=p)
    for p in scope.admin_org_paths:
        q |= Q(organization__path__startswith=p)
    if scope.leader_org_ids:
        q |= Q(organization_id__in=scope.leader_org_ids)
    volunteer = volunteer_of(user)
    if volunteer is not None:
        q |= Q(pk__in=CareRecipient.objects.filter(volunteers=volunteer).values("pk"))
        q |= Q(pk__in=VisitPlan.objects.filter(volunteers=volunteer).values("recipient_id"))
    return q


def may_keep_register(user) -> bool:
    """Community workers (region admins) and the city admin keep the register."""
    scope = scope_for(user)
    return scope.city_admin or bool(scope.region_paths)


def may_manage_recipient(user, recipient: CareRecipient) -> bool:
    """Change a recipient, end their care, plan their visits: the community's admins (region
    subtree), the city admin, and the admins of the assigned team (or above it)."""
    scope = scope_for(user)
    if scope.city_admin or any(recipient.region.path.startswith(p) for p in scope.region_paths):
        return True
    return any(recipient.organization.path.startswith(p) for p in scope.admin_org_paths)


def may_visit(user, recipient: CareRecipient) -> bool:
    """Log a visit: a named volunteer or a volunteer of one of its plans (those who read it)."""
    volunteer = volunteer_of(user)
    if volunteer is None or volunteer.status != Volunteer.Status.ACTIVE:
        return False
    if recipient.status != CareRecipient.Status.ACTIVE:
        return False
    return (
        recipient.volunteers.filter(pk=volunteer.pk).exists()
        or recipient.plans.filter(volunteers=volunteer).exists()
    )


def care_teams_q(user, region: Region | None = None) -> Q:
    """Teams a recipient may be assigned to: active organizations the user manages and, for a
    recipient of `region`, those of that community, of a region above it (a town's team, a
    city-level disability-aid team) or below it."""
    q = scope_for(user).managed_organizations_q()
    if region is not None:
        q |= Q(region__path__in=region_prefixes(region.path)) | Q(region__path__startswith=region.path)
    return Q(status=Organization.Status.ACTIVE) & q
