"""Reads for sign-ups, shared by the web pages and the API: the shift a volunteer signs up for, an
enrollment the user may cancel, a shift the user organizes, the chosen team members, my sign-ups."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors
from huiguang.core.selectors import get_or_404
from huiguang.network.selectors import volunteer_of
from huiguang.volunteers.models import Volunteer

from ..models import Activity, Enrollment, Shift
from ..rules.context import SHIFT_RULE_PREFETCH
from ..rules.organizers import enrollments_organized_by, shifts_organized_by, team_members_q
from ..rules.reasons import GUARDIAN_PENDING

# Activities that have been public at some point: a sign-up for them is answered with a reason;
# drafts and activities under review do not exist for volunteers (404).
SIGNUP_VISIBLE = (
    Activity.Status.PUBLISHED,
    Activity.Status.FINISHED,
    Activity.Status.CANCELLED,
    Activity.Status.ARCHIVED,
)


def shift_for_signup(pk) -> Shift:
    """The shift a volunteer signs up for (the rules then say yes or why not); 404 for a shift of
    an activity that was never public."""
    return get_or_404(
        Shift.objects.select_related("activity").filter(activity__status__in=SIGNUP_VISIBLE), pk
    )


def enrollment_cancellable_get(user, pk) -> Enrollment:
    """The user's own enrollment, or one of an activity the user organizes; anything else is 404."""
    volunteer = volunteer_of(user)
    own = Q(volunteer=volunteer) if volunteer is not None else Q(pk__in=[])
    return get_or_404(
        Enrollment.objects.filter(own | Q(pk__in=enrollments_organized_by(user).values("pk"))).select_related(
            "shift", "shift__activity", "volunteer"
        ),
        pk,
    )


def shift_organized_get(user, pk) -> Shift:
    """A shift of an activity the user organizes (decisions, team sign-up), with what the rules need."""
    return get_or_404(shifts_organized_by(user).prefetch_related(*SHIFT_RULE_PREFETCH), pk)


def team_members_chosen(shift: Shift, ids: list[int]) -> list[Volunteer]:
    """The chosen volunteers, who must all be active members of the organizing team. Any other id
    is refused as a whole, without telling whether such a volunteer exists (422)."""
    members = list(
        Volunteer.objects.filter(pk__in=ids)
        .filter(team_members_q(shift.activity))
        .distinct()
        .select_related("user")
    )
    strangers = sorted(set(ids) - {v.pk for v in members})
    if strangers:
        raise FieldErrors(
            {
                "volunteer_ids": [
                    _("These are not active members of the organizing team: %(ids)s.")
                    % {"ids": ", ".join(map(str, strangers))}
                ]
            }
        )
    return members


def team_members_for(shift: Shift, q: str = "") -> QuerySet[Volunteer]:
    """The organizing team's active members (the team sign-up page), by name; `q` a name, number or phone."""
    members = (
        Volunteer.objects.filter(team_members_q(shift.activity))
        .distinct()
        .select_related("user")
        .order_by("real_name", "pk")
    )
    if q:
        members = members.filter(Q(real_name__icontains=q) | Q(volunteer_number=q) | Q(user__phone=q))
    return members


def my_enrollment_list(user, *, status: str | None = None, upcoming: bool = False) -> QuerySet[Enrollment]:
    """The user's sign-ups, newest shift first (`upcoming`: shifts not ended, soonest first)."""
    volunteer = volunteer_of(user)
    if volunteer is None:
        return Enrollment.objects.none()
    qs = Enrollment.objects.filter(volunteer=volunteer).select_related("shift__activity__organization")
    if status:
        qs = qs.filter(status=status)
    if upcoming:
        return qs.filter(shift__ends_at__gt=timezone.now()).order_by("shift__starts_at", "pk")
    return qs.order_by("-shift__starts_at", "-pk")


# --- a guardian ------------------------------------------------------------------------------------


def guardian_enrollment_get(user, pk) -> Enrollment:
    """A sign-up of one of the user's wards (the user is the child's guardian); anything else is 404."""
    if user is None or user.pk is None:  # `volunteer__guardian__user_id=None` would match adults
        return get_or_404(Enrollment.objects.none(), pk)
    return get_or_404(
        Enrollment.objects.filter(volunteer__guardian__user_id=user.pk).select_related(
            "shift__activity", "volunteer"
        ),
        pk,
    )


def ward_enrollment_list(ward: Volunteer) -> QuerySet[Enrollment]:
    """A child's sign-ups for the guardian's page: those waiting for the guardian first, then the
    newest shift first."""
    return (
        Enrollment.objects.filter(volunteer=ward)
        .select_related("shift__activity__organization")
        .annotate(
            waits_for_guardian=ExpressionWrapper(
                Q(status=Enrollment.Status.APPLIED, reason=GUARDIAN_PENDING),
                output_field=BooleanField(),
            )
        )
        .order_by("-waits_for_guardian", "-shift__starts_at", "-pk")
    )
