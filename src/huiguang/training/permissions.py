"""Who may do what with courses, qualification types and qualifications: one rule per question, on
top of the network's Scope (DESIGN §6). Nothing here writes.

- Courses: the admins who manage the provider organization (Scope.manages) create and change them;
  every console role reads them.
- Qualification types and the training policy: city admins.
- Qualifications: a console user reads those of the volunteers they see
  (volunteers.permissions.volunteer_visible_q); an admin (city, region, organization) records one
  from an outside certificate and revokes one for a volunteer they see.
"""

from __future__ import annotations

from django.db.models import Q

from huiguang.network.models import Organization
from huiguang.network.scope import scope_for
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.permissions import volunteer_visible_q

from .models import Course


def may_create_courses(user) -> bool:
    return scope_for(user).can_write


def may_manage_course(user, course: Course) -> bool:
    return may_manage_provider(user, course.provider)


def may_manage_provider(user, provider: Organization) -> bool:
    return scope_for(user).manages(provider)


def providers_q(user) -> Q | None:
    """Organizations that may provide a course created by `user`; None: none."""
    scope = scope_for(user)
    return scope.managed_organizations_q() if scope.can_write else None


def may_manage_types(user) -> bool:
    return scope_for(user).city_admin


def may_set_policy(user) -> bool:
    return scope_for(user).city_admin


def may_record_qualifications(user) -> bool:
    return scope_for(user).can_write


def qualification_visible_q(user, prefix: str = "volunteer__") -> Q | None:
    """Qualifications `user` reads in the console, as a filter on the volunteer; None: none."""
    q = volunteer_visible_q(user)
    if q is None:
        return None
    if not q:  # Q(): everyone
        return Q()
    return Q(**{f"{prefix}in": _visible_volunteers(q)})


def _visible_volunteers(q: Q):
    return Volunteer.objects.filter(q).values("pk")
