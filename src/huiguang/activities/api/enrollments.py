"""API v1, sign-ups: a volunteer signs up, cancels and lists their sign-ups; an organizer decides
applications and signs up team members.

Refusals answer 409 (422 when the request lacks something, such as the accepted agreement) with
`{"detail": "<what the volunteer reads>", "reason": "<code>"}`; the codes are those of
`activities.rules.Reason`. Shifts and enrollments outside the caller's reach answer 404.
"""

from datetime import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from huiguang.core.api import (
    ERRORS,
    ErrorOut,
    FieldErrorsOut,
    Flag,
    Pagination,
    QueryFlag,
    RefusedOut,
    choice,
    enum_schema,
    id_list,
    id_list_schema,
    text,
)

from ..models import Enrollment
from ..rules.reasons import GUARDIAN_PENDING, Reason
from ..selectors.enrollments import (
    enrollment_cancellable_get,
    guardian_enrollment_get,
    my_enrollment_list,
    shift_organized_get,
    team_members_chosen,
)
from ..services import enrollments as services
from ..services.enrollments import EnrollmentRefused
from ..services.guardians import enrollment_guardian_decide
from ..texts import decision_messages

router = Router(tags=["activities"])

MAX_IDS = 500
REFUSALS = {404: ErrorOut, 409: RefusedOut, 422: RefusedOut | FieldErrorsOut}


IdList = Annotated[list[int], id_list(MAX_IDS), id_list_schema(MAX_IDS)]
Reason200 = Annotated[str, text(200), Field(max_length=200)]


# --- schemas -------------------------------------------------------------------------------------------


class SignupIn(Schema):
    agreement_accepted: Flag = Field(
        False,
        description="True when the volunteer has read and accepted the activity's written agreement "
        "(required when the activity has `agreement_required`; its text's SHA-256 is stored with the "
        "sign-up).",
    )


class SignupOut(Schema):
    id: int
    status: str = Field(
        ..., description="confirmed, waitlisted or applied (approval mode: the organizer decides)."
    )
    reason: str | None = Field(
        None,
        description="GUARDIAN_APPROVAL when the sign-up (status applied) waits for the child's guardian "
        "(under HUIGUANG_GUARDIAN_AGE, no standing consent); otherwise null.",
    )
    shift_id: int
    detail: str = Field(..., description="What happened, in the user's language.")


class GuardianDecisionIn(Schema):
    approve: Flag = Field(..., description="true: approve the child's sign-up; false: decline it.")


class GuardianDecisionOut(Schema):
    id: int
    status: str = Field(
        ...,
        description="After approval: confirmed, waitlisted or applied (approval mode: now the organizer "
        "decides); after declining: rejected.",
    )
    detail: str


class CancelOut(Schema):
    id: int
    status: str = Field(..., description="cancelled")
    detail: str


