"""Finding activities: the public list and page, "shifts I can take", "my activities", calendars.

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
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors
from huiguang.core.geo import bounding_box, haversine_km
from huiguang.network.models import Membership, Region
from huiguang.volunteers.models import Volunteer

from ..models import Activity, ActivityPhoto, CalendarToken, Category, Enrollment, Shift
from ..rules import Decision, enrollment_check, signup_context

PUBLIC_STATUSES = (Activity.Status.PUBLISHED, Activity.Status.FINISHED, Activity.Status.ARCHIVED)
LISTED_STATUSES = (Activity.Status.PUBLISHED, Activity.Status.FINISHED)  # archived: page only
DEFAULT_KM = 10.0
MAX_KM = 200.0
# "Shifts I can take" checks the rules on the soonest upcoming shifts that match the filters;
# beyond this many the volunteer narrows the search (dates, region, distance) instead.
CAN_TAKE_SCAN_LIMIT = 2000


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFilters:
    """Parsed, valid search filters. Codes are already resolved (region → path, category → id)."""

    q: str = ""
    region: str = ""  # the code, as given
    region_path: str = ""
    region_name: str = ""
    category: str = ""  # the code, as given
    category_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    lat: float | None = None
    lng: float | None = None
    km: float | None = None
    past: bool = False

    @property
    def near(self) -> bool:
        return self.lat is not None and self.lng is not None and self.km is not None


def _text(data: Mapping, name: str, limit: int = 64) -> str:
    value = data.get(name)
    return str(value).strip()[:limit] if value is not None else ""


def _date(data: Mapping, name: str, errors: dict) -> dt.date | None:
    raw = _text(data, name, 32)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = [_("Enter a date such as 2026-05-01.")]
        return None


def _number(data: Mapping, name: str, low: float, high: float, errors: dict) -> float | None:
    raw = _text(data, name, 32)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        errors[name] = [
            _("Enter a number from %(low)s to %(high)s.") % {"low": f"{low:g}", "high": f"{high:g}"}
        ]
        return None
    return value


def parse_activity_filters(data: Mapping) -> ActivityFilters:
    """Filters from a query string (web) or the API's query parameters; bad values → FieldErrors.

    `region`: a region code, its whole subtree; `category`: a category code; `date_from` /
    `date_to`: ISO dates, activities that take place on any day of the range; `q`: words in the
    title, description or organization name; `lat`, `lng`, `km`: within `km` (default 10) of a
    point; `when=past`: activities that have ended (otherwise, without dates, upcoming ones).
    """
    errors: dict[str, list[str]] = {}
    q = _text(data, "q")
    region = _text(data, "region", 15)
    region_path = region_name = ""
    if region:
        region_path, region_name = Region.objects.filter(code=region).values_list("path", "name").first() or (
            "",
            "",
        )
        if not region_path:
            errors["region"] = [_("No region has the code %(code)s.") % {"code": region}]
    category = _text(data, "category", 32)
    category_id = None
    if category:
        category_id = Category.objects.filter(code=category).values_list("pk", flat=True).first()
        if category_id is None:
            errors["category"] = [_("There is no service category %(code)s.") % {"code": category}]
    date_from = _date(data, "date_from", errors)
    date_to = _date(data, "date_to", errors)
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = [_("The end date is before the start date.")]
    lat = _number(data, "lat", -90, 90, errors)
    lng = _number(data, "lng", -180, 180, errors)
    km = _number(data, "km", 0.1, MAX_KM, errors)
    if "lat" not in errors and "lng" not in errors:
        if lat is None and lng is not None:
            errors["lat"] = [_("Give both the latitude and the longitude.")]
        elif lng is None and lat is not None:
            errors["lng"] = [_("Give both the latitude and the longitude.")]
        elif lat is None and km is not None:
            errors["km"] = [
                _("A distance needs a point: give the latitude and longitude, or use your location.")
            ]
    if lat is not None and lng is not None and km is None and "km" not in errors:
        km = DEFAULT_KM
    when = _text(data, "when", 16)
    if when not in ("", "upcoming", "past"):
        errors["when"] = [_("Choose upcoming or past activities.")]
    if errors:
        raise FieldErrors(errors)
    return ActivityFilters(
        q=q,
        region=region,
        region_path=region_path,
        region_name=region_name,
        category=category,
        category_id=category_id,
        date_from=date_from,
        date_to=date_to,
        lat=lat,
        lng=lng,
        km=km,
        past=when == "past",
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _subject_q(f: ActivityFilters, prefix: str = "") -> Q:
    """Region, category and keyword: about the activity (`prefix` "activity__" from a shift)."""
    q = Q()
    if f.region_path:
        q &= Q(**{f"{prefix}region__path__startswith": f.region_path})
    if f.category_id:
        q &= Q(**{f"{prefix}category_id": f.category_id})
    for word in f.q.split():
        q &= (
            Q(**{f"{prefix}title__icontains": word})
            | Q(**{f"{prefix}description__icontains": word})
            | Q(**{f"{prefix}organization__name__icontains": word})
        )
    return q


def _time_q(f: ActivityFilters, now: dt.datetime) -> Q:
    """Dates and upcoming/past, on the `starts_at`/`ends_at` of the rows filtered (activity or shift)."""
    q = Q()
    if f.date_from:
        q &= Q(ends_at__gt=_local_midnight(f.date_from))
    if f.date_to:
        q &= Q(starts_at__lt=_local_midnight(f.date_to + dt.timedelta(days=1)))
    if f.past:
        q &= Q(ends_at__lte=now)
    elif not (f.date_from or f.date_to):
        q &= Q(ends_at__gt=now)
    return q


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


def _visibility_q(org_paths: Iterable[str], prefix: str = "") -> Q:
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
    return Activity.objects.filter(_visibility_q(org_paths), status__in=statuses)


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


def _geo_annotated(qs: QuerySet, prefix: str = "") -> QuerySet:
    """Coordinates of the activity, or of its site when the activity has none."""
    return qs.annotate(
        geo_lat=Coalesce(F(f"{prefix}lat"), F(f"{prefix}site__lat")),
        geo_lng=Coalesce(F(f"{prefix}lng"), F(f"{prefix}site__lng")),
    )


def _within(qs: QuerySet, f: ActivityFilters) -> list[tuple[float, int, dt.datetime]]:
    """(distance km, pk, starts_at) of the rows within `f.km` of the point, nearest first.

    The bounding box is SQL (indexable, cheap); the exact great-circle cut is Python.
    """
    assert f.lat is not None and f.lng is not None and f.km is not None
    box = bounding_box(f.lat, f.lng, f.km)
    rows = qs.filter(
        geo_lat__gte=box.min_lat, geo_lat__lte=box.max_lat, geo_lng__gte=box.min_lng, geo_lng__lte=box.max_lng
    ).values_list("pk", "geo_lat", "geo_lng", "starts_at")
    hits = []
    for pk, lat, lng, starts_at in rows:
        d = haversine_km(f.lat, f.lng, lat, lng)
        if d <= f.km:
            hits.append((d, pk, starts_at))
    hits.sort(key=lambda h: (h[0], h[2], h[1]))
    return hits


class NearbyActivities(Sequence):
    """Activities ordered by distance, loaded a page at a time (Paginator and Ninja slice it).

    Holds only (distance, pk) pairs for every match; a slice loads its activities in one query
    (plus the prefetches) and sets `distance_km` on each.
    """

    def __init__(self, hits: list[tuple[float, int, dt.datetime]], queryset: QuerySet[Activity]):
        self.hits = hits
        self.queryset = queryset

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index):
        if isinstance(index, slice):
            part = self.hits[index]
            objects = self.queryset.in_bulk([pk for _, pk, _ in part])
            out = []
            for distance, pk, _ in part:
                obj = objects.get(pk)
                if obj is not None:
                    obj.distance_km = round(distance, 2)  # type: ignore[attr-defined]
                    out.append(obj)
            return out
        items = self[index : index + 1] if index >= 0 else self[index:][:1]
        if not items:
            raise IndexError(index)
        return items[0]

    def __iter__(self):
        return iter(self[:])


def activity_search(
    user, filters: ActivityFilters, *, now: dt.datetime | None = None
) -> QuerySet[Activity] | NearbyActivities:
    """The public list: visible activities matching the filters, soonest first (past: latest
    first; near a point: nearest first). Shifts come prefetched: call `with_places` on a page."""
    now = now or timezone.now()
    qs = _card_queryset(
        activities_visible_to(user, statuses=LISTED_STATUSES).filter(
            _subject_q(filters), _time_q(filters, now)
        )
    )
    if filters.near:
        return NearbyActivities(_within(_geo_annotated(qs), filters), qs)
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
        Prefetch("shifts", queryset=Shift.objects.order_by("starts_at", "name", "id")),
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


def _waitlist_position() -> Subquery:
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
    return settings.HUIGUANG_SITE_URL.rstrip("/") + reverse("activities:detail", args=[activity.pk])


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
            ).annotate(waitlist_position=_waitlist_position())
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


# --- shifts I can take -----------------------------------------------------------------------


@dataclass
class ShiftOption:
    shift: Shift
    decision: Decision
    distance_km: float | None = None


def shifts_i_can_take(
    volunteer, filters: ActivityFilters, *, now: dt.datetime | None = None
) -> list[ShiftOption]:
    """Upcoming shifts of published activities the volunteer may sign up for right now.

    The candidates (matching the filters, not yet started, not already taken by the volunteer)
    come in one query with what the rules need (activity, required skills); the rules decide with
    one signup_context, so the number of queries does not depend on the number of shifts.
    """
    now = now or timezone.now()
    filters = replace(filters, past=False)  # a shift one can take has not started
    org_paths = member_organization_paths(volunteer)
    qs = (
        Shift.objects.filter(
            _visibility_q(org_paths, "activity__"),
            _subject_q(filters, "activity__"),
            _time_q(filters, now),
            activity__status=Activity.Status.PUBLISHED,
            starts_at__gt=now,
        )
        .exclude(
            pk__in=Enrollment.objects.filter(volunteer=volunteer, status__in=Enrollment.ACTIVE).values(
                "shift_id"
            )
        )
        .select_related(
            "activity", "activity__organization", "activity__category", "activity__region", "activity__site"
        )
        .prefetch_related("activity__required_skills")
    )
    distances: dict[int, float] = {}
    if filters.near:
        hits = _within(_geo_annotated(qs, "activity__"), filters)
        distances = {pk: d for d, pk, _ in hits[:CAN_TAKE_SCAN_LIMIT]}
        shifts = sorted(qs.filter(pk__in=list(distances)), key=lambda s: (distances[s.pk], s.starts_at, s.pk))
    else:
        shifts = list(qs.order_by("starts_at", "pk")[:CAN_TAKE_SCAN_LIMIT])
    _share_activities(shifts)
    context = signup_context(volunteer, now=now)
    options = []
    for shift in shifts:
        decision = enrollment_check(volunteer, shift, context=context, now=now)
        if decision.ok:
            d = distances.get(shift.pk)
            options.append(
                ShiftOption(
                    shift=shift, decision=decision, distance_km=round(d, 2) if d is not None else None
                )
            )
    return options


def _share_activities(shifts: list[Shift]) -> None:
    """Shifts of one activity share one Activity object (and its prefetched skills)."""
    seen: dict[int, Activity] = {}
    for s in shifts:
        s.activity = seen.setdefault(s.activity_id, s.activity)


# --- my activities ---------------------------------------------------------------------------


def my_enrollments(volunteer) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(volunteer=volunteer)
        .select_related("shift", "shift__activity", "shift__activity__organization", "shift__activity__site")
        .annotate(waitlist_position=_waitlist_position())
    )


def my_upcoming(volunteer, *, now: dt.datetime | None = None) -> QuerySet[Enrollment]:
    """Every enrollment (any status) on a shift that has not ended, soonest first."""
    now = now or timezone.now()
    return my_enrollments(volunteer).filter(shift__ends_at__gt=now).order_by("shift__starts_at", "pk")


def my_past(volunteer, *, now: dt.datetime | None = None) -> QuerySet[Enrollment]:
    now = now or timezone.now()
    return my_enrollments(volunteer).filter(shift__ends_at__lte=now).order_by("-shift__starts_at", "-pk")


# --- calendars -------------------------------------------------------------------------------


def calendar_token_of(volunteer) -> CalendarToken | None:
    return CalendarToken.objects.filter(volunteer=volunteer).first() if volunteer is not None else None


def calendar_feed_enrollments(token: str, *, now: dt.datetime | None = None) -> QuerySet[Enrollment]:
    """The enrollments in a calendar feed: the token owner's confirmed, awaiting and waitlisted
    shifts that have not ended. A wrong or replaced token → 404."""
    now = now or timezone.now()
    volunteer_id = CalendarToken.objects.filter(token=token).values_list("volunteer_id", flat=True).first()
    if volunteer_id is None:
        raise Http404
    return (
        Enrollment.objects.filter(
            volunteer_id=volunteer_id, status__in=Enrollment.ACTIVE, shift__ends_at__gt=now
        )
        .select_related("shift", "shift__activity", "shift__activity__organization", "shift__activity__site")
        .order_by("shift__starts_at", "pk")
    )
