"""Finding activities: who sees what, the public list and an activity's page (filters:
selectors/search.py; "shifts I can take", "my activities", calendars: selectors/mine.py).

What the public sees (decided here, used by the web pages, the API and the calendars):

- An activity exists publicly once it has been published: status published, finished or
  archived. Drafts, activities waiting for review and returned ones answer 404. A cancelled
  activity answers 404 too, except to a volunteer who had signed up for it (their notification
  links to the page, which then says it was cancelled).
- Visibility "public": everyone sees it. Visibility "members": only volunteers with an active
  membership in the activity's organization or in one of its sub-teams (the sign-up rules'
  definition of a member) see it, in the lists and on its page, marked "members only"; for
  everyone else it does not exist (404). The separate `members_only`
  *requirement* (only members may sign up) does not hide an activity: it is shown with a
  "members only" badge and the sign-up rules explain the refusal.

Every list runs a constant number of queries whatever the number of rows: shifts come
prefetched, sign-up decisions use one `signup_context` for the whole page (activities.rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.links import absolute_url
from huiguang.network.models import Membership, Region
from huiguang.volunteers.models import Volunteer

from ..models import Activity, ActivityPhoto, Category, Enrollment, Shift
from ..rules.context import signup_context
from ..rules.decide import enrollment_check
from ..rules.reasons import Decision
from .search import ActivityFilters, NearbyActivities, geo_annotated, subject_q, time_q, within

PUBLIC_STATUSES = (Activity.Status.PUBLISHED, Activity.Status.FINISHED, Activity.Status.ARCHIVED)
LISTED_STATUSES = (Activity.Status.PUBLISHED, Activity.Status.FINISHED)  # archived: page only


# --- who sees what ---------------------------------------------------------------------------


def volunteer_of(user):
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "volunteer", None)


def member_organization_paths(volunteer) -> list[str]:
    """Paths of the organizations whose members-only activities the volunteer sees: those with an
    active membership and every organization above them (as the sign-up rules count membership:
    a member of a sub-team belongs to its parent organization too)."""
    if volunteer is None:
        return []
    paths: set[str] = set()
    for path in Membership.objects.filter(volunteer=volunteer, status=Membership.Status.ACTIVE).values_list(
        "organization__path", flat=True
    ):
        codes = [c for c in path.split("/") if c]
        paths.update("/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes)))
    return sorted(paths)


def visibility_q(org_paths: Iterable[str], prefix: str = "") -> Q:
    q = Q(**{f"{prefix}visibility": Activity.Visibility.PUBLIC})
    org_paths = list(org_paths)
    if org_paths:
        q |= Q(
            **{
                f"{prefix}visibility": Activity.Visibility.MEMBERS,
                f"{prefix}organization__path__in": org_paths,
            }
        )
    return q


def activities_visible_to(user, *, statuses=PUBLIC_STATUSES) -> QuerySet[Activity]:
    """Activities that exist publicly for this user (see the module docstring)."""
    org_paths = member_organization_paths(volunteer_of(user))
    return Activity.objects.filter(visibility_q(org_paths), status__in=statuses)


# --- the public list -------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """Places over all the shifts of an activity (from prefetched shifts: no query)."""

    shifts: int = 0
    capacity: int = 0
    taken: int = 0
    waitlist_free: int = 0

    @property
    def left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.shifts > 0 and self.left == 0


def places_of(shifts: Iterable[Shift]) -> Places:
    shifts = list(shifts)
    return Places(
        shifts=len(shifts),
        capacity=sum(s.capacity for s in shifts),
        taken=sum(min(s.taken, s.capacity) for s in shifts),
        waitlist_free=sum(max(s.waitlist_size - s.waitlisted, 0) for s in shifts),
    )


def _card_queryset(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.select_related("organization", "category", "region", "site").prefetch_related(
        Prefetch("shifts", queryset=Shift.objects.order_by("starts_at", "name", "id"))
    )


def with_places(activities: Iterable[Activity]) -> list[Activity]:
    """Attach `places` (a Places) to each activity of a page; the shifts must be prefetched."""
    out = list(activities)
    for a in out:
        a.places = places_of(a.shifts.all())  # type: ignore[attr-defined]
        if not hasattr(a, "distance_km"):
            a.distance_km = None  # type: ignore[attr-defined]
    return out


def activity_search(
    user, filters: ActivityFilters, *, now: dt.datetime | None = None
) -> QuerySet[Activity] | NearbyActivities:
    """The public list: visible activities matching the filters, soonest first (past: latest
    first; near a point: nearest first). Shifts come prefetched: call `with_places` on a page."""
    now = now or timezone.now()
    qs = _card_queryset(
        activities_visible_to(user, statuses=LISTED_STATUSES).filter(subject_q(filters), time_q(filters, now))
    )
    if filters.near:
        return NearbyActivities(within(geo_annotated(qs), filters), qs)
    return qs.order_by("-starts_at", "-id") if filters.past else qs.order_by("starts_at", "id")


def filter_choices() -> dict:
    """What the filter bar offers: towns and streets, service categories."""
    return {
        "towns": list(Region.objects.filter(level=Region.Level.TOWN).only("code", "name")),
        "categories": list(Category.objects.only("code", "name")),
    }


# --- one activity ----------------------------------------------------------------------------


def _detail_queryset(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.select_related("organization", "category", "region", "site").prefetch_related(
        "required_skills",
        "required_qualifications",
        Prefetch(
            "shifts",
            queryset=Shift.objects.order_by("starts_at", "name", "id").prefetch_related(
                "required_qualifications"
            ),
        ),
        Prefetch("photos", queryset=ActivityPhoto.objects.order_by("uploaded_at", "id")),
    )


def activity_get_public(user, pk: int) -> Activity:
    """A visible activity with its shifts, skills and photos; 404 otherwise (module docstring)."""
    activity = _detail_queryset(activities_visible_to(user)).filter(pk=pk).first()
    if activity is None:
        volunteer = volunteer_of(user)
        if volunteer is not None:
            activity = (
                _detail_queryset(Activity.objects.filter(status=Activity.Status.CANCELLED))
                .filter(pk=pk, shifts__enrollments__volunteer=volunteer)
                .distinct()
                .first()
            )
    if activity is None:
        raise Http404
    return activity


def waitlist_position() -> Subquery:
    """1-based place of a waitlisted enrollment in its shift's queue (promotion order: oldest first)."""
    ahead = (
        Enrollment.objects.filter(shift=OuterRef("shift"), status=Enrollment.Status.WAITLISTED)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("shift")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead)


