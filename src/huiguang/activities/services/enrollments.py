"""Sign-ups: create, cancel (with waitlist promotion), approve or reject, team sign-up.

Locking (docs/locking.md, "enrollments"): every operation that changes a shift's enrollments runs in
one short transaction that

1. on PostgreSQL locks the volunteers concerned (`FOR NO KEY UPDATE`, in pk order) — so that
   one volunteer's two sign-ups at once cannot both pass the overlap rule — and then the shift row
   (`FOR NO KEY UPDATE`); on SQLite the IMMEDIATE transaction already holds the database's write
   lock from BEGIN;
2. re-checks the rules (rules.enrollment_check) against what is committed now;
3. takes a place with the guarded single statement
   `UPDATE shift SET taken = taken + 1 WHERE id = … AND taken < capacity` (or a waitlist place with
   `… waitlisted = waitlisted + 1 WHERE waitlisted < waitlist_size`) and looks at the row count;
4. inserts the enrollment (the partial unique constraint allows one active enrollment per volunteer
   and shift, so a double click can never enrol twice).

`taken` counts the enrollments that hold a place (confirmed; attendance later turns them into
attended / no_show without giving the place back); `waitlisted` counts the waitlisted ones. Only
this module changes them, always in the same transaction as the status change they mirror.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.compiled import CompiledInsert, CompiledQuery, CompiledUpdate
from huiguang.core.errors import Refused
from huiguang.core.selectors import MAX_PK
from huiguang.volunteers.models import Volunteer

from ..models import Activity, Enrollment, Shift
from ..rules.checks import guardian_approval_needed, rule_refusal
from ..rules.context import (
    REQUIREMENT_FLAGS,
    SHIFT_RULE_PREFETCH,
    load_requirements,
    signup_context_for_shift,
    signup_contexts,
)
from ..rules.decide import enrollment_check
from ..rules.organizers import enrollments_organized_by, shifts_organized_by, team_members_q
from ..rules.reasons import GUARDIAN_PENDING, UNPROCESSABLE, Reason
from ..selectors.enrollments import SIGNUP_VISIBLE
from .guardian_notices import tell_guardian_to_decide
from .notices import (
    site_language,
    tell_activity_cancelled,
    tell_cancelled_by_organizer,
    tell_decision,
    tell_promoted,
    tell_team_member,
)

ACTIVE = Enrollment.ACTIVE
S = Enrollment.Status


class EnrollmentRefused(Refused):
    """A refused enrollment operation: `.reason` (a rules.Reason code) and `.message` (what the
    volunteer or organizer reads). 409 in the API, 422 when the request lacks something (the
    agreement, a choice). A team sign-up lists each refused volunteer in `.failures`:
    [(volunteer, reason, message), ...]."""

    def __init__(self, reason: str, message=None, *, failures: list | None = None, link: str = ""):
        reason = Reason(reason)
        super().__init__(reason.value, message or reason.label)
        self.status = 422 if reason in UNPROCESSABLE else 409
        self.failures = failures or []
        self.link = link  # where to go about it (the course that grants a missing qualification)


# --- locking and the guarded counters --------------------------------------------------------------


def _lock_volunteers(ids) -> list[Volunteer]:
    """Fresh rows of the volunteers, locked in pk order (PostgreSQL; a no-op on SQLite)."""
    return list(
        Volunteer.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=ids)
        .select_related("user")
        .order_by("pk")
    )


def _lock_shift(shift_id: int) -> Shift:
    """The shift's committed row, locked until commit (PostgreSQL; a no-op on SQLite), with its
    activity and the activity's required skills for the rules."""
    return (
        Shift.objects.select_for_update(of=("self",), no_key=True)
        .select_related("activity")
        .prefetch_related(*SHIFT_RULE_PREFETCH)
        .get(pk=shift_id)
    )


