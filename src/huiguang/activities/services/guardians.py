"""A guardian's decision on a child's sign-up that waits for them (activities.rules, rule 14).

Approving runs the sign-up again under the same locks as enrollment_create (docs/locking.md,
"enrollments"): the child's row, then the shift's; every rule is checked again on committed data
and the capacity guard (`_claim`) takes the place now, never before. A refusal (the shift filled
up, started, the child signed up for an overlapping shift meanwhile) changes nothing: the sign-up
keeps waiting and the guardian reads why. Declining turns the sign-up down.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log

from ..models import Enrollment
from ..rules.context import context_without_shift, signup_context
from ..rules.decide import enrollment_check
from ..rules.reasons import GUARDIAN_PENDING, Reason
from .enrollments import EnrollmentRefused, _claim, _lock_shift, _lock_volunteers, _promote
from .guardian_notices import tell_child_guardian_decided
from .notices import site_language

S = Enrollment.Status


def enrollment_guardian_decide(*, actor, enrollment: Enrollment, approve: bool, request=None) -> Enrollment:
    """The child's guardian (`actor`) approves or declines a sign-up that waits for them.

    Approved: confirmed, waitlisted or (approval mode) applied for the organizer to decide.
    Declined: rejected. Raises EnrollmentRefused (NOT_ACTIVE when it no longer waits, or the rule
    that fails now, FULL included) and PermissionDenied for anyone but the guardian.
    """
    now = timezone.now()
    with transaction.atomic():
        (volunteer,) = _lock_volunteers([enrollment.volunteer_id])
        if volunteer.guardian is None or volunteer.guardian.user_id != actor.pk:
            raise PermissionDenied
        shift = _lock_shift(enrollment.shift_id)
        current = Enrollment.objects.filter(
            pk=enrollment.pk, status=S.APPLIED, reason=GUARDIAN_PENDING
        ).first()
        if current is None:
            raise EnrollmentRefused(Reason.NOT_ACTIVE)
        current.volunteer = volunteer
        if approve:
            _promote(shift, now)
            decision = enrollment_check(
                volunteer,
                shift,
                context=context_without_shift(signup_context(volunteer, now=now), shift.pk),
                now=now,
                agreement_accepted=not shift.activity.agreement_required
                or current.agreement_accepted_at is not None,
                guardian_approved=True,
            )
            if not decision.ok or decision.outcome is None:
                raise EnrollmentRefused(str(decision.reason), decision.message)
            status = _claim(shift, decision.outcome)
            decided = {"decided_at": now, "decided_by": actor} if status != S.APPLIED else {}
            note = ""
        else:
            status, decided = S.REJECTED, {"decided_at": now, "decided_by": actor}
            with site_language():
                note = str(_("The guardian did not agree."))
        Enrollment.objects.filter(pk=current.pk, status=S.APPLIED, reason=GUARDIAN_PENDING).update(
            status=status, reason=note, updated_at=now, **decided
        )
        current.status, current.reason = status, note
        tell_child_guardian_decided(current, shift, approved=approve)
        audit_log(
            action="enrollment_guardian_approved" if approve else "enrollment_guardian_declined",
            actor=actor,
            obj=current,
            request=request,
            status=status,
        )
    enrollment.status, enrollment.reason = current.status, current.reason
    return current
