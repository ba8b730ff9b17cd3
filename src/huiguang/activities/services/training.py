"""Training sessions on the activity side: the trainer's pass / fail mark per attendee (which
grants the course's qualification through the training app's service, down the layers) and the
daily reminder of qualifications about to expire, with the next sessions of a course that renews
them. Recruitment, capacity, the waitlist, check-in and the roster of a session are the activity
machinery's own: a session is an Activity with a course, its places are its shifts.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.notifications.kinds import QUALIFICATION_EXPIRING
from huiguang.notifications.services import notify
from huiguang.training.selectors import expiring_qualifications
from huiguang.training.services.qualifications import (
    qualification_grant_from_session,
    qualification_withdraw_from_session,
)

from ..models import Enrollment, TrainingResult
from ..permissions import organization_may_edit_activities
from ..selectors.training import grant_routes, next_sessions_by_course, session_first_start

REMIND_DAYS = 30
MARKABLE = (Enrollment.Status.CONFIRMED, Enrollment.Status.ATTENDED)


def source_key(enrollment: Enrollment) -> str:
    return f"enrollment:{enrollment.pk}"


def enrollment_training_mark(*, actor, enrollment: Enrollment, result: str, request=None) -> Enrollment:
    """The trainer marks one attendee passed or failed. Passing needs a check-in (an attendee) and
    grants the course's qualification, valid from the session's day for the course's months;
    changing a pass to a fail revokes what it granted. Marking again is harmless."""
    session = enrollment.shift.activity
    if session.course_id is None or not organization_may_edit_activities(actor, session.organization):
        raise PermissionDenied
    if result not in TrainingResult.values:
        raise FieldErrors({"result": [_("Choose passed or failed.")]})
    if session_first_start(session) > timezone.now():
        raise Refused("NOT_STARTED", _("Results are marked once the session has started."))
    if enrollment.status not in MARKABLE:
        raise Refused(
            "NOT_ATTENDEE", _("%(name)s has no place in this session.") % {"name": enrollment.volunteer}
        )
    if result == TrainingResult.PASSED and enrollment.status != Enrollment.Status.ATTENDED:
        raise Refused(
            "NOT_CHECKED_IN",
            _("%(name)s has not checked in: only attendees can pass.") % {"name": enrollment.volunteer},
        )
    course = session.course
    assert course is not None  # session.course_id was checked above
    day = timezone.localtime(enrollment.shift.starts_at).date()
    with transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).update(
            training_result=result, training_marked_at=timezone.now(), training_marked_by=actor
        )
        if result == TrainingResult.PASSED:
            qualification_grant_from_session(
                volunteer_id=enrollment.volunteer_id,
                course=course,
                issued_on=day,
                source_key=source_key(enrollment),
                source_label=f"{session.title} · {day.isoformat()}",
                actor=actor,
            )
        else:
            qualification_withdraw_from_session(source_key=source_key(enrollment), actor=actor)
        audit_log(
            action="training_result_marked",
            actor=actor,
            obj=enrollment,
            request=request,
            result=result,
            course=course.title,
        )
    enrollment.refresh_from_db()
    return enrollment


def qualification_expiry_reminders(*, today: dt.date | None = None, within_days: int = REMIND_DAYS) -> int:
    """Tell every holder of a qualification expiring within `within_days` (once per expiry: the
    dedupe key), with the next sessions of the course that renews it. Returns how many were sent."""
    today = today or timezone.localdate()
    expiring = list(expiring_qualifications(today=today, within_days=within_days))
    if not expiring:
        return 0
    routes = grant_routes()
    sessions = next_sessions_by_course({r.course_id for r in routes.values()})
    sent = 0
    for qualification in expiring:
        route = routes.get(qualification.type_id)
        upcoming = sessions.get(route.course_id, []) if route else []
        expires = qualification.expires_on
        assert expires is not None  # expiring_qualifications() reads dated ones only
        if route is not None and upcoming:
            body = _("Renew it at a session of %(course)s: %(sessions)s.") % {
                "course": route.course_title,
                "sessions": "; ".join(
                    f"{date_format(timezone.localtime(s.starts_at), 'Y-m-d H:i')} {s.region.name}"
                    for s in upcoming
                ),
            }
        elif route is not None:
            body = _("The course %(course)s renews it; no session is planned yet.") % {
                "course": route.course_title
            }
        else:
            body = _("Ask your organization how to renew it.")
        done = notify(
            user=qualification.volunteer.user,
            kind=QUALIFICATION_EXPIRING,
            title=_("Your qualification %(name)s expires on %(day)s")
            % {"name": qualification.type.name, "day": expires.isoformat()},
            body=body,
            url=reverse("activities:course_detail", args=[route.course_id])
            if route
            else reverse("training:my"),
            dedupe_key=f"qualification-expiring:{qualification.pk}:{expires.isoformat()}",
        )
        sent += done is not None
    return sent
