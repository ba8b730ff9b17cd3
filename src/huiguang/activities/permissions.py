"""Who may do what with activities, shifts and enrollments: one rule per question, on top of the
network's Scope (DESIGN §6). Selectors filter with the `_q` functions; views and services ask the
`may_` ones. Nothing here writes."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from huiguang.network.models import Organization
from huiguang.network.scope import scope_for
from huiguang.network.selectors import organization_may_approve

from .models import Activity

S = Activity.Status
EDITABLE_BY_EDITORS = (S.DRAFT, S.PENDING, S.REJECTED)
CANCELLABLE = (S.DRAFT, S.PENDING, S.REJECTED, S.PUBLISHED)


def organization_may_manage_activities(user, org: Organization) -> bool:
    """Admins of the organization or above it, region admins of its region subtree, city admins."""
    return scope_for(user).manages(org)


def organization_may_edit_activities(user, org: Organization) -> bool:
    """Managers, and the team leaders of that very organization."""
    return org.pk in scope_for(user).leader_org_ids or organization_may_manage_activities(user, org)


def editor_q(user, prefix: str = "") -> Q | None:
    """Organizations whose activities `user` may edit, as a filter; None: none at all."""
    scope = scope_for(user)
    if scope.city_admin:
        return Q()
    if not (scope.region_paths or scope.admin_org_paths or scope.leader_org_ids):
        return None
    q = scope.managed_organizations_q(prefix)
    if scope.leader_org_ids:
        q |= Q(**{f"{prefix}pk__in": scope.leader_org_ids})
    return q


def held_in_region_q(user, prefix: str = "") -> Q | None:
    """Activities held in a region the user administers, whoever organizes them: a town admin
    reads (only reads: editing stays with the organizer's managers, `may_edit`) an activity that
    a city-level team holds in the town. None for anyone without a region grant."""
    scope = scope_for(user)
    if not scope.region_paths:
        return None
    return scope.regions_q(f"{prefix}region__")


def may_create_activities(user) -> bool:
    return editor_q(user) is not None


def is_reviewer(user) -> bool:
    scope = scope_for(user)
    return scope.city_admin or bool(scope.region_paths or scope.admin_org_paths)


def reviewer_q(user) -> Q | None:
    """Activities `user` may review: the parent organization's admins (or above), admins of a
    region subtree holding the organization's region, city admins."""
    scope = scope_for(user)
    if scope.city_admin:
        return Q()
    if not is_reviewer(user):
        return None
    q = Q(pk__in=[])
    for p in scope.region_paths:
        q |= Q(organization__region__path__startswith=p)
    for p in scope.admin_org_paths:
        q |= Q(organization__parent__path__startswith=p)
    return q


def may_edit(user, activity: Activity) -> bool:
    """Editors change drafts, pending and returned activities; managers published ones too."""
    if activity.status in EDITABLE_BY_EDITORS:
        return organization_may_edit_activities(user, activity.organization)
    if activity.status == S.PUBLISHED:
        return organization_may_manage_activities(user, activity.organization)
    return False


def may_review(user, activity: Activity) -> bool:
    org = activity.organization
    return organization_may_approve(user, parent=org.parent, region=org.region)


def may_cancel(user, activity: Activity) -> bool:
    """Managers cancel a published activity (its volunteers lose their places); editors may drop
    one that is not published yet."""
    if activity.status == S.PUBLISHED:
        return organization_may_manage_activities(user, activity.organization)
    return activity.status in CANCELLABLE and organization_may_edit_activities(user, activity.organization)


def activity_permissions(user, activity: Activity) -> dict[str, bool]:
    """What the console offers on one activity (the services decide again)."""
    org = activity.organization
    status = activity.status
    editor = organization_may_edit_activities(user, org)
    manager = organization_may_manage_activities(user, org)
    started = activity.starts_at <= timezone.now()
    return {
        "edit": may_edit(user, activity),
        "submit": editor and status in (S.DRAFT, S.REJECTED),
        "review": status == S.PENDING and may_review(user, activity),
        "cancel": may_cancel(user, activity),
        "finish": manager and status == S.PUBLISHED and started,
        "outcome": editor and status == S.FINISHED,
        "archive": manager and status == S.FINISHED,
        "copy": editor and org.status == Organization.Status.ACTIVE,
        "photos": editor and status not in (S.CANCELLED, S.ARCHIVED),
        "outcome_photos": editor
        and status not in (S.CANCELLED, S.ARCHIVED)
        and (started or status == S.FINISHED),
        "series": manager and status == S.PUBLISHED and activity.series_id is None,
        "edit_series": manager and activity.series_id is not None,
        "decide": editor,
        "phone": manager,
    }


def phone_visible(user, activity: Activity) -> bool:
    return organization_may_manage_activities(user, activity.organization)


def organizer_q(user, prefix: str = "") -> Q:
    """Activities whose enrollments `user` decides (approvals, team sign-ups, removing someone): those
    of the organizations in `editor_q`. Auditors read only and decide nothing."""
    q = editor_q(user, f"{prefix}organization__")
    return Q(pk__in=[]) if q is None else q


def is_organizer(user) -> bool:
    scope = scope_for(user)
    return scope.can_write or bool(scope.leader_org_ids)
