"""API v1, the organizers' console: list, create, edit, submit, review, cancel and finish
activities, and add shifts (one, or a grid of positions × time slots). Session or bearer token.

Scope (DESIGN §6): an activity outside the caller's console scope answers 404. Inside it, an
operation the caller may not perform answers 403 (a leader cancelling a published activity, an
auditor changing anything). The rules are those of the web console (the services).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination, RefusedOut
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Region, Site
from huiguang.training.models import Course, QualificationType
from huiguang.volunteers.models import Skill

from .. import permissions as perms
from ..models import Category
from ..selectors import console as sel
from ..services import activities, outcomes, shifts
from .console_schemas import (
    ConsoleActivityChange,
    ConsoleActivityDetailOut,
    ConsoleActivityFilter,
    ConsoleActivityIn,
    ConsoleActivityOut,
    ConsoleCancelOut,
    ConsoleFinishIn,
    ConsoleGridIn,
    ConsoleReasonIn,
    ConsoleReviewIn,
    ConsoleShiftChange,
    ConsoleShiftIn,
    ConsoleShiftOut,
)

router = Router(tags=["activities console"])
WRITE_ERRORS = {**ERRORS, 409: RefusedOut}

# --- helpers ---------------------------------------------------------------------------------------------


def _references(payload: dict) -> dict:
    """Codes and ids in the payload → objects; unknown ones → 422 on their field."""
    errors: dict[str, list[str]] = {}
    out = dict(payload)
    if "category" in out:
        code = out.pop("category")
        out["category"] = Category.objects.filter(code=code).first() if code else None
        if code and out["category"] is None:
            errors["category"] = [_("No service category has the code %(code)s.") % {"code": code}]
    if "region" in out:
        code = out.pop("region")
        out["region"] = Region.objects.filter(code=code.strip()).first() if code else None
        if code and out["region"] is None:
            errors["region"] = [_("No region has the code %(code)s.") % {"code": code}]
    if "site" in out:
        site_id = out.pop("site")
        out["site"] = Site.objects.select_related("region").filter(pk=site_id).first() if site_id else None
        if site_id and out["site"] is None:
            errors["site"] = [_("No service site has the id %(id)s.") % {"id": site_id}]
    if "required_skills" in out:
        codes = out.pop("required_skills")
        skills = list(Skill.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {s.code for s in skills})
        if missing:
            errors["required_skills"] = [_("Unknown skill codes: %(codes)s.") % {"codes": ", ".join(missing)}]
        out["required_skills"] = skills
    for name in ("required_qualifications",):
        if name in out:
            codes = out.pop(name)
            kinds = list(QualificationType.objects.filter(code__in=codes))
            missing = sorted(set(codes) - {k.code for k in kinds})
            if missing:
                errors[name] = [_("Unknown qualification codes: %(codes)s.") % {"codes": ", ".join(missing)}]
            out[name] = kinds
    if "course" in out:
        course_id = out.pop("course")
        out["course"] = Course.objects.filter(pk=course_id).first() if course_id else None
        if course_id and out["course"] is None:
            errors["course"] = [_("No course has the id %(id)s.") % {"id": course_id}]
    for name in ("visibility", "signup_mode", "political_status"):
        if name in out and out[name] is None:
            out[name] = ""
    if errors:
        raise FieldErrors(errors)
    return out


# --- endpoints ------------------------------------------------------------------------------------------


@router.get(
    "/console/activities",
    response={200: list[ConsoleActivityOut], **ERRORS},
    summary="List the activities I organize or oversee",
    description="Activities of the organizations in your console scope (city-wide roles: all; region admins: "
    "the region's organizations; organization admins: their subtree; team leaders: their team), upcoming "
    "first, with their places and the sign-ups waiting for approval. Others get an empty list.",
)
@paginate(Pagination)
def activity_list(request, filters: Query[ConsoleActivityFilter]):
    return sel.activity_rows_for(
        request.user,
        status=filters.status or "",
        organization=filters.organization,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q.strip(),
    ).prefetch_related("required_skills", "required_qualifications")


@router.get(
    "/console/review-queue",
    response={200: list[ConsoleActivityOut], **ERRORS},
    summary="Activities waiting for my review",
    description="Pending activities you may approve: of organizations whose parent you administer, in a "
    "region you administer, or anywhere for city admins.",
)
@paginate(Pagination)
def review_queue(request):
    return sel.review_queue_for(request.user).prefetch_related("required_skills", "required_qualifications")


@router.get(
    "/console/activities/{int:activity_id}",
    response={200: ConsoleActivityDetailOut, **ERRORS},
    summary="One activity with its shifts",
    description="Outside your scope: 404.",
)
def activity_detail(request, activity_id: int):
    return sel.activity_detail_for(request.user, activity_id)


@router.post(
    "/console/activities",
    response={201: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Create an activity (a draft)",
    description="A draft of an organization you organize for (admins of it or above, its region's admins, "
    "the city admin, its team leaders). Add shifts, then submit it. Times are ISO 8601; without an offset "
    "they are Beijing time.",
)
def activity_create(request, payload: ConsoleActivityIn):
    data = _references(payload.dict())
    org = sel.organizations_for_new_activities(request.user).filter(pk=data.pop("organization")).first()
    if org is None:
        raise FieldErrors({"organization": [_("Choose an organization you organize activities for.")]})
    for name in ("visibility", "signup_mode"):
        if not data.get(name):
            data.pop(name)
    activity = activities.activity_create(actor=request.user, organization=org, request=request, **data)
    return Status(201, sel.activity_detail_for(request.user, activity.pk))


@router.patch(
    "/console/activities/{int:activity_id}",
    response={200: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Edit an activity",
    description="Only the fields sent change. Editors change drafts, pending and returned activities "
    "(a returned one goes back to draft); admins also published ones, whose volunteers are told when the "
    "time or place changes. Moving the start moves the shifts with it. Editing one date of a series "
    "detaches it.",
)
def activity_update(request, activity_id: int, payload: ConsoleActivityChange):
    activity = sel.activity_get_for(request.user, activity_id)
    if not perms.may_edit(request.user, activity):
        raise PermissionDenied
    data = _references(payload.dict(exclude_unset=True))
    activities.activity_update(
        actor=request.user,
        activity=activity,
        required_skills=data.pop("required_skills", None),
        required_qualifications=data.pop("required_qualifications", None),
        request=request,
        **data,
    )
    return sel.activity_detail_for(request.user, activity.pk)


@router.post(
    "/console/activities/{int:activity_id}/submit",
    response={200: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Submit an activity for review",
    description="A draft with at least one shift goes to review (status `pending`) — or is published at once "
    "when the organization publishes without review or you may review it yourself. 409 with a `reason`: "
    "no_shifts, started, wrong_status.",
)
def activity_submit(request, activity_id: int):
    activity = sel.activity_get_for(request.user, activity_id)
    activities.activity_submit(actor=request.user, activity=activity, request=request)
    return sel.activity_detail_for(request.user, activity.pk)


@router.post(
    "/console/activities/{int:activity_id}/review",
    response={200: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Approve or return a pending activity",
    description="Reviewers: admins of the parent organization or above, admins of a region holding the "
    "organization's region, city admins. Returning needs a reason; the organizer is notified either way.",
)
def activity_review(request, activity_id: int, payload: ConsoleReviewIn):
    activity = sel.activity_get_for(request.user, activity_id)
    activities.activity_review(
        actor=request.user, activity=activity, approve=payload.approve, reason=payload.reason, request=request
    )
    return sel.activity_detail_for(request.user, activity.pk)


@router.post(
    "/console/activities/{int:activity_id}/cancel",
    response={200: ConsoleCancelOut, **WRITE_ERRORS},
    summary="Cancel an activity",
    description="Admins cancel a published activity (with a reason: every enrolled volunteer loses the place "
    "and is told); editors may drop one that is not published yet.",
)
def activity_cancel(request, activity_id: int, payload: ConsoleReasonIn):
    activity = sel.activity_get_for(request.user, activity_id)
    n = activities.activity_cancel(
        actor=request.user, activity=activity, reason=payload.reason, request=request
    )
    return {"activity": sel.activity_detail_for(request.user, activity.pk), "cancelled_enrollments": n}


@router.post(
    "/console/activities/{int:activity_id}/finish",
    response={200: ConsoleActivityDetailOut, **WRITE_ERRORS},
    summary="Finish an activity with its outcome",
    description="Admins close a published activity once it has started, with the people served and the "
    "outputs (such as 爱心包 × 200).",
)
def activity_finish(request, activity_id: int, payload: ConsoleFinishIn):
    activity = sel.activity_get_for(request.user, activity_id)
    outcomes.activity_finish(
        actor=request.user,
        activity=activity,
        people_served=payload.people_served,
        outcome_summary=payload.outcome_summary,
        outputs=[o.dict() for o in payload.outputs],
        request=request,
    )
    return sel.activity_detail_for(request.user, activity.pk)


@router.post(
    "/console/activities/{int:activity_id}/shifts",
    response={201: ConsoleShiftOut, **WRITE_ERRORS},
    summary="Add a shift",
    description="A position in a time slot within the activity's time, with places and waitlist places, "
    "and the qualifications this position needs on top of the activity's (unknown codes: 422).",
)
def shift_create(request, activity_id: int, payload: ConsoleShiftIn):
    activity = sel.activity_get_for(request.user, activity_id)
    data = _references(payload.dict())
    shift = shifts.shift_create(actor=request.user, activity=activity, request=request, **data)
    return Status(201, shift)


@router.post(
    "/console/activities/{int:activity_id}/shifts/grid",
    response={201: list[ConsoleShiftOut], **WRITE_ERRORS},
    summary="Add shifts as a grid of positions × time slots",
    description="One shift per position and time slot on one day, e.g. positions 量血压, 理发, 磨刀 × slots "
    '"08:30-10:00", "10:00-11:30". Shifts that already exist are not added twice. All or nothing.',
)
def shift_grid(request, activity_id: int, payload: ConsoleGridIn):
    activity = sel.activity_get_for(request.user, activity_id)
    slots = shifts.parse_time_slots("\n".join(payload.slots))
    created = shifts.shifts_create_grid(
        actor=request.user,
        activity=activity,
        positions=[(p.name, p.capacity) for p in payload.positions],
        slots=slots,
        on=payload.on,
        capacity=payload.capacity,
        waitlist_size=payload.waitlist_size,
        request=request,
    )
    return Status(201, sel.with_shift_qualifications(created))


@router.patch(
    "/console/shifts/{int:shift_id}",
    response={200: ConsoleShiftOut, **WRITE_ERRORS},
    summary="Edit a shift",
    description="Only the fields sent change. Places never drop below those taken (422 otherwise); more "
    "places promote volunteers from the waitlist. New required qualifications apply to later sign-ups.",
)
def shift_update(request, shift_id: int, payload: ConsoleShiftChange):
    shift = sel.shift_get_for(request.user, shift_id)
    data = _references(payload.dict(exclude_unset=True))
    return shifts.shift_update(actor=request.user, shift=shift, request=request, **data)
