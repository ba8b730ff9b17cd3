"""One volunteer given one task at one place and time (a resident's request taken or assigned, in
the needs app above): a published one-shift activity of the serving organization, visible to its
members only, closed to sign-ups, with the volunteer's confirmed place — so that check-in at the
address and the hours into the ledger work as for any other activity.

The caller decides who may assign (needs/permissions.py) and guards the task itself; this service
only builds the activity, validated like any other (fields.activity_field_errors), in the caller's
transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Organization
from huiguang.volunteers.models import Volunteer

from ..models import Activity, Category, Enrollment, Shift
from .fields import activity_defaults, activity_field_errors, activity_time_errors, normalize_activity_fields


def assignment_create(
    *,
    actor,
    organization: Organization,
    volunteer: Volunteer,
    title: str,
    category: Category,
    description: str,
    region,
    address: str,
    lat,
    lng,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    position: str,
    request=None,
) -> Enrollment:
    now = timezone.now()
    data = activity_defaults()
    data.update(
        normalize_activity_fields(
            {
                "title": title[:120],
                "category": category,
                "description": description,
                "region": region,
                "address": address[:200],
                "lat": lat,
                "lng": lng,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "recruit_closes_at": min(now, starts_at),
                "visibility": Activity.Visibility.MEMBERS,
                "members_only": True,
            }
        )
    )
    errors = activity_field_errors(data, organization=organization) | activity_time_errors(data)
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        activity = Activity.objects.create(
            organization=organization,
            created_by=actor,
            status=Activity.Status.PUBLISHED,
            **data,
        )
        # One place, already taken by the volunteer (the counter matches the enrollment).
        shift = Shift.objects.create(
            activity=activity, name=position[:80], starts_at=starts_at, ends_at=ends_at, capacity=1, taken=1
        )
        enrollment = Enrollment.objects.create(
            shift=shift,
            volunteer=volunteer,
            status=Enrollment.Status.CONFIRMED,
            signed_up_by=actor,
            decided_by=actor,
            decided_at=now,
        )
        audit_log(
            action="activity_assigned", actor=actor, obj=activity, request=request, volunteer=volunteer.pk
        )
    return enrollment
