"""Who may do what with bulletins (issue 10), one rule per question, built on network's Scope:
the city admin generates, reviews and publishes; the city admin and the auditor read every
bulletin and line; region admins read the published bulletins' lines of their regions and of
the regions below; organization admins those of their organizations' subtrees. Everyone reads
the published bulletins' public page (the city's, towns', departments' and teams' lines)."""

from __future__ import annotations

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
