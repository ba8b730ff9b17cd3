"""Writes of the care register (issue 13, point 2): recipients (encrypted ID number and phone, a
named team and volunteers, ended with a reason), visit plans, visits logged at the address (the
phone's location within `HUIGUANG_CARE_VISIT_RADIUS_M` of the recipient's, measured with
core.geo like attendance's code+GPS check-in), a need found on a visit made a service request in
one tap (services/requests.py `request_post`), the audit of every read of personal data, and the
retention rule: an ended recipient's personal fields are erased `HUIGUANG_CARE_RETENTION_DAYS`
(default two years) after the end, by the daily `huiguang purge_care_records`.

Visits give no ledger hours: a visit is logged once, at the door, with no check-out; a team that
wants hours for visiting runs a members-only activity as for any other service (docs/needs.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.models import Category
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.geo import haversine_km
from huiguang.core.id_card import IdCardError, parse_id_number
from huiguang.core.phone import validate_mobile
from huiguang.network.models import Organization, Region
from huiguang.volunteers.models import Volunteer

from .. import permissions as perms
from ..models import CareRecipient, ServiceRequest, Visit, VisitPlan
from ..models.care import ERASED
from ..selectors.care import missed_visits
from .requests import _coordinate, request_post
from .texts import tell_user

R = CareRecipient
NOTICE_KIND = "care_visit"


def retention_days() -> int:
    return settings.HUIGUANG_CARE_RETENTION_DAYS


def visit_radius_m() -> int:
    return settings.HUIGUANG_CARE_VISIT_RADIUS_M


def _text(data: dict, name: str, limit: int, *, required=None) -> tuple[str, list[str]]:
    value = (data.get(name) or "").strip()
    if required and not value:
        return value, [required]
    if len(value) > limit:
        return value, [_("Enter at most %(n)d characters.") % {"n": limit}]
    return value, []


def recipient_errors(actor, data: dict, *, recipient: CareRecipient | None = None) -> dict[str, list[str]]:
    """Every rule on what the register says of a recipient; `data` is normalized in place."""
    errors: dict[str, list[str]] = {}
    if data.get("category") not in R.Category.values:
        errors["category"] = [_("Choose the category of care.")]
    for name, limit, required in (
        ("name", 64, _("Enter the name.")),
        ("address", 200, _("Enter the address the volunteers visit.")),
        ("needs", 2000, None),
    ):
        data[name], problems = _text(data, name, limit, required=required)
        if problems:
            errors[name] = problems
    region = data.get("region")
    if not isinstance(region, Region) or region.level != Region.Level.VILLAGE:
        errors["region"] = [_("Choose the village or community.")]
    elif recipient is None and not perms.region_in_scope(actor, region):
        errors["region"] = [_("Choose a village or community you look after.")]
    number = (data.get("id_number") or "").strip().upper()
    data["id_number"] = ""
    if number:
        try:
            data["id_number"] = parse_id_number(number).number
        except IdCardError as exc:
            errors["id_number"] = [str(exc.message)]
        else:
            taken = R.objects.filter(id_blind_index=R.blind_index_for(data["id_number"]))
            if recipient is not None:
                taken = taken.exclude(pk=recipient.pk)
            if taken.exists():
                errors["id_number"] = [_("This person is in the care register already.")]
    phone = (data.get("phone") or "").strip()
    data["phone"] = ""
    if phone:
        try:
            data["phone"] = validate_mobile(phone)
        except Exception:  # ValidationError with the house message
            errors["phone"] = [_("Enter a mainland China mobile number: 11 digits starting with 13–19.")]
    lat, lng = _coordinate(data.get("lat"), -90, 90), _coordinate(data.get("lng"), -180, 180)
    if "invalid" in (lat, lng) or (lat is None) != (lng is None):
        errors["lat"] = [_("The location is not valid: use your location again or leave it out.")]
    data["lat"], data["lng"] = lat, lng
    team = data.get("organization")
    if isinstance(region, Region) and not (
        isinstance(team, Organization)
        and Organization.objects.filter(perms.care_teams_q(actor, region), pk=team.pk).exists()
    ):
        errors["organization"] = [_("Choose a team of this community, its town or the city.")]
    chosen = list(data.get("volunteers") or [])
    if chosen and isinstance(team, Organization):
        members = set(
            perms.team_members(team).filter(pk__in=[v.pk for v in chosen]).values_list("pk", flat=True)
        )
        if any(v.pk not in members for v in chosen):
            errors["volunteers"] = [_("Choose active members of the assigned team.")]
    data["volunteers"] = chosen
    return errors


def _fill(recipient: CareRecipient, data: dict) -> None:
    for name in ("category", "name", "address", "needs", "lat", "lng", "region", "organization"):
        setattr(recipient, name, data[name])
    recipient.set_id_number(data["id_number"])
    recipient.set_phone(data["phone"])


def care_recipient_create(*, actor, data: dict, request=None) -> CareRecipient:
    """`data`: category, name, id_number, phone, address, lat, lng, needs, region, organization,
    volunteers (the ID number and phone may be empty: not everyone has them at hand)."""
    if not perms.may_keep_register(actor):
        raise PermissionDenied
    data = dict(data)
    errors = recipient_errors(actor, data)
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        recipient = CareRecipient(created_by=actor)
        _fill(recipient, data)
        recipient.save()
        recipient.volunteers.set(data["volunteers"])
        audit_log(action="care_recipient_created", actor=actor, obj=recipient, request=request)
    return recipient


def care_recipient_update(*, actor, recipient: CareRecipient, data: dict, request=None) -> CareRecipient:
    if not perms.may_manage_recipient(actor, recipient) or recipient.erased_at is not None:
        raise PermissionDenied
    data = dict(data)
    errors = recipient_errors(actor, data, recipient=recipient)
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        _fill(recipient, data)
        recipient.save()
        recipient.volunteers.set(data["volunteers"])
        audit_log(action="care_recipient_updated", actor=actor, obj=recipient, request=request)
    return recipient


def care_recipient_end(
    *, actor, recipient: CareRecipient, reason: str, ended_on: dt.date | None = None, request=None
) -> CareRecipient:
    """Care ends (moved away, passed away, no longer needed) with a reason; the retention period
    starts on `ended_on`."""
    if not perms.may_manage_recipient(actor, recipient):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": [_("Say why the care ends.")]})
    if len(reason) > 200:
        raise FieldErrors({"reason": [_("Enter at most %(n)d characters.") % {"n": 200}]})
    ended_on = ended_on or timezone.localdate()
    with transaction.atomic():
        changed = R.objects.filter(pk=recipient.pk, status=R.Status.ACTIVE).update(
            status=R.Status.ENDED, ended_on=ended_on, end_reason=reason, updated_at=timezone.now()
        )
        if not changed:
            raise Refused("wrong_status", _("The care of this person has ended already."))
        recipient.status, recipient.ended_on, recipient.end_reason = R.Status.ENDED, ended_on, reason
        # The plans end with the care (a plan not started yet ends on its first day).
        live = VisitPlan.objects.filter(recipient=recipient).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=ended_on)
        )
        live.filter(starts_on__gt=ended_on).update(ends_on=F("starts_on"))
        live.filter(starts_on__lte=ended_on).update(ends_on=ended_on)
        audit_log(action="care_recipient_ended", actor=actor, obj=recipient, request=request, reason=reason)
    return recipient


def care_recipient_viewed(*, actor, recipient: CareRecipient, request=None, via: str = "page") -> None:
    """Every read of a recipient's personal data is written to the audit log (PIPL)."""
    audit_log(action="care_recipient_viewed", actor=actor, obj=recipient, request=request, via=via)


