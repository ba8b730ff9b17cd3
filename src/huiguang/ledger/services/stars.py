"""Star levels from total confirmed hours (DESIGN §5: 1★ 100 h … 5★ 1500 h, city policy,
editable, versioned)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors
from huiguang.notifications.services import notify
from huiguang.volunteers.models import Volunteer

from ..models import StarPolicy, VolunteerHours
from ..permissions import may_edit_star_policy


def star_for(total_minutes: int, policy: StarPolicy | None) -> int:
    if policy is None:
        return 0
    return sum(1 for hours in policy.thresholds_hours if total_minutes >= int(hours) * 60)


def notify_star(volunteer: Volunteer, star: int) -> None:
    notify(
        user=volunteer.user,
        kind="ledger.star",
        title=_("You reached %(n)d stars") % {"n": star},
        body=_("Thank you: your confirmed service hours reached the %(n)d-star level.") % {"n": star},
        url=reverse("ledger:my_hours"),
        dedupe_key=f"star-{star}",
    )


def star_expression(policy: StarPolicy | None):
    """The star of a VolunteerHours row under `policy`, as one SQL expression."""
    thresholds = [int(h) for h in (policy.thresholds_hours if policy else [])]
    whens = [
        When(total_minutes__gte=hours * 60, then=Value(level))
        for level, hours in sorted(enumerate(thresholds, start=1), reverse=True)
    ]
    if not whens:
        return Value(0)
    return Case(*whens, default=Value(0), output_field=IntegerField())


def star_policy_save(*, actor, thresholds_hours: list[int]) -> StarPolicy:
    """A new version of the city's star policy, effective now; every volunteer's star is
    recomputed in one UPDATE and the volunteers who went up are notified (once per level)."""
    if not may_edit_star_policy(actor):
        raise PermissionDenied
    try:
        hours = [int(h) for h in thresholds_hours]
    except (TypeError, ValueError):
        raise FieldErrors({"thresholds_hours": [_("Give whole numbers of hours.")]}) from None
    if (
        len(hours) != 5
        or hours[0] <= 0
        or any(b <= a for a, b in zip(hours, hours[1:], strict=False))
        or hours[-1] > 100000
    ):
        raise FieldErrors(
            {"thresholds_hours": [_("Give five increasing numbers of hours, one for each star from 1 to 5.")]}
        )
    with transaction.atomic():
        last = StarPolicy.objects.select_for_update().order_by("-version").first()
        policy = StarPolicy.objects.create(
            version=(last.version + 1) if last else 1,
            thresholds_hours=hours,
            effective_from=timezone.now(),
            created_by=actor,
        )
        new_star = star_expression(policy)
        upgraded = list(
            VolunteerHours.objects.annotate(new_star=new_star)
            .filter(new_star__gt=F("star"))
            .select_related("volunteer", "volunteer__user")
            .values_list("volunteer_id", "new_star")
        )
        VolunteerHours.objects.update(star=new_star, policy_version=policy.version, updated_at=timezone.now())
        volunteers = Volunteer.objects.select_related("user").in_bulk([v for v, _s in upgraded])
        for volunteer_id, star in upgraded:
            notify_star(volunteers[volunteer_id], star)
        audit_log(
            action="star_policy.create", actor=actor, obj=policy, thresholds=hours, upgraded=len(upgraded)
        )
    return policy
