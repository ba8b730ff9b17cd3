"""API v1, training sessions (activities with a course): a course's upcoming sessions (public) and
the trainer's pass / fail marks (console)."""

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from huiguang.accounts.auth import PUBLIC_AUTH, PUBLIC_SECURITY
from huiguang.core.api import ERRORS, RefusedOut, choice, enum_schema, number_schema, whole_number
from huiguang.core.errors import FieldErrors
from huiguang.training.selectors import course_get

from ..models import TrainingResult
from ..selectors.training import course_sessions_upcoming, session_attendees, session_get_for_trainer
from ..services.training import enrollment_training_mark

router = Router(tags=["training"])


class SessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    region_name: str
    places_left: int

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_places_left(obj) -> int:
        return sum(s.places_left for s in obj.shifts.all())


class AttendeeOut(Schema):
    enrollment_id: int = Field(..., alias="pk")
    volunteer_id: int
    volunteer_name: str
    shift_name: str
    status: str
    training_result: str

    @staticmethod
    def resolve_volunteer_name(obj) -> str:
        return obj.volunteer.real_name

    @staticmethod
    def resolve_shift_name(obj) -> str:
        return obj.shift.name


class ResultIn(Schema):
    enrollment_id: Annotated[int, whole_number(1), number_schema(1)]
    result: Annotated[str, choice(TrainingResult), enum_schema(TrainingResult, query=False)] = Field(
        ..., description="passed or failed."
    )


@router.get(
    "/courses/{int:course_id}/sessions",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: list[SessionOut], **ERRORS},
    summary="A course's upcoming sessions",
    description="Published sessions (activities linked to the course) that have not started, soonest first.",
)
def course_sessions(request, course_id: int):
    return list(course_sessions_upcoming(course_get(course_id))[:50])


@router.get(
    "/console/sessions/{int:activity_id}/results",
    response={200: list[AttendeeOut], **ERRORS},
    summary="A training session's attendees and their results",
    description="For the session's organizers (its team's leaders, admins above it, its region's admins, "
    "the city admins).",
)
def session_results(request, activity_id: int):
    return list(session_attendees(session_get_for_trainer(request.user, activity_id)))


@router.post(
    "/console/sessions/{int:activity_id}/results",
    response={200: AttendeeOut, **ERRORS, 409: RefusedOut},
    summary="Mark an attendee passed or failed",
    description="Passing needs a check-in and grants the course's qualification (valid for the course's "
    "months from the session's day); a pass changed to a fail revokes it. 409: NOT_STARTED, NOT_CHECKED_IN.",
)
def session_mark(request, activity_id: int, payload: ResultIn):
    session = session_get_for_trainer(request.user, activity_id)
    enrollment = session_attendees(session).filter(pk=payload.enrollment_id).first()
    if enrollment is None or payload.result is None:
        raise FieldErrors({"enrollment_id": [_("Choose an attendee of this session.")]})
    return enrollment_training_mark(
        actor=request.user, enrollment=enrollment, result=payload.result, request=request
    )
