"""A resident's request through its life (点单 → 派单 → 接单 → 评单):

    posted ──accept──▶ accepted ──dispatch──▶ dispatched ──assign──▶ taken ──close──▶ done ──rate──▶ rated
      │                   │     └──open────▶ open ───────take─────▶ taken
      └──decline / merge──┘ (a reason the resident reads; a duplicate points to the request kept)

Dispatching and opening work from `posted` too (the review is then implied). Taking is guarded like
a place on a shift (docs/locking.md, "needs"): one conditional
`UPDATE servicerequest SET status='taken', taker=… WHERE id=… AND status='open'` whose row count
decides, in the transaction that builds the serving activity (activities.services.assignments:
an activity at the request's address with one shift and the taker's confirmed place), so ten
volunteers pressing "take" at once give one taker and nine clear refusals.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.models import Category
from huiguang.activities.services.assignments import assignment_create
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import image_check
from huiguang.core.phone import validate_mobile
from huiguang.network.models import Organization, Region
from huiguang.volunteers.models import Volunteer

from .. import permissions as perms
from ..models import RequestPhoto, ServiceRequest
from .ratings import rating_invite_send
from .texts import tell_user, text_phone

S = ServiceRequest.Status
MAX_WINDOW = dt.timedelta(days=31)
MAX_PHOTOS = 6
NOTICE_KIND = "service_request"


def _wrong_status(req: ServiceRequest) -> Refused:
    return Refused(
        "wrong_status",
        _("This cannot be done while the request is %(status)s.") % {"status": req.get_status_display()},
    )


def _number(now: dt.datetime) -> str:
    return f"XQ{timezone.localtime(now):%Y%m%d}{secrets.token_hex(3).upper()}"


def _coordinate(value, low: float, high: float) -> Decimal | None | str:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError:
        return "invalid"
    if not (low <= number <= high):
        return "invalid"
    return number


def request_errors(data: dict) -> dict[str, list[str]]:
    """Every rule on what a request says; `data` is normalized in place."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data.get("category"), Category):
        errors["category"] = [_("Choose what kind of help is needed.")]
    data["description"] = (data.get("description") or "").strip()
    if not data["description"]:
        errors["description"] = [_("Say what help is needed.")]
    elif len(data["description"]) > 2000:
        errors["description"] = [_("Enter at most %(n)d characters.") % {"n": 2000}]
    data["address"] = (data.get("address") or "").strip()
    if not data["address"]:
        errors["address"] = [_("Enter the address where help is needed.")]
    elif len(data["address"]) > 200:
        errors["address"] = [_("Enter at most %(n)d characters.") % {"n": 200}]
    lat, lng = _coordinate(data.get("lat"), -90, 90), _coordinate(data.get("lng"), -180, 180)
    if "invalid" in (lat, lng) or (lat is None) != (lng is None):
        errors["lat"] = [_("The location is not valid: use your location again or leave it out.")]
    data["lat"], data["lng"] = lat, lng
    start, end = data.get("window_start"), data.get("window_end")
    if start is None or end is None:
        errors["window_start"] = [_("Enter when help is welcome: from and until.")]
    elif end <= start:
        errors["window_end"] = [_("The end must come after the start.")]
    elif end <= timezone.now():
        errors["window_end"] = [_("The time has passed already: choose a later time.")]
    elif end - start > MAX_WINDOW:
        errors["window_end"] = [_("Choose a time window of at most %(n)d days.") % {"n": MAX_WINDOW.days}]
    try:
        data["phone"] = validate_mobile(data.get("phone") or "")
    except Exception:  # ValidationError with the house message
        errors["phone"] = [_("Enter a mainland China mobile number: 11 digits starting with 13–19.")]
    if not isinstance(data.get("region"), Region) or data["region"].level != Region.Level.VILLAGE:
        errors["region"] = [_("Choose the village or community.")]
    data["resident_name"] = (data.get("resident_name") or "").strip()
    if not data["resident_name"] or len(data["resident_name"]) > 64:
        errors["resident_name"] = [_("Enter the resident's name (at most 64 characters).")]
    return errors


