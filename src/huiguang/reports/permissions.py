"""Who may do what in the reports, answered from the Scope (network/scope.py).

--- assessments and dashboards (branch reports-assess) ---
- The city admin edits assessment schemes, runs, scores, locks and publishes them and sets the
  hourly rate; the auditor reads everything.
- Region and organization admins read the published runs' lines of the units in their scope.
- Every console user has a dashboard: of the city (city-wide roles), of their regions and of the
  organizations they administer or lead.
"""

from __future__ import annotations

from django.db.models import Q

from huiguang.network.scope import scope_for


def may_edit_assessments(user) -> bool:
    return scope_for(user).city_admin


def may_read_all_assessments(user) -> bool:
    return scope_for(user).city_wide


def may_read_assessments(user) -> bool:
    """Sees the assessments page: city-wide roles, and region or organization admins (published)."""
    scope = scope_for(user)
    return scope.city_wide or bool(scope.region_paths or scope.admin_org_paths)


def assessment_results_q(user) -> Q:
    """The results a user may read (AssessmentResult): every one city-wide; else the published
    lines of the units in their regions or organization subtrees."""
    scope = scope_for(user)
    if scope.city_wide:
        return Q()
    q = Q(pk__in=[])
    for path in (*scope.region_paths, *scope.admin_org_paths):
        q |= Q(unit_path__startswith=path)
    return q & Q(run__status="published")


def dashboard_region_visible(user, region) -> bool:
    scope = scope_for(user)
    return scope.city_wide or any(region.path.startswith(p) for p in scope.region_paths)


def dashboard_organization_visible(user, organization) -> bool:
    scope = scope_for(user)
    if scope.city_wide or organization.pk in scope.leader_org_ids:
        return True
    if any(organization.path.startswith(p) for p in scope.admin_org_paths):
        return True
    return any(organization.region.path.startswith(p) for p in scope.region_paths)