# A sign-up's fixed-shape statements, compiled once per connection (core.compiled, issue 14: their
# compilation cost more than the database's work). Compiled inside the transaction, as a locking
# read must be.
_OWN_VOLUNTEER = CompiledQuery(
    lambda p: (
        Volunteer.objects.select_for_update(of=("self",), no_key=True).filter(user_id=p.user).order_by()[:1]
    ),
    user=int,
)
_SHIFT_FOR_SIGNUP = CompiledQuery(
    lambda p: (
        Shift.objects.select_for_update(of=("self",), no_key=True)
        .select_related("activity")
        .filter(pk=p.shift, activity__status__in=SIGNUP_VISIBLE)
        .annotate(**REQUIREMENT_FLAGS)
        .order_by()[:1]
    ),
    shift=int,
)
_TAKE_PLACE = CompiledUpdate(
    lambda p: Shift.objects.filter(pk=p.shift, taken__lt=F("capacity")),
    lambda p: {"taken": F("taken") + 1},
    shift=int,
)
_TAKE_WAITLIST_PLACE = CompiledUpdate(
    lambda p: Shift.objects.filter(pk=p.shift, waitlisted__lt=F("waitlist_size")),
    lambda p: {"waitlisted": F("waitlisted") + 1},
    shift=int,
)
_INSERT_ENROLLMENT = CompiledInsert(Enrollment)


def _lock_own_volunteer(user) -> Volunteer | None:
    """The user's volunteer profile, read under its lock (as _lock_volunteers), or None."""
    return _OWN_VOLUNTEER.first(user=user.pk)


def _lock_shift_for_signup(shift_id: int) -> Shift:
    """_lock_shift for a sign-up, in one query for most shifts: the REQUIREMENT_FLAGS say which
    requirements to read at all; 404 for a shift of an activity that was never public."""
    # A number no primary key reaches is no shift, as get_or_404 answers (and no SQL error).
    locked = _SHIFT_FOR_SIGNUP.first(shift=shift_id) if 0 < shift_id <= MAX_PK else None
    if locked is None:
        raise Http404
    load_requirements(locked)
    return locked


def _claim(shift: Shift, outcome: str) -> str:
    """Take what `outcome` needs on the counters with a guarded UPDATE; returns the status the
    enrollment gets. A confirmed place that is gone falls back to the waitlist; no waitlist place
    left → FULL. `applied` takes nothing (the decision will)."""
    if outcome == S.CONFIRMED:
        if _TAKE_PLACE.run(shift=shift.pk):
            shift.taken += 1
            return S.CONFIRMED
        outcome = S.WAITLISTED
    if outcome == S.WAITLISTED:
        if _TAKE_WAITLIST_PLACE.run(shift=shift.pk):
            shift.waitlisted += 1
            return S.WAITLISTED
        raise EnrollmentRefused(Reason.FULL)
    return outcome


def _claim_many(shift: Shift, n: int) -> int:
    """Take `n` places at once with one guarded UPDATE; returns how many were taken (n or 0). The
    shift's lock makes `n` exact; the guard still refuses rather than overbook."""
    if n <= 0 or not Shift.objects.filter(pk=shift.pk, taken__lte=F("capacity") - n).update(
        taken=F("taken") + n
    ):
        return 0
    shift.taken += n
    return n


def _release(shift: Shift, status: str) -> None:
    """Give back what an enrollment in `status` held."""
    if status == S.CONFIRMED:
        Shift.objects.filter(pk=shift.pk, taken__gt=0).update(taken=F("taken") - 1)
        shift.taken = max(shift.taken - 1, 0)
    elif status == S.WAITLISTED:
        Shift.objects.filter(pk=shift.pk, waitlisted__gt=0).update(waitlisted=F("waitlisted") - 1)
        shift.waitlisted = max(shift.waitlisted - 1, 0)


# --- waitlist promotion ------------------------------------------------------------------------------


def _promote(shift: Shift, now: dt.datetime) -> list[Enrollment]:
    """Fill free places from the waitlist, first come first served (by sign-up time). The caller
    holds the shift's lock. Nobody is promoted once the shift has started."""
    promoted: list[Enrollment] = []
    while shift.taken < shift.capacity and shift.waitlisted > 0 and now < shift.starts_at:
        nxt = (
            Enrollment.objects.filter(shift_id=shift.pk, status=S.WAITLISTED)
            .select_related("volunteer__user")
            .order_by("created_at", "pk")
            .first()
        )
        if nxt is None:
            break
        moved = Shift.objects.filter(pk=shift.pk, taken__lt=F("capacity"), waitlisted__gt=0).update(
            taken=F("taken") + 1, waitlisted=F("waitlisted") - 1
        )
        if not moved:
            break
        Enrollment.objects.filter(pk=nxt.pk, status=S.WAITLISTED).update(status=S.CONFIRMED, promoted_at=now)
        shift.taken += 1
        shift.waitlisted -= 1
        nxt.status, nxt.promoted_at = S.CONFIRMED, now
        tell_promoted(nxt, shift)
        audit_log(action="enrollment_promoted", obj=nxt, actor_label="waitlist", shift=shift.pk)
        promoted.append(nxt)
    return promoted


