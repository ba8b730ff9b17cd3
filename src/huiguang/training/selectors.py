"""Reads of courses, qualification types and qualifications, scoped to the user where it matters.

For the apps above (documented contract):
- `qualifications_by_volunteer(ids)`: every unrevoked qualification's best expiry per type, for
  many volunteers in one query (activities.rules.signup_contexts uses it);
- `qualification_holders(type_id, valid_on=...)`: the volunteers who hold a qualification valid on
  a day (mobilization assigns trained recruits with it);
- `expiring_qualifications(today=..., within_days=...)`: live qualifications about to expire (the
  reminder task of activities, which adds the next sessions of a course).
The sessions of a course are activities: read them through `activities.selectors.training`
(`course_sessions_upcoming(course)`), not here (training is below activities).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from huiguang.core.selectors import get_or_404
from huiguang.volunteers.models import Volunteer

from .models import Course, Qualification, QualificationType, TrainingPolicy
from .permissions import may_manage_course, qualification_visible_q

# "never expires" sorts after any date when the best expiry of a type is chosen.
FOREVER = dt.date.max


def training_policy() -> TrainingPolicy:
    """The city's training policy (its defaults while nobody has saved one)."""
    return TrainingPolicy.objects.filter(pk=1).first() or TrainingPolicy(pk=1)


def qualification_type_list() -> QuerySet[QualificationType]:
    return QualificationType.objects.all()


def course_catalogue(*, category: str = "", q: str = "") -> QuerySet[Course]:
    """Courses on offer, for everyone."""
    qs = Course.objects.filter(is_active=True).select_related("provider", "grants")
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(syllabus__icontains=q) | Q(grants__name__icontains=q))
    return qs


def course_get(pk) -> Course:
    """One course on offer (404 for an unknown or withdrawn one)."""
    return get_or_404(course_catalogue(), pk)


def course_list_for(user, *, category: str = "", q: str = "") -> QuerySet[Course]:
    """Every course, offered or not, for the console (all console roles read them)."""
    qs = Course.objects.select_related("provider", "provider__region", "grants")
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(provider__name__icontains=q))
    return qs


def course_managed_get(user, pk) -> Course:
    """A course `user` may change; 404 otherwise."""
    course = get_or_404(course_list_for(user), pk)
    if not may_manage_course(user, course):
        raise Http404
    return course


def qualifications_by_volunteer(volunteer_ids, *, types=None) -> dict[int, dict[int, dt.date | None]]:
    """{volunteer_id: {type_id: best expiry (None: never expires)}} of the unrevoked qualifications,
    expired ones included (the sign-up rule tells "expired" from "missing"). One query."""
    out: dict[int, dict[int, dt.date | None]] = {v: {} for v in volunteer_ids}
    qs = Qualification.objects.filter(volunteer_id__in=list(out), revoked_at__isnull=True)
    if types is not None:
        qs = qs.filter(type_id__in=list(types))
    for volunteer_id, type_id, expires in qs.values_list("volunteer_id", "type_id", "expires_on"):
        held = out[volunteer_id]
        if type_id not in held or (expires or FOREVER) > (held[type_id] or FOREVER):
            held[type_id] = expires
    return out


def valid_q(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": on})
    )


def qualification_holders(type_id: int, *, valid_on: dt.date | None = None) -> QuerySet[Volunteer]:
    """Active volunteers holding a qualification of `type_id` valid on `valid_on` (default today)."""
    on = valid_on or timezone.localdate()
    holders = Qualification.objects.filter(valid_q(on), type_id=type_id).values("volunteer_id")
    return Volunteer.objects.filter(pk__in=holders, status=Volunteer.Status.ACTIVE)


def my_qualifications(volunteer: Volunteer) -> QuerySet[Qualification]:
    return Qualification.objects.filter(volunteer=volunteer).select_related("type", "course")


def qualification_list_for(
    user, *, type_id: int | None = None, state: str = "", q: str = ""
) -> QuerySet[Qualification]:
    """Qualifications of the volunteers `user` sees; `state`: valid / expired / revoked."""
    visible = qualification_visible_q(user)
    if visible is None:
        return Qualification.objects.none()
    qs = Qualification.objects.filter(visible).select_related("volunteer", "type", "course")
    if type_id:
        qs = qs.filter(type_id=type_id)
    today = timezone.localdate()
    if state == "valid":
        qs = qs.filter(valid_q(today))
    elif state == "expired":
        qs = qs.filter(revoked_at__isnull=True, expires_on__lt=today)
    elif state == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    if q:
        qs = qs.filter(
            Q(volunteer__real_name__icontains=q)
            | Q(volunteer__volunteer_number__icontains=q)
            | Q(certificate_no__icontains=q)
        )
    return qs


def qualification_get_for(user, pk) -> Qualification:
    return get_or_404(qualification_list_for(user), pk)


def expiring_qualifications(*, today: dt.date, within_days: int = 30) -> QuerySet[Qualification]:
    """Live qualifications whose expiry lies within `within_days` from `today` (inclusive)."""
    return Qualification.objects.filter(
        revoked_at__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=within_days),
        volunteer__status=Volunteer.Status.ACTIVE,
    ).select_related("type", "volunteer", "volunteer__user")
