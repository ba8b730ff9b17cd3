"""A guardian's page of one child (/me/wards/<id>/): the sign-ups (with those waiting for the
guardian's approval first), the standing consent and the hours.

It lives in the ledger because it reads the hours (ledger) as well as the sign-ups (activities)
and the child (volunteers), and the ledger is the lowest app allowed to import all three. Only the
child's guardian finds it: anyone else's child, or an adult, is 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.activities.rules import GUARDIAN_PENDING
from huiguang.activities.selectors.enrollments import ward_enrollment_list
from huiguang.core.id_card import age_on
from huiguang.core.pagination import paginate
from huiguang.volunteers.selectors import ward_of_user_get

from ..selectors.hours import hours_summary
from ..selectors.records import volunteer_records
from .common import PAGE

SIGNUPS_SHOWN = 20


def _waits(enrollment: Enrollment) -> bool:
    return enrollment.status == Enrollment.Status.APPLIED and enrollment.reason == GUARDIAN_PENDING


@login_required
def ward(request, pk: int):
    child = ward_of_user_get(request.user, pk)
    enrollments = list(ward_enrollment_list(child)[: SIGNUPS_SHOWN + 1])
    age = age_on(child.birth_date, timezone.localdate())
    context = {
        "ward": child,
        "age": age,
        "needs_guardian": age < settings.HUIGUANG_GUARDIAN_AGE,
        "guardian_age": settings.HUIGUANG_GUARDIAN_AGE,
        "waiting": [e for e in enrollments if _waits(e)],
        "enrollments": [e for e in enrollments[:SIGNUPS_SHOWN] if not _waits(e)],
        "more_signups": len(enrollments) > SIGNUPS_SHOWN,
        "summary": hours_summary(child),
        "page_obj": paginate(request, volunteer_records(child), PAGE),
    }
    return render(request, "ledger/wards/ward.html", context)
