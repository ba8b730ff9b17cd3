"""Training sessions on the activity side (a session is an activity with a course): the course
catalogue with each course's next sessions, a course's page, and the trainer's phone page that
marks pass / fail per attendee (services/training.py grants the qualification through the
training app, down the layers). Pages that read only training data live in the training app.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_page
from huiguang.training.models import Course
from huiguang.training.selectors import course_catalogue, course_get

from ..models import TrainingResult
from ..selectors.training import (
    course_sessions_upcoming,
    next_sessions_by_course,
    session_attendees,
    session_get_for_trainer,
)
from ..services.training import enrollment_training_mark


def courses(request):
    category = request.GET.get("category", "").strip()[:16]
    q = request.GET.get("q", "").strip()[:64]
    page_obj = paginate(request, course_catalogue(category=category, q=q))
    sessions = next_sessions_by_course([c.pk for c in page_obj.object_list])
    rows = [(course, sessions[course.pk]) for course in page_obj.object_list]
    return render(
        request,
        "activities/public/courses.html",
        {
            "page_obj": page_obj,
            "rows": rows,
            "filters": {"category": category, "q": q},
            "categories": Course.Category.choices,
        },
    )


def course_detail(request, pk):
    course = course_get(pk)
    return render(
        request,
        "activities/public/course_detail.html",
        {"course": course, "sessions": list(course_sessions_upcoming(course))},
    )


@console_page
def session_results(request, pk):
    session = session_get_for_trainer(request.user, pk)
    status = 200
    if request.method == "POST":
        result = request.POST.get("result", "")
        target = session_attendees(session).filter(pk=_int(request.POST.get("enrollment")) or 0).first()
        try:
            if target is None:
                raise FieldErrors({"enrollment": [_("Choose an attendee of this session.")]})
            enrollment_training_mark(actor=request.user, enrollment=target, result=result, request=request)
        except FieldErrors as exc:
            for msgs in exc.errors.values():
                for msg in msgs:
                    messages.error(request, msg)
            status = 422
        except Refused as exc:
            messages.error(request, exc.message)
            status = 409
        else:
            messages.success(
                request,
                _("%(name)s: %(result)s.")
                % {"name": target.volunteer.real_name, "result": TrainingResult(result).label},
            )
            return redirect("activities:session_results", pk=session.pk)
    rows = list(session_attendees(session))
    return render(
        request,
        "activities/console/session_results.html",
        {
            "session": session,
            "rows": rows,
            "passed": sum(1 for e in rows if e.training_result == TrainingResult.PASSED),
            "failed": sum(1 for e in rows if e.training_result == TrainingResult.FAILED),
        },
        status=status,
    )


def _int(raw) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 18 else None
