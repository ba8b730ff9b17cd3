"""API v1, finding activities: the public list with filters and one activity with its shifts.

Anyone may read (no credentials needed); a volunteer calling with a token or session also sees
the members-only activities of their organizations and, on one activity, their own enrollment
and the sign-up decision for each shift (the same rules as the web page).
"""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from huiguang.accounts.auth import PUBLIC_AUTH, PUBLIC_SECURITY
from huiguang.core.api import ERRORS, Pagination, RegionCode, ShortText
from huiguang.core.links import absolute_url
from huiguang.network.schemas import OrganizationRef, RegionRef

from ..selectors import public as sel
from ..selectors import search

router = Router(tags=["activities"])


# --- schemas -----------------------------------------------------------------------------------


class PublicActivityFilter(Schema):
    q: ShortText = Field("", description="Words in the title, the description or the organization's name.")
    region: RegionCode = Field("", description="A region code: activities in that region and below it.")
    category: ShortText = Field("", description="A service category code.")
    date_from: ShortText = Field(
        "", description="ISO date (2026-05-01): activities taking place on or after it."
    )
    date_to: ShortText = Field("", description="ISO date: activities taking place on or before it.")
    lat: ShortText = Field("", description="Latitude of a point, decimal degrees (with `lng`).")
    lng: ShortText = Field("", description="Longitude of the point, decimal degrees.")
    km: ShortText = Field(
        "",
        description=f"Distance from the point in km (default {search.DEFAULT_KM:g}, "
        f"at most {search.MAX_KM:g}); "
        "with a point the list is ordered nearest first.",
    )
    when: ShortText = Field(
        "",
        description="`past`: activities that have ended, latest first. Default (no dates): upcoming ones.",
    )


class CategoryRef(Schema):
    code: str
    name: str


class PublicShiftOut(Schema):
    id: int
    name: str
    description: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    taken: int
    places_left: int
    waitlist_size: int
    waitlisted: int


class PlacesOut(Schema):
    shifts: int
    capacity: int
    taken: int
    left: int
    waitlist_free: int


class PublicActivityOut(Schema):
    id: int
    title: str
    status: str
    category: CategoryRef
    organization: OrganizationRef
    region: RegionRef
    site: str | None
    address: str
    lat: float | None
    lng: float | None
    starts_at: datetime
    ends_at: datetime
    visibility: str
    members_only: bool
    signup_mode: str
    places: PlacesOut
    distance_km: float | None = Field(None, description="Only when a point was given.")
    url: str
    shifts: list[PublicShiftOut]

    @staticmethod
    def resolveabsolute_url(obj) -> str | None:
        return obj.site.name if obj.site_id else None

    @staticmethod
    def resolve_lat(obj) -> float | None:
        point = sel.activity_coordinates(obj)
        return point[0] if point else None

    @staticmethod
    def resolve_lng(obj) -> float | None:
        point = sel.activity_coordinates(obj)
        return point[1] if point else None

    @staticmethod
    def resolve_places(obj) -> sel.Places:
        return getattr(obj, "places", None) or sel.places_of(obj.shifts.all())

    @staticmethod
    def resolve_distance_km(obj) -> float | None:
        return getattr(obj, "distance_km", None)

    @staticmethod
    def resolve_url(obj) -> str:
        return absolute_url(reverse("activities:detail", args=[obj.pk]))

    @staticmethod
    def resolve_shifts(obj) -> list:
        return list(obj.shifts.all())


class SignupDecisionOut(Schema):
    ok: bool
    reason: str | None = Field(
        None,
        description="The refusal's code (rules.Reason) when not ok; GUARDIAN_APPROVAL when ok but the "
        "sign-up would wait for the child's guardian (outcome applied).",
    )
    message: str
    outcome: str | None = Field(None, description="confirmed / applied / waitlisted when ok.")


class MyShiftEnrollmentOut(Schema):
    id: int
    status: str
    waitlist_position: int | None


class PublicShiftDetailOut(PublicShiftOut):
    my_enrollment: MyShiftEnrollmentOut | None = Field(None, description="The caller's active enrollment.")
    signup: SignupDecisionOut | None = Field(
        None,
        description="For a volunteer without an active enrollment on a published activity: may they sign up?",
    )


class ActivityPhotoOut(Schema):
    url: str
    caption: str
    kind: str


