"""Who organizes a shift, and whom a leader may sign up as a team."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from huiguang.network.models import Membership

from ..models import Activity, Enrollment, Shift
from ..permissions import is_organizer, organizer_q


def shifts_organized_by(user) -> QuerySet[Shift]:
    if not is_organizer(user):
        return Shift.objects.none()
    return Shift.objects.filter(organizer_q(user, "activity__")).select_related(
        "activity", "activity__organization"
    )


def enrollments_organized_by(user) -> QuerySet[Enrollment]:
    if not is_organizer(user):
        return Enrollment.objects.none()
    return Enrollment.objects.filter(organizer_q(user, "shift__activity__")).select_related(
        "shift", "shift__activity", "volunteer", "volunteer__user"
    )


def team_members_q(activity: Activity, prefix: str = "") -> Q:
    """Volunteers a leader may sign up as a team: active members of the activity's organization or
    of an organization below it."""
    return Q(
        **{
            f"{prefix}memberships__status": Membership.Status.ACTIVE,
            f"{prefix}memberships__organization__path__startswith": activity.organization.path,
        }
    )