@dataclass
class ShiftRow:
    """One shift on the activity page, as the visitor sees it."""

    shift: Shift
    enrollment: Enrollment | None = None  # the visitor's active enrollment
    decision: Decision | None = None  # whether the visitor may sign up (no active enrollment)

    @property
    def waitlist_position(self) -> int | None:
        return getattr(self.enrollment, "waitlist_position", None) if self.enrollment else None

    @property
    def started(self) -> bool:
        return self.shift.starts_at <= timezone.now()


@dataclass
class ActivityPage:
    activity: Activity
    rows: list[ShiftRow]
    places: Places
    volunteer: object | None
    gallery: list[ActivityPhoto] = field(default_factory=list)
    outcome_photos: list[ActivityPhoto] = field(default_factory=list)
    is_member_visible: bool = False

    @property
    def has_outcome(self) -> bool:
        a = self.activity
        return bool(a.people_served or a.outcome_summary or self.outputs or self.outcome_photos)

    @property
    def outputs(self) -> list[dict]:
        """The outcome's outputs ([{"name": "爱心包", "count": 200}]), ignoring malformed items."""
        items = self.activity.outputs if isinstance(self.activity.outputs, list) else []
        return [
            {"name": str(o["name"]), "count": o.get("count")}
            for o in items
            if isinstance(o, dict) and o.get("name")
        ]

    @property
    def coordinates(self) -> tuple[float, float] | None:
        return activity_coordinates(self.activity)

    @property
    def share_url(self) -> str:
        return activity_share_url(self.activity)

    @property
    def requirements(self) -> list[str]:
        return activity_requirements(self.activity)