def waitlist_promote(*, shift: Shift) -> list[Enrollment]:
    """Fill the shift's free places from its waitlist, in order, and tell each promoted volunteer.
    Call it after giving a shift more places."""
    with transaction.atomic():
        locked = _lock_shift(shift.pk)
        promoted = _promote(locked, timezone.now())
    shift.taken, shift.waitlisted = locked.taken, locked.waitlisted
    return promoted


# --- sign-up -------------------------------------------------------------------------------------------


def _agreement_fields(activity: Activity, now: dt.datetime, accepted: bool) -> dict:
    """What the volunteer accepted and when: the text's SHA-256, so a later edit of the agreement
    cannot change what was agreed to."""
    if not (activity.agreement_required and accepted):
        return {}
    return {
        "agreement_accepted_at": now,
        "agreement_text_sha256": hashlib.sha256(activity.agreement_text.encode("utf-8")).hexdigest(),
    }


def enrollment_create(
    *,
    volunteer: Volunteer | None = None,
    shift: Shift | int,
    actor,
    agreement_accepted: bool = False,
    request=None,
) -> Enrollment:
    """The actor signs themself up: confirmed, waitlisted or (approval mode) applied.

    `shift` may be a bare id: the shift is read once, under its lock, and a shift of an activity
    that was never public answers 404 (Http404) as its page does. The actor's volunteer profile
    is read under its lock too (`volunteer`, when given, must be it). The returned enrollment
    carries the locked shift and its activity. Raises EnrollmentRefused with the rule's reason
    (NOT_VOLUNTEER for an account without a profile). Leaders sign others up with team_signup.

    The hot path (issue 14): besides the two locking reads, one query for the rules (more only
    for an activity with requirements), the guarded UPDATE, the INSERT and the audit row.
    """
    if volunteer is not None and volunteer.user_id != actor.pk:
        raise PermissionDenied
    shift_id = shift if isinstance(shift, int) else shift.pk
    now = timezone.now()
    try:
        with transaction.atomic():
            mine = _lock_own_volunteer(actor)
            locked = _lock_shift_for_signup(shift_id)
            if mine is None:
                raise EnrollmentRefused(Reason.NOT_VOLUNTEER)
            volunteer = mine
            # Places freed without a promotion (more capacity) go to the waitlist first.
            _promote(locked, now)
            decision = enrollment_check(
                volunteer,
                locked,
                context=signup_context_for_shift(volunteer, locked, now=now),
                now=now,
                agreement_accepted=agreement_accepted,
            )
            if not decision.ok or decision.outcome is None:
                raise EnrollmentRefused(str(decision.reason), decision.message, link=decision.link)
            waits_for_guardian = decision.reason == Reason.GUARDIAN_APPROVAL
            # Waiting for the guardian claims nothing: the place is taken when the guardian approves.
            status = S.APPLIED if waits_for_guardian else _claim(locked, decision.outcome)
            enrollment = _INSERT_ENROLLMENT.create(
                shift=locked,
                volunteer=volunteer,
                status=status,
                signed_up_by=actor,
                reason=GUARDIAN_PENDING if waits_for_guardian else "",
                **_agreement_fields(locked.activity, now, agreement_accepted),
            )
            audit_log(
                action="enrollment_created", actor=actor, obj=enrollment, request=request, status=status
            )
            if waits_for_guardian:
                tell_guardian_to_decide(enrollment, locked)
    except IntegrityError:
        # Only a racing duplicate can get here: the partial unique constraint held.
        if volunteer is not None and (
            Enrollment.objects.filter(
                shift_id=shift_id, volunteer_id=volunteer.pk, status__in=ACTIVE
            ).exists()
        ):
            raise EnrollmentRefused(Reason.ALREADY_ENROLLED) from None
        raise
    if isinstance(shift, Shift):
        shift.taken, shift.waitlisted = locked.taken, locked.waitlisted
    return enrollment