def request_post(*, actor, data: dict, request=None, for_care_recipient: bool = False) -> ServiceRequest:
    """A resident posts a need for themself, or a community worker for a resident of their region.

    `data`: category, description, address, lat, lng, window_start, window_end, phone; a worker also
    gives region and resident_name (a resident's default to their own). `for_care_recipient`: a need
    found on a home visit (services/care.py checked the visitor may post it for the recipient)."""
    resident = None if for_care_recipient else perms.resident_of(actor)
    data = dict(data)
    if for_care_recipient:
        pass
    elif resident is not None and not data.get("on_behalf"):
        data.setdefault("region", resident.region)
        data["region"] = data.get("region") or resident.region
        data["resident_name"] = resident.name
        data["phone"] = data.get("phone") or actor.phone
    elif not perms.may_post_for_others(actor):
        raise PermissionDenied
    errors = request_errors(data)
    if (
        not errors
        and resident is None
        and not for_care_recipient
        and not perms.region_in_scope(actor, data["region"])
    ):
        errors["region"] = [_("Choose a village or community you look after.")]
    if errors:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        req = ServiceRequest(
            number=_number(now),
            resident=resident if resident is not None and not data.get("on_behalf") else None,
            resident_name=data["resident_name"],
            posted_by=actor,
            category=data["category"],
            description=data["description"],
            region=data["region"],
            address=data["address"],
            lat=data["lat"],
            lng=data["lng"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            required_skill=data.get("required_skill"),
        )
        req.set_contact(data["phone"])
        req.save()
        audit_log(action="service_request_posted", actor=actor, obj=req, request=request)
    return req


# --- review: accept, decline, merge -------------------------------------------------------------


def _transition(req: ServiceRequest, allowed, **changes) -> None:
    """The guarded status change: only from a status in `allowed`, whatever happened meanwhile."""
    changes["updated_at"] = timezone.now()
    if not ServiceRequest.objects.filter(pk=req.pk, status__in=allowed).update(**changes):
        req.refresh_from_db()
        raise _wrong_status(req)
    for name, value in changes.items():
        setattr(req, name, value)


def _require_review(actor, req: ServiceRequest) -> None:
    if not perms.may_review(actor, req):
        raise PermissionDenied


def _tell_resident(req: ServiceRequest, title, body="") -> None:
    """The resident hears of each decision: in the app when they have an account, by SMS otherwise."""
    if req.resident is not None:
        tell_user(
            req.resident.user,
            kind=NOTICE_KIND,
            title=title,
            body=body,
            url=reverse("needs:mine_detail", args=[req.pk]),
        )
    else:
        text_phone(req.contact_phone, f"{title} {body}".strip())


def request_accept(*, actor, req: ServiceRequest, request=None) -> ServiceRequest:
    _require_review(actor, req)
    with transaction.atomic():
        _transition(req, [S.POSTED], status=S.ACCEPTED, reviewed_by=actor, reviewed_at=timezone.now())
        audit_log(action="service_request_accepted", actor=actor, obj=req, request=request)
        _tell_resident(req, _("Your request %(n)s was accepted.") % {"n": req.number})
    return req


def request_decline(*, actor, req: ServiceRequest, reason: str, request=None) -> ServiceRequest:
    """Declined with a reason the resident reads (on their page and in the notice)."""
    _require_review(actor, req)
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": [_("Say why the request is declined: the resident reads it.")]})
    if len(reason) > 200:
        raise FieldErrors({"reason": [_("Enter at most %(n)d characters.") % {"n": 200}]})
    with transaction.atomic():
        _transition(
            req,
            perms.REVIEWABLE,
            status=S.DECLINED,
            decline_reason=reason,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
        )
        audit_log(action="service_request_declined", actor=actor, obj=req, request=request, reason=reason)
        _tell_resident(req, _("Your request %(n)s was declined.") % {"n": req.number}, reason)
    return req


def request_merge(*, actor, req: ServiceRequest, into: ServiceRequest, request=None) -> ServiceRequest:
    """A duplicate: kept as `merged`, pointing to the request that is served."""
    _require_review(actor, req)
    if into.pk == req.pk or into.status in (S.DECLINED, S.MERGED) or not perms.may_review(actor, into):
        raise FieldErrors({"into": [_("Choose another live request of your community to merge into.")]})
    with transaction.atomic():
        _transition(
            req,
            perms.REVIEWABLE,
            status=S.MERGED,
            merged_into=into,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
        )
        audit_log(action="service_request_merged", actor=actor, obj=req, request=request, into=into.pk)
        _tell_resident(
            req,
            _("Your request %(n)s is the same as request %(into)s, which will be served.")
            % {"n": req.number, "into": into.number},
        )
    return req


# --- dispatch (派单) or open (接单) ----------------------------------------------------------------


def _require_team(actor, req: ServiceRequest, organization: Organization | None) -> Organization:
    _require_review(actor, req)
    if not isinstance(organization, Organization) or not (
        Organization.objects.filter(perms.serving_organizations_q(actor, req), pk=organization.pk).exists()
    ):
        raise FieldErrors({"organization": [_("Choose a team of this community, its town or the city.")]})
    return organization


def request_dispatch(
    *, actor, req: ServiceRequest, organization: Organization | None, request=None
) -> ServiceRequest:
    """派单: the team's admins and leaders are told and assign one of their members."""
    organization = _require_team(actor, req, organization)
    now = timezone.now()
    with transaction.atomic():
        _transition(
            req,
            perms.REVIEWABLE,
            status=S.DISPATCHED,
            organization=organization,
            assigned_at=now,
            reviewed_by=req.reviewed_by or actor,
            reviewed_at=req.reviewed_at or now,
        )
        audit_log(
            action="service_request_dispatched",
            actor=actor,
            obj=req,
            request=request,
            organization=organization.pk,
        )
        for user in perms.team_users(organization):
            tell_user(
                user,
                kind=NOTICE_KIND,
                title=_("A resident's request was dispatched to your team: %(n)s") % {"n": req.number},
                body=req.description[:200],
                url=reverse("needs:console_detail", args=[req.pk]),
            )
    return req


def request_open(
    *, actor, req: ServiceRequest, organization: Organization | None, request=None
) -> ServiceRequest:
    """接单: qualified volunteers nearby see it and the first to take it serves it, hosted by
    `organization` (whose admins confirm the hours)."""
    organization = _require_team(actor, req, organization)
    now = timezone.now()
    with transaction.atomic():
        _transition(
            req,
            perms.REVIEWABLE,
            status=S.OPEN,
            organization=organization,
            assigned_at=now,
            reviewed_by=req.reviewed_by or actor,
            reviewed_at=req.reviewed_at or now,
        )
        audit_log(
            action="service_request_opened",
            actor=actor,
            obj=req,
            request=request,
            organization=organization.pk,
        )
    return req


# --- take or assign: the guarded claim ------------------------------------------------------------


def _serve(*, actor, req: ServiceRequest, volunteer: Volunteer, request) -> None:
    """The serving activity, built in the claiming transaction (a failure undoes the claim)."""
    assert req.organization is not None  # set by dispatch or open
    enrollment = assignment_create(
        actor=actor,
        organization=req.organization,
        volunteer=volunteer,
        title=_("Resident's request %(n)s: %(category)s") % {"n": req.number, "category": req.category.name},
        category=req.category,
        description=req.description,
        region=req.region,
        address=req.address,
        lat=req.lat,
        lng=req.lng,
        starts_at=req.window_start,
        ends_at=req.window_end,
        position=req.category.name,
        request=request,
    )
    ServiceRequest.objects.filter(pk=req.pk).update(activity=enrollment.shift.activity)
    req.activity = enrollment.shift.activity


def _claim(*, actor, req: ServiceRequest, volunteer: Volunteer, allowed: str, request) -> ServiceRequest:
    now = timezone.now()
    with transaction.atomic():
        claimed = ServiceRequest.objects.filter(pk=req.pk, status=allowed).update(
            status=S.TAKEN, taker=volunteer, taken_at=now, updated_at=now
        )
        if not claimed:
            req.refresh_from_db()
            if req.status == S.TAKEN:
                raise Refused("taken", _("Someone else took this request a moment ago."))
            raise _wrong_status(req)
        req.status, req.taker, req.taken_at = S.TAKEN, volunteer, now
        _serve(actor=actor, req=req, volunteer=volunteer, request=request)
        audit_log(
            action="service_request_taken" if allowed == S.OPEN else "service_request_assigned",
            actor=actor,
            obj=req,
            request=request,
            volunteer=volunteer.pk,
        )
        _tell_resident(
            req,
            _("Your request %(n)s was taken by volunteer %(name)s, who will contact you.")
            % {"n": req.number, "name": volunteer.real_name},
        )
    return req


def request_take(*, actor, req: ServiceRequest, request=None) -> ServiceRequest:
    """A volunteer takes an open request (first one wins)."""
    volunteer = perms.volunteer_of(actor)
    if volunteer is None or volunteer.status != Volunteer.Status.ACTIVE:
        raise Refused("not_volunteer", _("Only registered, active volunteers can take a request."))
    if req.required_skill is not None and not volunteer.skills.filter(pk=req.required_skill_id).exists():
        raise Refused(
            "missing_skill",
            _("This request needs the skill %(skill)s.") % {"skill": req.required_skill.name},
        )
    return _claim(
        actor=actor,
        req=req,
        volunteer=volunteer,
        allowed=S.OPEN,
        request=request,
    )


def request_assign(*, actor, req: ServiceRequest, volunteer: Volunteer, request=None) -> ServiceRequest:
    """The team the request was dispatched to names one of its active members to serve it."""
    if req.organization is None or not perms.may_assign(actor, req):
        raise PermissionDenied
    if not perms.team_members(req.organization).filter(pk=getattr(volunteer, "pk", None)).exists():
        raise FieldErrors({"volunteer": [_("Choose an active member of the team.")]})
    return _claim(
        actor=actor,
        req=req,
        volunteer=volunteer,
        allowed=S.DISPATCHED,
        request=request,
    )


# --- close -----------------------------------------------------------------------------------------


def request_close(*, actor, req: ServiceRequest, notes: str, photos=(), request=None) -> ServiceRequest:
    """The taker closes the request with notes and photos (checked like every image); the resident
    is sent the rating link."""
    if req.taker is None or req.taker.user_id != actor.pk:
        raise PermissionDenied
    notes = (notes or "").strip()
    errors: dict[str, list[str]] = {}
    if not notes:
        errors["notes"] = [_("Say briefly what was done.")]
    elif len(notes) > 2000:
        errors["notes"] = [_("Enter at most %(n)d characters.") % {"n": 2000}]
    photos = [p for p in photos if p]
    if len(photos) + req.photos.count() > MAX_PHOTOS:
        errors["photos"] = [_("Add at most %(n)d photos.") % {"n": MAX_PHOTOS}]
    checked = []
    for upload in photos:
        try:
            checked.append((upload, image_check(upload, field="photos")))
        except FieldErrors as exc:
            errors.setdefault("photos", []).extend(exc.errors["photos"])
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        _transition(req, [S.TAKEN], status=S.DONE, close_notes=notes, closed_at=timezone.now())
        for upload, image in checked:
            photo = RequestPhoto(request=req, uploaded_by=actor)
            photo.image.save(f"{req.pk}-{uuid.uuid4().hex[:12]}{image.extension}", upload, save=False)
            photo.save()
        audit_log(action="service_request_closed", actor=actor, obj=req, request=request, photos=len(checked))
        rating_invite_send(req=req)
    return req