def activity_coordinates(activity: Activity) -> tuple[float, float] | None:
    """The activity's point, or its site's (the activity's site must be loaded)."""
    lat, lng = activity.lat, activity.lng
    if (lat is None or lng is None) and activity.site_id and activity.site:
        lat, lng = activity.site.lat, activity.site.lng
    return (float(lat), float(lng)) if lat is not None and lng is not None else None


def activity_share_url(activity: Activity) -> str:
    return absolute_url(reverse("activities:detail", args=[activity.pk]))


def activity_requirements(activity: Activity) -> list[str]:
    """What the sign-up rules will check, in words (required skills must be prefetched)."""
    out = []
    if activity.min_age is not None and activity.max_age is not None:
        out.append(
            _("Aged %(min)d to %(max)d on the day of the shift.")
            % {"min": activity.min_age, "max": activity.max_age}
        )
    elif activity.min_age is not None:
        out.append(_("Aged %(age)d or older on the day of the shift.") % {"age": activity.min_age})
    elif activity.max_age is not None:
        out.append(_("Aged %(age)d or younger on the day of the shift.") % {"age": activity.max_age})
    skills = [s.name for s in activity.required_skills.all()]
    if skills:
        out.append(_("Skills: %(skills)s.") % {"skills": "、".join(skills)})
    qualifications = [q.name for q in activity.required_qualifications.all()]
    if qualifications:
        out.append(
            _("Qualifications, valid until the shift ends: %(names)s.") % {"names": "、".join(qualifications)}
        )
    if activity.members_only or activity.visibility == Activity.Visibility.MEMBERS:
        out.append(
            _("Only members of %(org)s (or of its teams) can sign up.") % {"org": activity.organization.name}
        )
    if activity.political_status:
        label = dict(Volunteer.Political.choices).get(activity.political_status, activity.political_status)
        out.append(_("Only for volunteers who are: %(status)s.") % {"status": label})
    return out


def activity_page(user, activity: Activity, *, now: dt.datetime | None = None) -> ActivityPage:
    """The shifts of a visible activity with, for a volunteer, their enrollment or the sign-up
    decision of each shift (one signup_context for the page)."""
    now = now or timezone.now()
    shifts = list(activity.shifts.all())  # prefetched; shift.activity is this activity (no query)
    volunteer = volunteer_of(user)
    rows = [ShiftRow(shift=s) for s in shifts]
    if volunteer is not None and shifts:
        mine = {
            e.shift_id: e
            for e in Enrollment.objects.filter(
                volunteer=volunteer, shift__activity=activity, status__in=Enrollment.ACTIVE
            ).annotate(waitlist_position=waitlist_position())
        }
        for row in rows:
            row.enrollment = mine.get(row.shift.pk)
        # Only a published activity takes sign-ups; finished or archived ones show no button.
        if activity.status == Activity.Status.PUBLISHED:
            context = signup_context(volunteer, now=now)
            for row in rows:
                if row.enrollment is None:
                    row.decision = enrollment_check(volunteer, row.shift, context=context, now=now)
    photos = list(activity.photos.all())
    return ActivityPage(
        activity=activity,
        rows=rows,
        places=places_of(shifts),
        volunteer=volunteer,
        gallery=[p for p in photos if p.kind == ActivityPhoto.Kind.GALLERY],
        outcome_photos=[p for p in photos if p.kind == ActivityPhoto.Kind.OUTCOME],
    )