# --- cancel --------------------------------------------------------------------------------------------


def enrollment_cancel(*, enrollment: Enrollment, actor, reason: str = "", request=None) -> Enrollment:
    """Cancel a place, leave the waitlist or withdraw an application.

    The volunteer may cancel a confirmed place up to the activity's `cancel_cutoff_hours` before the
    shift; the waitlist and an application can be left at any time. An organizer (rules.organizer_q)
    may cancel anyone's enrollment at any time, and the volunteer is told. A freed place goes to
    the first volunteer on the waitlist, who is told.
    """
    own = enrollment.volunteer.user_id == actor.pk
    if not own and not enrollments_organized_by(actor).filter(pk=enrollment.pk).exists():
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        shift = _lock_shift(enrollment.shift_id)
        current = Enrollment.objects.select_related("volunteer__user").filter(pk=enrollment.pk).first()
        if current is None or current.status not in ACTIVE:
            raise EnrollmentRefused(Reason.NOT_ACTIVE)
        was = current.status
        cutoff = shift.starts_at - dt.timedelta(hours=shift.activity.cancel_cutoff_hours)
        if own and was == S.CONFIRMED and now >= cutoff:
            raise EnrollmentRefused(
                Reason.CANCEL_TOO_LATE,
                _(
                    "You can cancel up to %(hours)d hours before the shift starts; it is too late now. "
                    "Please tell the organizer that you cannot come."
                )
                % {"hours": shift.activity.cancel_cutoff_hours},
            )
        reason = (reason or "").strip()[:200]
        Enrollment.objects.filter(pk=current.pk, status=was).update(
            status=S.CANCELLED, cancelled_at=now, reason=reason, updated_at=now
        )
        current.status, current.cancelled_at, current.reason = S.CANCELLED, now, reason
        _release(shift, was)
        if not own:
            tell_cancelled_by_organizer(current, shift, reason)
        audit_log(
            action="enrollment_cancelled" if was != S.APPLIED else "enrollment_withdrawn",
            actor=actor,
            obj=current,
            request=request,
            was=was,
            by_organizer=not own,
        )
        if was == S.CONFIRMED:
            _promote(shift, now)
    return current


# --- organizers' decisions -------------------------------------------------------------------------------


def enrollment_decide(
    *, actor, shift: Shift, ids: list[int], approve: bool, reason: str = "", request=None
) -> dict[str, int]:
    """Approve or reject applications (approval-mode sign-ups) in bulk, oldest first.

    Approving takes a place through the same guard as a sign-up; when the places are gone the
    applicant goes to the waitlist, and when that is full too the application is turned down and
    the applicant told why. Ids that are not applications of this shift (or that still wait for a
    child's guardian) are skipped. Returns the
    counts {"confirmed", "waitlisted", "rejected", "full", "skipped"} ("full" are among "rejected").
    """
    if not shifts_organized_by(actor).filter(pk=shift.pk).exists():
        raise PermissionDenied
    reason = (reason or "").strip()[:200]
    counts = {"confirmed": 0, "waitlisted": 0, "rejected": 0, "full": 0, "skipped": 0}
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_shift(shift.pk)
        applications = list(
            Enrollment.objects.filter(shift_id=locked.pk, pk__in=ids, status=S.APPLIED)
            .exclude(reason=GUARDIAN_PENDING)  # the guardian decides first
            .select_related("volunteer__user")
            .order_by("created_at", "pk")
        )
        counts["skipped"] = len(set(ids)) - len(applications)
        for enrollment in applications:
            note = reason
            if approve:
                try:
                    status = _claim(locked, S.CONFIRMED)
                except EnrollmentRefused:
                    with site_language():
                        status, note = S.REJECTED, str(Reason.FULL.label)
                    counts["full"] += 1
            else:
                status = S.REJECTED
            Enrollment.objects.filter(pk=enrollment.pk, status=S.APPLIED).update(
                status=status, decided_at=now, decided_by=actor, reason=note, updated_at=now
            )
            enrollment.status, enrollment.reason = status, note
            counts[status] += 1
            tell_decision(enrollment, locked, status, note)
            audit_log(
                action="enrollment_approved" if status != S.REJECTED else "enrollment_rejected",
                actor=actor,
                obj=enrollment,
                request=request,
                status=status,
                reason=note,
            )
    shift.taken, shift.waitlisted = locked.taken, locked.waitlisted
    return counts


