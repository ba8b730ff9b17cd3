"""The sign-up rules: one function, `enrollment_check`, decides whether a volunteer may sign up for
a shift and with what outcome. The web pages, the API, the services and the tests all use it, and
every refusal carries a reason code and a sentence a volunteer understands.

The rules, in the order they are checked (the first one that fails is the answer):

1. the volunteer's account is active (not suspended, not awaiting a guardian's consent);
2. the activity is published (not a draft, cancelled, finished or archived);
3. the shift has not started;
4. sign-up is open: `activity.recruit_opens_at` has passed (if set) and
   `activity.recruit_closes_at` (default: the shift's start) has not;
5. the volunteer has no active enrollment (applied, confirmed, waitlisted) on this shift;
6. members-only activities (`members_only`, or visibility "members"): the volunteer has an active
   membership in the activity's organization **or in an organization below it** (a member of the
   sub-team 东湖社区小分队 may join the members-only activities of 当湖街道志愿服务队, but a member
   of the parent organization is not thereby a member of a sub-team's private activities: a
   sub-team is part of its parent, not the other way round);
7. political status, when required, is exactly the one required (a Party member does not pass
   for a League-only activity: the organizer asked for League members);
8. age on the day of the shift (Asia/Shanghai date of its start) within [min_age, max_age];
9. the volunteer has every skill the activity requires (self-declared tags), and every
   qualification the activity and the shift require (training app), not revoked and valid until
   the shift's end: MISSING_QUALIFICATION or QUALIFICATION_EXPIRED, with the course that grants
   it and its next session (`Decision.link` leads to the course);
10. fewer than HUIGUANG_NO_SHOW_LIMIT enrollments marked no_show on shifts that started within
    the last HUIGUANG_NO_SHOW_WINDOW_DAYS days;
11. no overlap with another active enrollment: two shifts overlap when their intervals intersect
    for more than HUIGUANG_OVERLAP_GRACE_MINUTES (back-to-back shifts, or a 15-minute handover,
    are fine);
12. the written agreement (书面协议) is accepted when the activity requires one;
13. capacity: a free place → confirmed (approval mode: applied); otherwise a free waitlist place
    → waitlisted (approval mode: applied, decided later); otherwise FULL;
14. a child under HUIGUANG_GUARDIAN_AGE on the day of the sign-up (the 条例: a minor takes part
    with the guardian's consent) whose guardian has not given the standing consent: the sign-up is
    held as `applied` with the reason GUARDIAN_APPROVAL and claims nothing; when the guardian
    approves (services.enrollments.enrollment_guardian_decide), every rule and the capacity are
    checked again (`guardian_approved=True`) and the place is taken then. A child without a
    guardian on record cannot sign up alone (NO_GUARDIAN).

`signup_context()` loads everything about the volunteer that the rules need in a fixed number of
queries, so checking a whole list of shifts (D's "shifts I can take") costs no query per shift,
provided the shifts come with `select_related("activity")` and `prefetch_related(*SHIFT_RULE_PREFETCH)`.
A refusal for a qualification looks up how to get it once per context batch (one query, shared).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.network.models import Membership, Organization
from huiguang.training.selectors import qualifications_by_volunteer
from huiguang.volunteers.models import Volunteer

from .models import Activity, Enrollment, Shift
from .permissions import is_organizer, organizer_q
from .sessions import grant_routes

# What a shift needs prefetched for the rules to make no query (with select_related("activity")).
SHIFT_RULE_PREFETCH = (
    "activity__required_skills",
    "activity__required_qualifications",
    "required_qualifications",
)


class Reason(models.TextChoices):
    """Why a sign-up (or another enrollment operation) is refused. The label is what a volunteer
    reads; `Decision.message` may say it more precisely (which age, which skill, which shift)."""

    FULL = "FULL", gettext_lazy("This shift is full and its waitlist is full too.")
    OVERLAPS = "OVERLAPS", gettext_lazy("This shift is at the same time as another shift you signed up for.")
    NOT_OPEN = "NOT_OPEN", gettext_lazy("Sign-up for this activity has not opened yet.")
    CLOSED = "CLOSED", gettext_lazy("Sign-up for this shift has closed.")
    STARTED = "STARTED", gettext_lazy("This shift has already started.")
    UNDER_AGE = "UNDER_AGE", gettext_lazy("You are younger than this activity's minimum age.")
    OVER_AGE = "OVER_AGE", gettext_lazy("You are older than this activity's maximum age.")
    MISSING_SKILL = "MISSING_SKILL", gettext_lazy("This activity needs a skill that is not in your profile.")
    MISSING_QUALIFICATION = (
        "MISSING_QUALIFICATION",
        gettext_lazy("This activity needs a qualification you do not hold."),
    )
    QUALIFICATION_EXPIRED = (
        "QUALIFICATION_EXPIRED",
        gettext_lazy("Your qualification for this activity expires before the shift ends."),
    )
    NOT_MEMBER = (
        "NOT_MEMBER",
        gettext_lazy("This activity is only for members of the organizing team: join the team first."),
    )
    POLITICAL_STATUS = (
        "POLITICAL_STATUS",
        gettext_lazy("This activity is only for volunteers of a certain political status."),
    )
    BLOCKED_NO_SHOWS = (
        "BLOCKED_NO_SHOWS",
        gettext_lazy(
            "You did not come to several shifts you had signed up for, so you cannot sign up for now."
        ),
    )
    ALREADY_ENROLLED = "ALREADY_ENROLLED", gettext_lazy("You have already signed up for this shift.")
    NOT_PUBLISHED = "NOT_PUBLISHED", gettext_lazy("This activity is not open for sign-up.")
    AGREEMENT_REQUIRED = (
        "AGREEMENT_REQUIRED",
        gettext_lazy("Read and accept the written agreement to sign up for this activity."),
    )
    VOLUNTEER_INACTIVE = (
        "VOLUNTEER_INACTIVE",
        gettext_lazy("Your volunteer account is not active, so you cannot sign up."),
    )
    NOT_VOLUNTEER = "NOT_VOLUNTEER", gettext_lazy("Register as a volunteer before signing up for activities.")
    # Refusals of the other enrollment operations (cancel, decide, team sign-up).
    CANCEL_TOO_LATE = (
        "CANCEL_TOO_LATE",
        gettext_lazy("It is too late to cancel online: please tell the organizer."),
    )
    NOT_ACTIVE = "NOT_ACTIVE", gettext_lazy("This sign-up has already been cancelled or decided.")
    TEAM_REFUSED = (
        "TEAM_REFUSED",
        gettext_lazy("Nobody was signed up: some of the chosen volunteers cannot take this shift."),
    )
    NOBODY_CHOSEN = "NOBODY_CHOSEN", gettext_lazy("Choose at least one volunteer.")
    # Rule 14: not a refusal but the outcome's reason (Decision.ok is True, outcome "applied").
    GUARDIAN_APPROVAL = (
        "GUARDIAN_APPROVAL",
        gettext_lazy("Your guardian must agree to this sign-up: we will ask them."),
    )
    NO_GUARDIAN = (
        "NO_GUARDIAN",
        gettext_lazy("Young volunteers sign up with a guardian's consent, and none is on record."),
    )


# `Enrollment.reason` of an application that waits for the child's guardian (rule 14); the
# organizer's decisions and counts skip it, the guardian's decision clears it.
GUARDIAN_PENDING = Reason.GUARDIAN_APPROVAL.value

# Refusals that mean "your request is missing something" (422) rather than "not now" (409).
UNPROCESSABLE = frozenset({Reason.AGREEMENT_REQUIRED, Reason.NOBODY_CHOSEN})


@dataclass(frozen=True)
class Decision:
    ok: bool
    # A refusal's code; for a sign-up that waits for the guardian (ok, outcome "applied"):
    # GUARDIAN_APPROVAL.
    reason: str | None
    message: str
    outcome: str | None  # "confirmed" | "applied" | "waitlisted" when ok
    link: str = ""  # where to go about a refusal (the course that grants a missing qualification)


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


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years completed on `day` (a birthday on 29 February counts on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


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


def guardian_approval_needed(volunteer: Volunteer, now: dt.datetime) -> bool:
    """Rule 14: under HUIGUANG_GUARDIAN_AGE today and no standing consent of the guardian."""
    age = age_on(volunteer.birth_date, timezone.localtime(now).date())
    return age < settings.HUIGUANG_GUARDIAN_AGE and volunteer.guardian_standing_consent_at is None


def _refuse(reason: Reason, message: str | None = None) -> Decision:
    return Decision(ok=False, reason=reason.value, message=str(message or reason.label), outcome=None)


def _local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def rule_refusal(
    volunteer: Volunteer, shift: Shift, *, context: SignupContext, now: dt.datetime, agreement_accepted: bool
) -> Decision | None:
    """Rules 1-12 (everything but capacity); None when the volunteer passes them all."""
    activity: Activity = shift.activity
    if volunteer.status == Volunteer.Status.AWAITING_GUARDIAN:
        return _refuse(
            Reason.VOLUNTEER_INACTIVE,
            _("Your guardian has not agreed yet: you can sign up after your guardian's consent."),
        )
    if volunteer.status != Volunteer.Status.ACTIVE:
        return _refuse(Reason.VOLUNTEER_INACTIVE)
    if activity.status != Activity.Status.PUBLISHED:
        if activity.status == Activity.Status.CANCELLED:
            return _refuse(Reason.NOT_PUBLISHED, _("This activity has been cancelled."))
        return _refuse(Reason.NOT_PUBLISHED)
    if shift.starts_at <= now:
        return _refuse(Reason.STARTED)
    if activity.recruit_opens_at and now < activity.recruit_opens_at:
        return _refuse(
            Reason.NOT_OPEN,
            _("Sign-up has not opened yet: it opens at %(when)s.")
            % {"when": _local(activity.recruit_opens_at)},
        )
    # Closing after the shift's start changes nothing: rule 3 already refused a started shift.
    closes_at = activity.recruit_closes_at or shift.starts_at
    if now >= closes_at:
        return _refuse(Reason.CLOSED, _("Sign-up closed at %(when)s.") % {"when": _local(closes_at)})
    if shift.pk in context.active_shift_ids:
        return _refuse(Reason.ALREADY_ENROLLED)
    if (activity.members_only or activity.visibility == Activity.Visibility.MEMBERS) and (
        activity.organization_id not in context.member_org_ids
    ):
        return _refuse(Reason.NOT_MEMBER)
    if activity.political_status and volunteer.political_status != activity.political_status:
        labels = dict(Volunteer.Political.choices)
        label = labels.get(activity.political_status, activity.political_status)
        return _refuse(
            Reason.POLITICAL_STATUS,
            _("This activity is only for volunteers who are: %(status)s.") % {"status": label},
        )
    if activity.min_age is not None or activity.max_age is not None:
        age = age_on(volunteer.birth_date, timezone.localtime(shift.starts_at).date())
        if activity.min_age is not None and age < activity.min_age:
            return _refuse(
                Reason.UNDER_AGE,
                _("This activity is for volunteers aged %(age)d or older on the day of the shift.")
                % {"age": activity.min_age},
            )
        if activity.max_age is not None and age > activity.max_age:
            return _refuse(
                Reason.OVER_AGE,
                _("This activity is for volunteers aged %(age)d or younger on the day of the shift.")
                % {"age": activity.max_age},
            )
    missing = [s for s in activity.required_skills.all() if s.pk not in context.skill_ids]
    if missing:
        return _refuse(
            Reason.MISSING_SKILL,
            _("This activity needs a skill that is not in your profile: %(skills)s.")
            % {"skills": "、".join(s.name for s in missing)},
        )
    qualification_refusal = _qualification_refusal(shift, context)
    if qualification_refusal is not None:
        return qualification_refusal
    if context.no_shows >= settings.HUIGUANG_NO_SHOW_LIMIT:
        return _refuse(
            Reason.BLOCKED_NO_SHOWS,
            _(
                "You did not come to %(count)d shifts you had signed up for in the last %(days)d days, "
                "so you cannot sign up for now."
            )
            % {"count": context.no_shows, "days": settings.HUIGUANG_NO_SHOW_WINDOW_DAYS},
        )
    grace = dt.timedelta(minutes=settings.HUIGUANG_OVERLAP_GRACE_MINUTES)
    for other in context.active:
        if other.shift_id == shift.pk:
            continue
        if min(other.ends_at, shift.ends_at) - max(other.starts_at, shift.starts_at) > grace:
            return _refuse(
                Reason.OVERLAPS,
                _("This shift is at the same time as another shift you signed up for: %(other)s, %(when)s.")
                % {"other": other.label, "when": _local(other.starts_at)},
            )
    if activity.agreement_required and not agreement_accepted:
        return _refuse(Reason.AGREEMENT_REQUIRED)
    return None


def _qualification_refusal(shift: Shift, context: SignupContext) -> Decision | None:
    """Rule 9's second half: every required qualification held and valid on the shift's last day."""
    last_day = timezone.localtime(shift.ends_at).date()
    required = {t.pk: t for t in shift.activity.required_qualifications.all()}
    required.update({t.pk: t for t in shift.required_qualifications.all()})
    for type_id in sorted(required):
        kind = required[type_id]
        if type_id not in context.qualifications:
            reason = Reason.MISSING_QUALIFICATION
            text = _("This activity needs the qualification %(qualification)s, which you do not hold.")
        else:
            expires = context.qualifications[type_id]
            if expires is None or expires >= last_day:
                continue
            reason = Reason.QUALIFICATION_EXPIRED
            text = _(
                "Your qualification %(qualification)s expires on %(expires)s, before this shift ends: "
                "renew it first."
            )
        message = text % {
            "qualification": kind.name,
            "expires": date_format(context.qualifications.get(type_id) or last_day, "Y-m-d"),
        }
        how, link = _how_to_qualify(type_id, context)
        return Decision(ok=False, reason=reason.value, message=f"{message} {how}", outcome=None, link=link)
    return None


def _how_to_qualify(type_id: int, context: SignupContext) -> tuple[str, str]:
    """The sentence (and the link) that says which course grants a qualification and when it meets next."""
    if "loaded" not in context.routes:
        context.routes.update(grant_routes(now=context.now))
        context.routes["loaded"] = True
    route = context.routes.get(type_id)
    if route is None:
        return str(_("No course on the platform grants it yet: ask the organizer.")), ""
    link = reverse("activities:course_detail", args=[route.course_id])
    if route.session_starts_at is None:
        return (
            _("The course %(course)s grants it; no session is planned yet.") % {"course": route.course_title},
            link,
        )
    return (
        _("The course %(course)s grants it; its next session starts %(when)s.")
        % {"course": route.course_title, "when": _local(route.session_starts_at)},
        link,
    )


def capacity_outcome(shift: Shift) -> str | None:
    """What the counters allow now: confirmed / waitlisted (instant mode), applied (approval mode),
    or None when every place and every waitlist place is taken."""
    has_place = shift.taken < shift.capacity
    has_waitlist = shift.waitlisted < shift.waitlist_size
    if not (has_place or has_waitlist):
        return None
    if shift.activity.signup_mode == Activity.SignupMode.APPROVAL:
        return Enrollment.Status.APPLIED
    return Enrollment.Status.CONFIRMED if has_place else Enrollment.Status.WAITLISTED


def enrollment_check(
    volunteer: Volunteer,
    shift: Shift,
    *,
    context: SignupContext | None = None,
    now: dt.datetime | None = None,
    agreement_accepted: bool = True,
    guardian_approved: bool = False,
) -> Decision:
    """May `volunteer` sign up for `shift`, and with which outcome? See the module docstring.

    With a `context` (signup_context) and a shift that comes with its activity and the activity's
    required skills, this makes no query at all. `guardian_approved`: the guardian has just
    approved this sign-up (rule 14 is then satisfied).
    """
    now = now or (context.now if context is not None else timezone.now())
    if context is None:
        context = signup_context(volunteer, now=now)
    refusal = rule_refusal(volunteer, shift, context=context, now=now, agreement_accepted=agreement_accepted)
    if refusal is not None:
        return refusal
    outcome = capacity_outcome(shift)
    if outcome is None:
        return _refuse(Reason.FULL)
    if not guardian_approved and guardian_approval_needed(volunteer, now):
        if volunteer.guardian_id is None:
            return _refuse(
                Reason.NO_GUARDIAN,
                _(
                    "Volunteers under %(age)d sign up with a guardian's consent, and none is on record: "
                    "please ask the organizer."
                )
                % {"age": settings.HUIGUANG_GUARDIAN_AGE},
            )
        return Decision(
            ok=True,
            reason=Reason.GUARDIAN_APPROVAL.value,
            message=str(Reason.GUARDIAN_APPROVAL.label),
            outcome=str(Enrollment.Status.APPLIED),
        )
    messages: dict[str, str] = {
        Enrollment.Status.CONFIRMED: _("You can sign up: a place is free."),
        Enrollment.Status.WAITLISTED: _("Every place is taken: you can join the waitlist."),
        Enrollment.Status.APPLIED: _("You can apply: the organizer decides on each sign-up."),
    }
    return Decision(ok=True, reason=None, message=str(messages[outcome]), outcome=str(outcome))


# --- who organizes a shift ------------------------------------------------------------------------


def shifts_organized_by(user) -> QuerySet[Shift]:
    if not is_organizer(user):
        return Shift.objects.none()
    return Shift.objects.filter(organizer_q(user, "activity__")).select_related(
        "activity", "activity__organization"
    )


def enrollments_organized_by(user) -> QuerySet[Enrollment]:
    if not is_organizer(user):
        return Enrollment.objects.none()
    return Enrollment.objects.filter(organizer_q(user, "shift__activity__")).select_related(
        "shift", "shift__activity", "volunteer", "volunteer__user"
    )


def team_members_q(activity: Activity, prefix: str = "") -> Q:
    """Volunteers a leader may sign up as a team: active members of the activity's organization or
    of an organization below it."""
    return Q(
        **{
            f"{prefix}memberships__status": Membership.Status.ACTIVE,
            f"{prefix}memberships__organization__path__startswith": activity.organization.path,
        }
    )
