"""What the rules need to know about a volunteer, loaded once: `signup_context()` loads it in a fixed
number of queries, so checking a whole list of shifts ("shifts I can take") costs no query per
shift, provided the shifts come with `select_related("activity")` and
`prefetch_related(*SHIFT_RULE_PREFETCH)`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from huiguang.network.models import Membership, Organization
from huiguang.training.selectors import qualifications_by_volunteer
from huiguang.volunteers.models import Volunteer

from ..models import Enrollment

# What a shift needs prefetched for the rules to make no query (with select_related("activity")).
SHIFT_RULE_PREFETCH = (
    "activity__required_skills",
    "activity__required_qualifications",
    "required_qualifications",
)


@dataclass(frozen=True)
class ActiveEnrollment:
    """One of the volunteer's active enrollments, as far as the overlap rule needs it."""

    shift_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    label: str  # "activity title · position"


@dataclass(frozen=True)
class SignupContext:
    """What the rules need to know about one volunteer, loaded once (see signup_contexts)."""

    volunteer_id: int
    now: dt.datetime
    active: tuple[ActiveEnrollment, ...] = ()
    # Organizations whose members-only activities the volunteer may join: those with an active
    # membership and every organization above them.
    member_org_ids: frozenset[int] = frozenset()
    skill_ids: frozenset[int] = frozenset()
    no_shows: int = 0
    # {qualification type id: best expiry (None: never expires)} of the unrevoked qualifications.
    qualifications: Mapping[int, dt.date | None] = field(default_factory=dict, hash=False)
    # How to get a qualification ({type id: GrantRoute}), looked up at the first refusal that
    # needs it and shared by the contexts of one signup_contexts call.
    routes: dict[Any, Any] = field(default_factory=dict, hash=False, compare=False, repr=False)
    active_shift_ids: frozenset[int] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "active_shift_ids", frozenset(a.shift_id for a in self.active))


def _org_codes_on_path(path: str) -> list[str]:
    """ "/TA/TA1/" → ["TA", "TA1"]: the organization and every organization above it."""
    return [code for code in path.split("/") if code]


def signup_contexts(volunteers: Iterable[Volunteer | int], *, now=None) -> dict[int, SignupContext]:
    """Contexts for many volunteers in 6 queries at most, whatever their number (team sign-ups,
    the team sign-up page); `{volunteer_id: SignupContext}`."""
    now = now or timezone.now()
    ids = sorted({v if isinstance(v, int) else v.pk for v in volunteers})
    if not ids:
        return {}
    active: dict[int, list[ActiveEnrollment]] = {i: [] for i in ids}
    # Only shifts that have not ended can overlap a shift one may still sign up for.
    rows = Enrollment.objects.filter(
        volunteer_id__in=ids, status__in=Enrollment.ACTIVE, shift__ends_at__gt=now
    ).values_list(
        "volunteer_id",
        "shift_id",
        "shift__starts_at",
        "shift__ends_at",
        "shift__activity__title",
        "shift__name",
    )
    for volunteer_id, shift_id, starts_at, ends_at, title, name in rows:
        active[volunteer_id].append(ActiveEnrollment(shift_id, starts_at, ends_at, f"{title} · {name}"))

    paths = Membership.objects.filter(volunteer_id__in=ids, status=Membership.Status.ACTIVE).values_list(
        "volunteer_id", "organization__path"
    )
    codes_by_volunteer: dict[int, set[str]] = {i: set() for i in ids}
    for volunteer_id, path in paths:
        codes_by_volunteer[volunteer_id].update(_org_codes_on_path(path))
    all_codes = set().union(*codes_by_volunteer.values())
    org_ids = (
        dict(Organization.objects.filter(code__in=all_codes).values_list("code", "pk")) if all_codes else {}
    )

    skills: dict[int, set[int]] = {i: set() for i in ids}
    for volunteer_id, skill_id in Volunteer.skills.through.objects.filter(volunteer_id__in=ids).values_list(
        "volunteer_id", "skill_id"
    ):
        skills[volunteer_id].add(skill_id)

    since = now - dt.timedelta(days=settings.HUIGUANG_NO_SHOW_WINDOW_DAYS)
    no_shows = dict(
        Enrollment.objects.filter(
            volunteer_id__in=ids, status=Enrollment.Status.NO_SHOW, shift__starts_at__gte=since
        )
        .values("volunteer_id")
        .annotate(n=models.Count("pk"))
        .values_list("volunteer_id", "n")
    )
    qualifications = qualifications_by_volunteer(ids)
    routes: dict[Any, Any] = {}
    return {
        i: SignupContext(
            volunteer_id=i,
            now=now,
            active=tuple(active[i]),
            member_org_ids=frozenset(org_ids[c] for c in codes_by_volunteer[i] if c in org_ids),
            skill_ids=frozenset(skills[i]),
            no_shows=no_shows.get(i, 0),
            qualifications=qualifications[i],
            routes=routes,
        )
        for i in ids
    }


def signup_context(volunteer: Volunteer, *, now=None) -> SignupContext:
    """Everything about `volunteer` that enrollment_check needs, in at most 6 queries."""
    return signup_contexts([volunteer], now=now)[volunteer.pk]


def context_without_shift(context: SignupContext, shift_id: int) -> SignupContext:
    """The context as if the volunteer held nothing on `shift_id`: for re-checking a sign-up that
    already exists (one waiting for the guardian)."""
    return replace(context, active=tuple(a for a in context.active if a.shift_id != shift_id))