def team_signup(
    *, actor, shift: Shift, volunteers: list, agreement_accepted: bool = False, request=None
) -> list[Enrollment]:
    """A leader or organization admin signs up several members of the team at once: all or none.

    Every volunteer must be an active member of the activity's organization (or of one below it)
    and pass every sign-up rule; there must be a place for each of them (a team goes together, so
    nobody is put on the waitlist). They are confirmed at once, in approval mode too: the organizer
    who signs them up is the one who would approve them. Each volunteer is told. When the activity
    requires the written agreement, `agreement_accepted` records that the organizer has the
    members' signed agreements. Otherwise EnrollmentRefused (TEAM_REFUSED with `.failures`, or FULL).
    """
    if not shifts_organized_by(actor).filter(pk=shift.pk).exists():
        raise PermissionDenied
    ids = sorted({v.pk for v in volunteers})
    if not ids:
        raise EnrollmentRefused(Reason.NOBODY_CHOSEN)
    now = timezone.now()
    activity = Activity.objects.select_related("organization").get(pk=shift.activity_id)
    members = set(
        Volunteer.objects.filter(pk__in=ids).filter(team_members_q(activity)).values_list("pk", flat=True)
    )
    try:
        with transaction.atomic():
            locked_volunteers = _lock_volunteers(ids)
            locked = _lock_shift(shift.pk)
            _promote(locked, now)
            contexts = signup_contexts(ids, now=now)
            failures = []
            for volunteer in locked_volunteers:
                if volunteer.pk not in members:
                    failures.append(
                        (
                            volunteer,
                            Reason.NOT_MEMBER.value,
                            _("Not an active member of the organizing team."),
                        )
                    )
                    continue
                refusal = rule_refusal(
                    volunteer,
                    locked,
                    context=contexts[volunteer.pk],
                    now=now,
                    agreement_accepted=agreement_accepted,
                )
                if refusal is not None:
                    failures.append((volunteer, str(refusal.reason), refusal.message))
            if failures:
                raise EnrollmentRefused(Reason.TEAM_REFUSED, failures=failures)
            n = len(locked_volunteers)
            # One guarded statement for the whole team: all the places or none.
            if not Shift.objects.filter(pk=locked.pk, taken__lte=F("capacity") - n).update(
                taken=F("taken") + n
            ):
                raise EnrollmentRefused(
                    Reason.FULL,
                    _("Only %(left)d places are left, fewer than the %(n)d volunteers you chose.")
                    % {"left": locked.places_left, "n": n},
                )
            locked.taken += n
            created = []
            for volunteer in locked_volunteers:
                enrollment = Enrollment.objects.create(
                    shift=locked,
                    volunteer=volunteer,
                    status=S.CONFIRMED,
                    signed_up_by=actor,
                    decided_by=actor,
                    decided_at=now,
                    **_agreement_fields(locked.activity, now, agreement_accepted),
                )
                created.append(enrollment)
                tell_team_member(enrollment, locked, actor)
            audit_log(
                action="enrollment_team_signup",
                actor=actor,
                obj=locked,
                request=request,
                volunteers=[v.pk for v in locked_volunteers],
            )
    except IntegrityError:
        raise EnrollmentRefused(Reason.ALREADY_ENROLLED) from None
    shift.taken, shift.waitlisted = locked.taken, locked.waitlisted
    return created