class MyEnrollmentOut(Schema):
    id: int
    status: str = Field(
        ..., description="applied, confirmed, waitlisted, cancelled, rejected, no_show or attended."
    )
    status_display: str
    reason: str = Field(..., description="The organizer's reason for a rejection or cancellation, if any.")
    created_at: datetime
    promoted_at: datetime | None = Field(..., description="When the volunteer moved up from the waitlist.")
    shift_id: int
    shift_name: str
    starts_at: datetime
    ends_at: datetime
    activity_id: int
    activity_title: str
    organization_name: str
    address: str

    @staticmethod
    def resolve_status_display(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_shift_name(obj) -> str:
        return obj.shift.name

    @staticmethod
    def resolve_starts_at(obj) -> datetime:
        return obj.shift.starts_at

    @staticmethod
    def resolve_ends_at(obj) -> datetime:
        return obj.shift.ends_at

    @staticmethod
    def resolve_activity_id(obj) -> int:
        return obj.shift.activity_id

    @staticmethod
    def resolve_activity_title(obj) -> str:
        return obj.shift.activity.title

    @staticmethod
    def resolve_organization_name(obj) -> str:
        return obj.shift.activity.organization.name

    @staticmethod
    def resolve_address(obj) -> str:
        return obj.shift.activity.address


class MyEnrollmentFilter(Schema):
    status: Annotated[str | None, choice(Enrollment.Status), enum_schema(Enrollment.Status)] = Field(
        None, description="Only sign-ups in this status."
    )
    upcoming: QueryFlag = Field(
        False, description="Only shifts that have not ended, soonest first (otherwise: newest shift first)."
    )


class DecisionsIn(Schema):
    ids: IdList = Field(
        ..., description="Ids of applications (enrollments in status `applied`) of this shift."
    )
    approve: Flag = Field(..., description="true: approve (a place, else the waitlist); false: reject.")
    reason: Reason200 = Field("", description="Told to the volunteers (e.g. why they were not accepted).")


class DecisionsOut(Schema):
    confirmed: int
    waitlisted: int
    rejected: int = Field(
        ..., description="Rejected, including those turned down because the shift was full."
    )
    full: int = Field(..., description="Approved but turned down: no place and no waitlist place was left.")
    skipped: int = Field(
        ..., description="Ids that were not applications of this shift waiting for a decision."
    )
    detail: str


class TeamSignupIn(Schema):
    volunteer_ids: IdList = Field(
        ..., description="Active members of the activity's organization (or below it)."
    )
    agreement_accepted: Flag = Field(
        False, description="The organizer holds the members' signed written agreement (when required)."
    )


class TeamMemberOut(Schema):
    id: int
    status: str
    volunteer_id: int


class TeamFailureOut(Schema):
    volunteer_id: int
    name: str
    reason: str
    detail: str


class TeamRefusedOut(Schema):
    detail: str
    reason: str
    failures: list[TeamFailureOut] = Field(
        ..., description="Each volunteer who cannot be signed up, and why."
    )


# --- a volunteer ---------------------------------------------------------------------------------------


@router.post(
    "/shifts/{int:shift_id}/enrollments",
    response={201: SignupOut, **ERRORS, **REFUSALS},
    summary="Sign up for a shift",
    description="The caller (a registered, active volunteer) signs up. 201 with `status` `confirmed` (a "
    "place), `waitlisted` (every place taken, a waitlist place free) or `applied` (the organizer "
    "decides). Otherwise 409 with a `reason` code (FULL, OVERLAPS, NOT_OPEN, CLOSED, STARTED, "
    "UNDER_AGE, OVER_AGE, MISSING_SKILL, NOT_MEMBER, POLITICAL_STATUS, BLOCKED_NO_SHOWS, "
    "ALREADY_ENROLLED, NOT_PUBLISHED, VOLUNTEER_INACTIVE, NOT_VOLUNTEER, NO_GUARDIAN) and a `detail` "
    "to show the volunteer; a child under HUIGUANG_GUARDIAN_AGE whose guardian has not given the "
    "standing consent gets 201 `applied` with `reason` GUARDIAN_APPROVAL: the guardian decides "
    "(`POST /enrollments/{id}/guardian-decision`), and the place is taken only then; 422 with "
    "reason AGREEMENT_REQUIRED when the activity's written agreement was not accepted. Places are "
    "never overbooked, however many volunteers sign up at once.",
)
def enrollment_create(request, shift_id: int, payload: SignupIn):
    # The service reads the shift (404 for a draft's) and the caller's profile under their locks.
    enrollment = services.enrollment_create(
        shift=shift_id, actor=request.user, agreement_accepted=payload.agreement_accepted, request=request
    )
    details: dict[str, str] = {
        Enrollment.Status.CONFIRMED: _("You are signed up."),
        Enrollment.Status.WAITLISTED: _("Every place is taken: you are on the waitlist."),
        Enrollment.Status.APPLIED: _("Your sign-up has been sent: the organizer will decide."),
    }
    waits = enrollment.reason == GUARDIAN_PENDING
    return Status(
        201,
        {
            "id": enrollment.pk,
            "status": enrollment.status,
            "reason": GUARDIAN_PENDING if waits else None,
            "shift_id": shift_id,
            "detail": str(Reason.GUARDIAN_APPROVAL.label) if waits else details[enrollment.status],
        },
    )


@router.delete(
    "/enrollments/{int:enrollment_id}",
    response={200: CancelOut, **ERRORS, **REFUSALS},
    summary="Cancel a sign-up",
    description="The volunteer cancels their place (up to the activity's cut-off before the shift; "
    "later: 409 CANCEL_TOO_LATE), leaves the waitlist or withdraws an application. An organizer of the "
    "activity may cancel anyone's sign-up (`reason` is told to the volunteer). A freed place goes "
    "to the first volunteer on the waitlist, who is notified. Already cancelled or decided: 409 "
    "NOT_ACTIVE.",
)
def enrollment_cancel(request, enrollment_id: int, reason: Annotated[str, text(200)] = ""):
    enrollment = enrollment_cancellable_get(request.user, enrollment_id)
    was = enrollment.status
    cancelled = services.enrollment_cancel(
        enrollment=enrollment, actor=request.user, reason=reason, request=request
    )
    if was == Enrollment.Status.WAITLISTED:
        detail = (
            _("You left the waitlist.")
            if enrollment.volunteer.user_id == request.user.pk
            else _("The sign-up is cancelled.")
        )
    else:
        detail = _("The sign-up is cancelled.")
    return {"id": cancelled.pk, "status": cancelled.status, "detail": detail}


@router.post(
    "/enrollments/{int:enrollment_id}/guardian-decision",
    response={200: GuardianDecisionOut, **ERRORS, **REFUSALS},
    summary="A guardian approves or declines a child's sign-up",
    description="Only the child's guardian finds the sign-up (others: 404). Approving checks every "
    "sign-up rule and the places again and takes a place now: 200 with `confirmed`, `waitlisted` or "
    "`applied` (approval mode: the organizer decides next); when a rule fails now (FULL, STARTED, "
    "CLOSED, OVERLAPS, ...) 409 with its `reason` and the sign-up keeps waiting. Declining: "
    "`rejected`. A sign-up that no longer waits for the guardian: 409 NOT_ACTIVE. The child is told.",
)
def enrollment_guardian_decision(request, enrollment_id: int, payload: GuardianDecisionIn):
    enrollment = guardian_enrollment_get(request.user, enrollment_id)
    done = enrollment_guardian_decide(
        actor=request.user, enrollment=enrollment, approve=payload.approve, request=request
    )
    detail = (
        _("You declined the sign-up.")
        if done.status == Enrollment.Status.REJECTED
        else _("You approved the sign-up: %(status)s.") % {"status": done.get_status_display()}
    )
    return {"id": done.pk, "status": done.status, "detail": detail}


@router.get(
    "/me/enrollments",
    response={200: list[MyEnrollmentOut], **ERRORS},
    summary="My sign-ups",
    description="The caller's sign-ups in every status, newest shift first (`upcoming=true`: shifts "
    "that have not ended, soonest first). Empty for an account without a volunteer profile.",
)
@paginate(Pagination)
def my_enrollments(request, filters: Query[MyEnrollmentFilter]):
    return my_enrollment_list(request.user, status=filters.status, upcoming=filters.upcoming)


# --- organizers --------------------------------------------------------------------------------------


@router.post(
    "/shifts/{int:shift_id}/decisions",
    response={200: DecisionsOut, **ERRORS},
    summary="Approve or reject applications",
    description="For organizers of the activity (its organization's admins and leaders, admins above it, the "
    "region's and the city's admins); others get 404. Applications are decided oldest first; approving "
    "takes a place, else a waitlist place, else the application is turned down (`full`) and the volunteer "
    "told. Each volunteer is notified.",
)
def enrollment_decide(request, shift_id: int, payload: DecisionsIn):
    shift = shift_organized_get(request.user, shift_id)
    counts = services.enrollment_decide(
        actor=request.user,
        shift=shift,
        ids=payload.ids,
        approve=payload.approve,
        reason=payload.reason,
        request=request,
    )
    return {**counts, "detail": " ".join(decision_messages(counts)) or _("Nothing was decided.")}


@router.post(
    "/shifts/{int:shift_id}/team-enrollments",
    response={201: list[TeamMemberOut], 409: TeamRefusedOut, **ERRORS, 422: RefusedOut | FieldErrorsOut},
    summary="Sign up several team members",
    description="For organizers of the activity (see decisions). All or none: every volunteer must be an "
    "active member of the activity's organization (or of one below it) and pass the sign-up "
    "rules, and there must be a place for each; they are confirmed at once and notified. Ids of "
    "anyone else: 422. Otherwise 409 with `failures` (TEAM_REFUSED) or reason FULL, and nobody is "
    "signed up.",
)
def team_signup(request, shift_id: int, payload: TeamSignupIn):
    shift = shift_organized_get(request.user, shift_id)
    try:
        created = services.team_signup(
            actor=request.user,
            shift=shift,
            volunteers=team_members_chosen(shift, payload.volunteer_ids),
            agreement_accepted=payload.agreement_accepted,
            request=request,
        )
    except EnrollmentRefused as exc:
        if exc.reason != Reason.TEAM_REFUSED:
            raise
        failures = [
            {"volunteer_id": v.pk, "name": v.real_name, "reason": reason, "detail": str(message)}
            for v, reason, message in exc.failures
        ]
        return Status(409, {"detail": str(exc.message), "reason": exc.reason, "failures": failures})
    return Status(201, [{"id": e.pk, "status": e.status, "volunteer_id": e.volunteer_id} for e in created])
