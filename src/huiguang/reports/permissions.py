"""Who may do what with bulletins (issue 10), one rule per question, built on network's Scope:
the city admin generates, reviews and publishes; the city admin and the auditor read every
bulletin and line; region admins read the published bulletins' lines of their regions and of
the regions below; organization admins those of their organizations' subtrees. Everyone reads
the published bulletins' public page (the city's, towns', departments' and teams' lines).

Assessments and dashboards: the city admin edits assessment schemes, runs, scores, locks and
publishes them and sets the hourly rate; the auditor reads everything; region and organization
admins read the published runs' lines of the units in their scope (the same readers as the
bulletins' lines); every console user has a dashboard of the city (city-wide roles), of their
regions and of the organizations they administer or lead."""

from __future__ import annotations

from django.db.models import Q

from huiguang.network.scope import scope_for

from .models import Bulletin


def may_write_bulletins(user) -> bool:
    return scope_for(user).city_admin


def may_read_drafts(user) -> bool:
    return scope_for(user).city_wide


def may_see_bulletins(user) -> bool:
    """Has the console's bulletin pages: the city-wide readers and the region and organization admins."""
    scope = scope_for(user)
    return scope.city_wide or bool(scope.region_paths or scope.admin_org_paths)


def visible_statuses(user) -> tuple[str, ...]:
    if may_read_drafts(user):
        return tuple(Bulletin.Status.values)
    return (Bulletin.Status.PUBLISHED,)


def line_visible(user, line: dict) -> bool:
    """A line of a snapshot (a region's or an organization's, by its path) that `user` may read in
    the console: all for the city-wide readers; the subtrees of a region or organization admin."""
    scope = scope_for(user)
    if scope.city_wide:
        return True
    path = line.get("path", "")
    return any(path.startswith(p) for p in scope.region_paths + scope.admin_org_paths)


def may_edit_assessments(user) -> bool:
    return scope_for(user).city_admin


def may_read_all_assessments(user) -> bool:
    return scope_for(user).city_wide


# The assessments page has the readers of the bulletins' lines: one rule.
may_read_assessments = may_see_bulletins


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