class ActivityOutputOut(Schema):
    name: str
    count: int | float | str | None = None


class ActivityOutcomeOut(Schema):
    people_served: int | None
    summary: str
    outputs: list[ActivityOutputOut]
    photos: list[ActivityPhotoOut]


def _photo(p) -> dict:
    return {"url": absolute_url(p.image.url), "caption": p.caption, "kind": p.kind}


class PublicActivityDetailOut(PublicActivityOut):
    """One activity; built from `activity_page` (set as `obj.page` before serializing)."""

    description: str
    recruit_opens_at: datetime | None
    recruit_closes_at: datetime | None
    cancel_cutoff_hours: int
    requirements: list[str] = Field(..., description="What the sign-up rules check, in words.")
    min_age: int | None
    max_age: int | None
    required_skills: list[str]
    political_status: str
    agreement_required: bool
    agreement_text: str
    insurance_required: bool
    insurance_note: str
    photos: list[ActivityPhotoOut]
    outcome: ActivityOutcomeOut | None
    share_qr_url: str
    ics_url: str
    shifts: list[PublicShiftDetailOut]  # type: ignore[assignment]

    @staticmethod
    def resolve_places(obj) -> sel.Places:
        return obj.page.places

    @staticmethod
    def resolve_requirements(obj) -> list[str]:
        return obj.page.requirements

    @staticmethod
    def resolve_required_skills(obj) -> list[str]:
        return [s.name for s in obj.required_skills.all()]

    @staticmethod
    def resolve_photos(obj) -> list[dict]:
        return [_photo(p) for p in obj.page.gallery]

    @staticmethod
    def resolve_outcome(obj) -> dict | None:
        page = obj.page
        if not page.has_outcome:
            return None
        return {
            "people_served": obj.people_served,
            "summary": obj.outcome_summary,
            "outputs": page.outputs,
            "photos": [_photo(p) for p in page.outcome_photos],
        }

    @staticmethod
    def resolve_share_qr_url(obj) -> str:
        return absolute_url(reverse("activities:share_qr", args=[obj.pk]))

    @staticmethod
    def resolve_ics_url(obj) -> str:
        return absolute_url(reverse("activities:ics", args=[obj.pk]))

    @staticmethod
    def resolve_shifts(obj) -> list[dict]:
        out = []
        for row in obj.page.rows:
            e = row.enrollment
            out.append(
                {
                    **{k: getattr(row.shift, k) for k in PublicShiftOut.model_fields},
                    "my_enrollment": (
                        {"id": e.pk, "status": e.status, "waitlist_position": row.waitlist_position}
                        if e
                        else None
                    ),
                    "signup": row.decision.__dict__ if row.decision else None,
                }
            )
        return out


# --- endpoints ---------------------------------------------------------------------------------


@router.get(
    "/activities",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: list[PublicActivityOut], **ERRORS},
    summary="Find activities",
    description="Published activities anyone may see (and the members-only activities of the caller's "
    "organizations), with a summary of their shifts. Upcoming ones, soonest first, unless dates or "
    "`when=past` are given; nearest first when a point is given (`lat`, `lng`, `km`). A bad filter "
    "answers 422 with a message per field.",
)
@paginate(Pagination)
def activity_list(request, filters: Query[PublicActivityFilter]):
    parsed = search.parse_activity_filters(filters.dict())
    return _Decorated(sel.activity_search(request.user, parsed, now=timezone.now()))


@router.get(
    "/activities/{activity_id}",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: PublicActivityDetailOut, **ERRORS},
    summary="One activity",
    description="An activity with its shifts, requirements, agreement, photos and outcome. 404 unless it is "
    "published (or finished) and visible to the caller. For a volunteer, each shift carries their "
    "enrollment or the sign-up decision with its reason code.",
)
def activity_detail(request, activity_id: int):
    activity = sel.activity_get_public(request.user, activity_id)
    activity.page = sel.activity_page(request.user, activity)  # type: ignore[attr-defined]
    return activity


class _Decorated:
    """A list of activities for Ninja's paginator: a slice gets its places summary attached."""

    def __init__(self, results):
        self.results = results

    def __len__(self) -> int:
        return (
            len(self.results) if isinstance(self.results, search.NearbyActivities) else self.results.count()
        )

    def __getitem__(self, index):
        return sel.with_places(self.results[index])