def enrollments_place(
    *, actor, shift: Shift, volunteers: list, agreement_accepted: bool = False, request=None
) -> tuple[list[Enrollment], dict[int, tuple[str, str]]]:
    """An organizer places many volunteers on one shift, each as far as the rules and the places
    allow (mobilization's bulk deployment): unlike team_signup, one refusal does not stop the others
    and membership of the organizing team is not required.

    Every volunteer passes rules 1-12 (rules.rule_refusal, with contexts loaded in one batch) and
    must not need a guardian's approval; the places are then taken in the order given with ONE
    guarded statement `UPDATE … SET taken = taken + k WHERE taken <= capacity - k`, under the same
    locks as a sign-up, so the shift is never overbooked whatever runs at the same time. Nobody is
    waitlisted. Placed volunteers are confirmed and told. Returns (the enrollments created,
    {volunteer id: (reason code, message)} for those not placed).
    """
    if not shifts_organized_by(actor).filter(pk=shift.pk).exists():
        raise PermissionDenied
    order = list(dict.fromkeys(v if isinstance(v, int) else v.pk for v in volunteers))
    if not order:
        return [], {}
    now = timezone.now()
    refused: dict[int, tuple[str, str]] = {}
    with transaction.atomic():
        by_id = {v.pk: v for v in _lock_volunteers(order)}
        locked = _lock_shift(shift.pk)
        _promote(locked, now)
        contexts = signup_contexts(list(by_id), now=now)
        eligible = []
        for pk in order:
            volunteer = by_id.get(pk)
            if volunteer is None:
                refused[pk] = (Reason.NOT_VOLUNTEER.value, str(Reason.NOT_VOLUNTEER.label))
                continue
            refusal = rule_refusal(
                volunteer, locked, context=contexts[pk], now=now, agreement_accepted=agreement_accepted
            )
            if refusal is not None:
                refused[pk] = (str(refusal.reason), refusal.message)
            elif guardian_approval_needed(volunteer, now):
                refused[pk] = (Reason.GUARDIAN_APPROVAL.value, str(Reason.GUARDIAN_APPROVAL.label))
            else:
                eligible.append(volunteer)
        n = _claim_many(locked, min(len(eligible), max(locked.capacity - locked.taken, 0)))
        for volunteer in eligible[n:]:
            refused[volunteer.pk] = (Reason.FULL.value, str(Reason.FULL.label))
        created = Enrollment.objects.bulk_create(
            Enrollment(
                shift=locked,
                volunteer=volunteer,
                status=S.CONFIRMED,
                signed_up_by=actor,
                decided_by=actor,
                decided_at=now,
                **_agreement_fields(locked.activity, now, agreement_accepted),
            )
            for volunteer in eligible[:n]
        )
        for enrollment in created:
            tell_team_member(enrollment, locked, actor)
        if created:
            audit_log(
                action="enrollment_bulk_placed",
                actor=actor,
                obj=locked,
                request=request,
                placed=len(created),
                refused=len(refused),
            )
    shift.taken, shift.waitlisted = locked.taken, locked.waitlisted
    return created, refused


def enrollments_cancel_for_activity(*, activity: Activity, actor, reason: str) -> int:
    """The activity is cancelled (activities.activity_cancel has checked the actor's right): every
    active enrollment of every shift is cancelled, the counters give back what they held, and each
    volunteer is told once. Returns how many enrollments were cancelled."""
    reason = (reason or "").strip()[:200]
    now = timezone.now()
    with transaction.atomic():
        shifts = {
            s.pk: s
            for s in Shift.objects.select_for_update(no_key=True)
            .filter(activity_id=activity.pk)
            .order_by("pk")
        }
        enrollments = list(
            Enrollment.objects.filter(shift_id__in=list(shifts), status__in=ACTIVE)
            .select_related("volunteer__user")
            .order_by("pk")
        )
        Enrollment.objects.filter(pk__in=[e.pk for e in enrollments], status__in=ACTIVE).update(
            status=S.CANCELLED, cancelled_at=now, reason=reason, updated_at=now
        )
        for shift_id in shifts:
            held = [e.status for e in enrollments if e.shift_id == shift_id]
            confirmed, waitlisted = held.count(S.CONFIRMED), held.count(S.WAITLISTED)
            if confirmed or waitlisted:
                Shift.objects.filter(pk=shift_id).update(
                    taken=F("taken") - confirmed, waitlisted=F("waitlisted") - waitlisted
                )
        for enrollment in enrollments:
            shift = shifts[enrollment.shift_id]
            shift.activity = activity
            tell_activity_cancelled(enrollment, shift, activity, reason)
        audit_log(
            action="enrollments_cancelled_with_activity",
            actor=actor,
            obj=activity,
            count=len(enrollments),
            reason=reason,
        )
    return len(enrollments)