def care_register_exported(*, actor, recipients: list[CareRecipient], request=None) -> None:
    """An export reads every recipient in it: one audit entry per recipient, in one insert."""
    with transaction.atomic():
        for recipient in recipients:
            audit_log(
                action="care_recipient_viewed", actor=actor, obj=recipient, request=request, via="export"
            )


def care_records_purge(*, today: dt.date | None = None) -> int:
    """The retention rule: erase the personal fields of recipients whose care ended more than the
    retention period ago (name and address read 已删除; ID number, phone, location and notes go;
    their visits' notes too). The rows stay, so that visit counts of past months do not change."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=retention_days())
    due = R.objects.filter(status=R.Status.ENDED, ended_on__lte=cutoff, erased_at__isnull=True)
    with transaction.atomic():
        ids = list(due.values_list("pk", flat=True))
        if not ids:
            return 0
        now = timezone.now()
        R.objects.filter(pk__in=ids).update(
            name=ERASED,
            address=ERASED,
            id_number_encrypted="",
            id_blind_index=None,
            id_masked="",
            phone_encrypted="",
            phone_masked="",
            lat=None,
            lng=None,
            needs="",
            erased_at=now,
            updated_at=now,
        )
        Visit.objects.filter(recipient_id__in=ids).update(notes="", needs_found="", lat=None, lng=None)
        audit_log(action="care_records_purged", actor_label="purge_care_records", count=len(ids), ids=ids)
    return len(ids)


# --- visit plans --------------------------------------------------------------------------------------


def _festival_dates(raw) -> list[dt.date] | None:
    if isinstance(raw, str):
        raw = [part for part in raw.replace("，", ",").replace(" ", ",").split(",") if part.strip()]
    dates = []
    for item in raw or []:
        if isinstance(item, dt.date):
            dates.append(item)
            continue
        try:
            dates.append(dt.date.fromisoformat(str(item).strip()))
        except ValueError:
            return None
    return sorted(set(dates))


def visit_plan_create(*, actor, recipient: CareRecipient, data: dict, request=None) -> VisitPlan:
    """`data`: frequency, festival_dates (ISO dates, for `festivals`), starts_on, ends_on, organization
    (default: the recipient's team), volunteers (active members of that team)."""
    if not perms.may_manage_recipient(actor, recipient) or recipient.status != R.Status.ACTIVE:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    frequency: str = data.get("frequency") or ""
    if frequency not in VisitPlan.Frequency.values:
        errors["frequency"] = [_("Choose how often the visits are.")]
    festivals = _festival_dates(data.get("festival_dates"))
    if festivals is None:
        errors["festival_dates"] = [
            _("Enter festival days as dates such as 2026-10-29, separated by commas.")
        ]
    elif frequency == VisitPlan.Frequency.FESTIVALS and not festivals:
        errors["festival_dates"] = [_("Enter the festival days of the visits.")]
    elif len(festivals) > 24:
        errors["festival_dates"] = [_("Enter at most %(n)d festival days.") % {"n": 24}]
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts_on, dt.date):
        starts_on = None
        errors["starts_on"] = [_("Enter the first day of the plan.")]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The end must come after the start.")]
    team = data.get("organization") or recipient.organization
    if not Organization.objects.filter(perms.care_teams_q(actor, recipient.region), pk=team.pk).exists():
        errors["organization"] = [_("Choose a team of this community, its town or the city.")]
    chosen = list(data.get("volunteers") or [])
    members = set(perms.team_members(team).filter(pk__in=[v.pk for v in chosen]).values_list("pk", flat=True))
    if any(v.pk not in members for v in chosen):
        errors["volunteers"] = [_("Choose active members of the assigned team.")]
    if errors or starts_on is None:
        raise FieldErrors(errors)
    with transaction.atomic():
        plan = VisitPlan.objects.create(
            recipient=recipient,
            organization=team,
            frequency=frequency,
            festival_dates=[d.isoformat() for d in festivals or []]
            if frequency == VisitPlan.Frequency.FESTIVALS
            else [],
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        plan.volunteers.set(chosen)
        audit_log(action="visit_plan_created", actor=actor, obj=plan, request=request, recipient=recipient.pk)
    return plan


# --- visits ---------------------------------------------------------------------------------------------


def visit_log(
    *,
    actor,
    recipient: CareRecipient,
    lat,
    lng,
    notes: str = "",
    needs_found: str = "",
    request=None,
) -> Visit:
    """The visiting volunteer logs the visit at the door: the phone's location must be within the
    radius of the recipient's address (as attendance's code+GPS check-in)."""
    if not perms.may_visit(actor, recipient):
        raise PermissionDenied
    volunteer: Volunteer = perms.volunteer_of(actor)
    errors: dict[str, list[str]] = {}
    notes, problems = _text({"notes": notes}, "notes", 2000, required=_("Say briefly how the visit went."))
    if problems:
        errors["notes"] = problems
    needs_found, problems = _text({"n": needs_found}, "n", 2000)
    if problems:
        errors["needs_found"] = problems
    lat_d, lng_d = _coordinate(lat, -90, 90), _coordinate(lng, -180, 180)
    if not isinstance(lat_d, Decimal) or not isinstance(lng_d, Decimal):
        errors["lat"] = [_("Your location is missing: allow this page to use your location.")]
    if errors or not isinstance(lat_d, Decimal) or not isinstance(lng_d, Decimal):
        raise FieldErrors(errors)
    if recipient.lat is None or recipient.lng is None:
        raise Refused("no_location", _("This address has no location yet: ask the community to add it."))
    metres = haversine_km(float(lat_d), float(lng_d), float(recipient.lat), float(recipient.lng)) * 1000
    if metres > visit_radius_m():
        raise Refused(
            "too_far",
            _("You are %(distance)d m from the address; a visit is logged within %(radius)d m.")
            % {"distance": round(metres), "radius": visit_radius_m()},
        )
    now = timezone.now()
    plan = (
        recipient.plans.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))
        .filter(starts_on__lte=timezone.localdate())
        .order_by("-volunteers__pk", "pk")
        .first()
    )
    with transaction.atomic():
        visit = Visit.objects.create(
            recipient=recipient,
            plan=plan,
            organization=plan.organization if plan else recipient.organization,
            volunteer=volunteer,
            visited_at=now,
            lat=lat_d,
            lng=lng_d,
            distance_m=round(metres),
            notes=notes,
            needs_found=needs_found,
        )
        audit_log(action="care_visit_logged", actor=actor, obj=visit, request=request, recipient=recipient.pk)
    return visit


