"""What the rules need to know about a volunteer, loaded once: `signup_context()` loads it in a fixed
number of queries, so checking a whole list of shifts ("shifts I can take") costs no query per
shift, provided the shifts come with `select_related("activity")` and
`prefetch_related(*SHIFT_RULE_PREFETCH)`.

One sign-up (the hot path, issue 14) needs less: `signup_context_for_shift()` loads only what the
rules will look at for that one shift — one query for a shift without requirements — and
`load_requirements()` reads the shift's required skills and qualifications only when the flags of
`REQUIREMENT_FLAGS` (annotated on the locked shift) say there are some. The decision is the same
as with the full context: what is left out is what no rule would look at for that shift."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.utils import timezone

from huiguang.core.compiled import CompiledQuery
from huiguang.network.models import Membership, Organization
from huiguang.training.models import QualificationType
from huiguang.training.selectors import qualifications_by_volunteer
from huiguang.volunteers.models import Skill, Volunteer

from ..models import Activity, Enrollment, Shift

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

    member_org_ids = _member_org_ids(ids)
    skills = _skill_ids(ids)
    no_shows = dict(
        Enrollment.objects.filter(
            volunteer_id__in=ids, status=Enrollment.Status.NO_SHOW, shift__starts_at__gte=_no_show_since(now)
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
            member_org_ids=member_org_ids[i],
            skill_ids=skills[i],
            no_shows=no_shows.get(i, 0),
            qualifications=qualifications[i],
            routes=routes,
        )
        for i in ids
    }


def _no_show_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.HUIGUANG_NO_SHOW_WINDOW_DAYS)


def _member_org_ids(ids: list[int]) -> dict[int, frozenset[int]]:
    """{volunteer id: organizations whose members-only activities they may join} (two queries)."""
    paths = (
        Membership.objects.filter(volunteer_id__in=ids, status=Membership.Status.ACTIVE)
        .order_by()
        .values_list("volunteer_id", "organization__path")
    )
    codes_by_volunteer: dict[int, set[str]] = {i: set() for i in ids}
    for volunteer_id, path in paths:
        codes_by_volunteer[volunteer_id].update(_org_codes_on_path(path))
    all_codes = set().union(*codes_by_volunteer.values())
    org_ids = (
        dict(Organization.objects.filter(code__in=all_codes).order_by().values_list("code", "pk"))
        if all_codes
        else {}
    )
    return {i: frozenset(org_ids[c] for c in codes_by_volunteer[i] if c in org_ids) for i in ids}


def _skill_ids(ids: list[int]) -> dict[int, frozenset[int]]:
    skills: dict[int, set[int]] = {i: set() for i in ids}
    rows = Volunteer.skills.through.objects.filter(volunteer_id__in=ids).values_list(
        "volunteer_id", "skill_id"
    )
    for volunteer_id, skill_id in rows:
        skills[volunteer_id].add(skill_id)
    return {i: frozenset(s) for i, s in skills.items()}


# --- one sign-up -----------------------------------------------------------------------------------------

# Annotations for the query that locks the shift: does it (or its activity) require anything?
REQUIREMENT_FLAGS = {
    "requires_skills": Exists(
        Activity.required_skills.through.objects.filter(activity_id=OuterRef("activity_id"))
    ),
    "requires_activity_qualifications": Exists(
        Activity.required_qualifications.through.objects.filter(activity_id=OuterRef("activity_id"))
    ),
    "requires_shift_qualifications": Exists(
        Shift.required_qualifications.through.objects.filter(shift_id=OuterRef("pk"))
    ),
}


def _requires(shift: Shift, flag: str) -> bool:
    """A flag of REQUIREMENT_FLAGS; a shift read without them may require anything."""
    return bool(getattr(shift, flag, True))


def load_requirements(shift: Shift) -> None:
    """Fill what SHIFT_RULE_PREFETCH would on a shift read with REQUIREMENT_FLAGS: a query only for
    the kinds of requirement it has (none for most shifts). A kind it does not have is known empty
    and set as such, as a prefetch would set it (a prefetch of an empty queryset cost more Python
    than the rest of the rules together: issue 14)."""
    skills, activity_kinds, shift_kinds = (_requires(shift, name) for name in REQUIREMENT_FLAGS)
    activity: Activity = shift.activity
    owners = (activity, activity, shift)
    lookups = []
    for lookup, owner, model, needed in zip(
        SHIFT_RULE_PREFETCH,
        owners,
        (Skill, QualificationType, QualificationType),
        (skills, activity_kinds, shift_kinds),
        strict=True,
    ):
        if needed:
            lookups.append(lookup)
        else:
            _known_empty(owner, lookup.rsplit("__", 1)[-1], model)
    if lookups:
        prefetch_related_objects([shift], *lookups)


def _known_empty(owner: models.Model, relation: str, model: type[models.Model]) -> None:
    """`owner.<relation>.all()` answers no rows without a query, as after a prefetch that found none
    (Django's own prefetch sets the cache the same way)."""
    empty = model._default_manager.none()
    empty._result_cache = []
    empty._prefetch_done = True  # type: ignore[attr-defined]
    cache = owner.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[relation] = empty


# The volunteer's active sign-ups and no-shows on shifts that end after `since` (the no-show
# window's start), compiled once per connection (core.compiled): a sign-up's hot path (issue 14).
# A superset of what the rules need (the volunteer's sign-ups to come and the window's no-shows: a
# handful), which signup_context_for_shift picks in Python: an OR of the two exact conditions
# across the joined tables cost PostgreSQL's planner 0.5 ms a sign-up, against 0.1 ms for this
# query. Both conditions imply `ends_at > since`: an active sign-up the rules keep ends after now,
# a no-show since `since` ends after its start (CHECK shift_ends_after_start).
_HELD_AND_NO_SHOWS = CompiledQuery(
    lambda p: (
        Enrollment.objects.filter(
            volunteer_id=p.volunteer,
            status__in=[*Enrollment.ACTIVE, Enrollment.Status.NO_SHOW],
            shift__ends_at__gt=p.since,
        )
        .order_by()
        .values_list(
            "status",
            "shift_id",
            "shift__starts_at",
            "shift__ends_at",
            "shift__activity__title",
            "shift__name",
        )
    ),
    volunteer=int,
    since=dt.datetime,
)


def signup_context_for_shift(volunteer: Volunteer, shift: Shift, *, now: dt.datetime) -> SignupContext:
    """What enrollment_check needs to decide `volunteer` on this one `shift` (read with
    REQUIREMENT_FLAGS): one query — the volunteer's active sign-ups that overlap the shift (or are
    on it) and their recent no-shows — plus one per kind of requirement the activity has
    (members only: two; skills; qualifications)."""
    activity: Activity = shift.activity
    since = _no_show_since(now)
    # Only a shift that intersects this one can overlap it (rule 11, whose grace is checked by the
    # rule) or be this one (rule 5); signup_contexts keeps every shift not ended.
    after = max(now, shift.starts_at)
    active, no_shows = [], 0
    for status, shift_id, starts_at, ends_at, title, name in _HELD_AND_NO_SHOWS.rows(
        volunteer=volunteer.pk, since=since
    ):
        if status == Enrollment.Status.NO_SHOW:
            if starts_at >= since:
                no_shows += 1
        elif starts_at < shift.ends_at and ends_at > after:
            active.append(ActiveEnrollment(shift_id, starts_at, ends_at, f"{title} · {name}"))
    members_only = activity.members_only or activity.visibility == Activity.Visibility.MEMBERS
    requires_qualifications = _requires(shift, "requires_activity_qualifications") or _requires(
        shift, "requires_shift_qualifications"
    )
    return SignupContext(
        volunteer_id=volunteer.pk,
        now=now,
        active=tuple(active),
        member_org_ids=_member_org_ids([volunteer.pk])[volunteer.pk] if members_only else frozenset(),
        skill_ids=_skill_ids([volunteer.pk])[volunteer.pk]
        if _requires(shift, "requires_skills")
        else frozenset(),
        no_shows=no_shows,
        qualifications=qualifications_by_volunteer([volunteer.pk])[volunteer.pk]
        if requires_qualifications
        else {},
    )


def signup_context(volunteer: Volunteer, *, now=None) -> SignupContext:
    """Everything about `volunteer` that enrollment_check needs, in at most 6 queries."""
    return signup_contexts([volunteer], now=now)[volunteer.pk]


def context_without_shift(context: SignupContext, shift_id: int) -> SignupContext:
    """The context as if the volunteer held nothing on `shift_id`: for re-checking a sign-up that
    already exists (one waiting for the guardian)."""
    return replace(context, active=tuple(a for a in context.active if a.shift_id != shift_id))