def visit_request_create(
    *, actor, visit: Visit, category: Category | None = None, request=None
) -> ServiceRequest:
    """A need found on a visit becomes a resident's service request in one tap: posted for the
    recipient (their address, location and phone) through `request_post`, then reviewed by the
    community like any other."""
    recipient = visit.recipient
    if visit.volunteer.user_id != actor.pk and not perms.may_manage_recipient(actor, recipient):
        raise PermissionDenied
    if visit.request_id is not None:
        raise Refused("made_already", _("A request was made of this visit already."))
    if not visit.needs_found.strip():
        raise Refused("nothing_found", _("This visit found no need to make a request of."))
    if not recipient.phone_encrypted:
        raise Refused(
            "no_phone", _("The register has no phone for this person: ask the community to add it.")
        )
    start = timezone.now().replace(microsecond=0)
    data = {
        "category": category or Category.objects.order_by("pk").first(),
        "description": visit.needs_found,
        "address": recipient.address,
        "lat": recipient.lat,
        "lng": recipient.lng,
        "window_start": start,
        "window_end": start + dt.timedelta(days=7),
        "phone": recipient.phone,
        "region": recipient.region,
        "resident_name": recipient.name,
    }
    with transaction.atomic():
        req = request_post(actor=actor, data=data, request=request, for_care_recipient=True)
        claimed = Visit.objects.filter(pk=visit.pk, request__isnull=True).update(request=req)
        if not claimed:
            raise Refused("made_already", _("A request was made of this visit already."))
        visit.request = req
        audit_log(
            action="care_visit_request_made", actor=actor, obj=visit, request=request, service_request=req.pk
        )
    return req


# --- missed visits (the daily flag) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Flagged:
    plans: int
    told: int


def missed_visits_flag(*, today: dt.date | None = None) -> Flagged:
    """The daily task: the plans whose period ended yesterday without a visit; the team's admins
    and leaders and the community's admins are told (the pages show every missed visit anyway)."""
    today = today or timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    found = [m for m in missed_visits(VisitPlan.objects.all(), today=today) if m.end == yesterday]
    told = 0
    for missed in found:
        recipient = missed.plan.recipient
        users = set(perms.team_users(missed.plan.organization)) | set(perms.community_users(recipient))
        for user in users:
            tell_user(
                user,
                kind=NOTICE_KIND,
                title=_("A planned visit was missed: %(name)s") % {"name": recipient.name},
                body=_("No visit between %(start)s and %(end)s.")
                % {"start": missed.start, "end": missed.end},
                url=reverse("needs:care_detail", args=[recipient.pk]),
            )
            told += 1
    return Flagged(len(found), told)
