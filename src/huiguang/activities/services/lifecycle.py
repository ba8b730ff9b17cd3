"""An activity's life: create and edit, submit, review, publish, cancel, finish, archive; its
shifts (one by one or as a grid of positions × time slots), copies and photos.

    draft ──submit──▶ pending ──approve──▶ published ──finish──▶ finished ──archive──▶ archived
      ▲                  │ reject (with a reason)  │
      └──── edit ── returned for changes           └──cancel (with a reason)──▶ cancelled
    (draft, pending and returned activities can be cancelled too)

Who may do what (selectors/console.py computes it from the user's grants):
- editors — team leaders of the organization, admins of it or of an organization above it, region
  admins of its region subtree, the city admin — create activities, edit them while they are
  drafts, pending or returned, manage their shifts and photos, submit them, copy them, record
  the outcome of a finished one, and cancel one that is not published yet;
- managers — the same without team leaders — also edit a published activity, cancel it (its
  volunteers are told), finish and archive it, and make it recurring (services/series.py);
- reviewers — admins of the parent organization (or above), region admins of a region subtree
  that holds the organization's region, city admins — approve or return a pending activity.
  An organization trusted with `publishes_without_review`, or a submitter who is a reviewer
  themself, publishes directly on submit. Auditors read and change nothing.

Each decision (approval, return, cancellation, finishing) notifies the organizer (the
activity's `created_by`) with the reason, unless they took it themselves. A change of time or
place of a published activity notifies its enrolled volunteers.

Shift counters (`taken`, `waitlisted`) belong to services/enrollments.py; here a capacity is
changed only by a guarded UPDATE (`WHERE taken <= new capacity`), so a concurrent sign-up can
never leave a shift overbooked (docs/locking.md).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huiguang.activities.permissions import (
    may_cancel,
    may_edit,
    may_review,
    organization_may_edit_activities,
    organization_may_manage_activities,
)
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import image_check
from huiguang.network.models import Organization, Region, Site
from huiguang.notifications.services import notify
from huiguang.volunteers.models import Volunteer

from ..models import Activity, ActivityPhoto, Category, Enrollment, Shift
from ..permissions import CANCELLABLE
from ..selectors.console import reviewer_grants_for
from .series import clone_activity, move_by_days

S = Activity.Status
MAX_DURATION = dt.timedelta(days=92)  # 家燕归巢 runs a summer
MAX_SHIFTS_PER_GRID = 200
MAX_PHOTOS = 30
MAX_OUTPUTS = 20

# Fields of Activity that create/update accept (besides cover and required_skills).
ACTIVITY_FIELDS = (
    "title",
    "category",
    "description",
    "region",
    "site",
    "address",
    "lat",
    "lng",
    "checkin_radius_m",
    "starts_at",
    "ends_at",
    "recruit_opens_at",
    "recruit_closes_at",
    "cancel_cutoff_hours",
    "visibility",
    "signup_mode",
    "min_age",
    "max_age",
    "members_only",
    "political_status",
    "agreement_required",
    "agreement_text",
    "insurance_required",
    "insurance_note",
)
TIME_FIELDS = ("starts_at", "ends_at", "recruit_opens_at", "recruit_closes_at")
TEXT_LIMITS = {
    "title": 120,
    "description": 10000,
    "address": 200,
    "agreement_text": 5000,
    "insurance_note": 200,
}
# What volunteers are told about when it changes on a published activity.
NOTICE_FIELDS = ("starts_at", "ends_at", "site", "address", "lat", "lng")


# --- permissions -------------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _wrong_status(activity: Activity) -> Refused:
    return Refused(
        "wrong_status",
        _("This cannot be done while the activity is %(status)s.")
        % {"status": activity.get_status_display()},
    )


# --- validation ---------------------------------------------------------------------------------------


def normalize_activity_fields(data: dict) -> dict:
    """Strip texts, empty strings to None where a number is expected."""
    out = dict(data)
    for name in TEXT_LIMITS:
        if name in out:
            out[name] = (out[name] or "").strip()
    for name in ("political_status", "visibility", "signup_mode"):
        if name in out:
            out[name] = (out[name] or "").strip()
    for name in ("lat", "lng"):
        if name in out and out[name] not in (None, ""):
            try:
                out[name] = Decimal(str(out[name])).quantize(Decimal("0.000001"))
            except (InvalidOperation, ValueError):
                out[name] = "invalid"
        elif name in out:
            out[name] = None
    for name in ("min_age", "max_age"):
        if name in out and out[name] == "":
            out[name] = None
    for name in ("members_only", "agreement_required", "insurance_required"):
        if name in out:
            out[name] = bool(out[name])
    return out


def _number_error(value, low: int, high: int) -> str | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
    return None


def activity_field_errors(data: dict, *, organization: Organization | None) -> dict[str, list[str]]:
    """Every field-level problem of an activity's data (times are checked by activity_time_errors)."""
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if "title" in data and not data["title"]:
        add("title", _("Enter the activity's title."))
    for name, limit in TEXT_LIMITS.items():
        if len(data.get(name) or "") > limit:
            add(name, _("Enter at most %(n)d characters.") % {"n": limit})
    if "category" in data and not isinstance(data["category"], Category):
        add("category", _("Choose a service category."))
    if "region" in data and not isinstance(data["region"], Region):
        add("region", _("Choose the region where the activity takes place."))
    site = data.get("site")
    if site is not None and (not isinstance(site, Site) or not site.is_active):
        add("site", _("Choose a service site that is in use."))
    lat, lng = data.get("lat"), data.get("lng")
    if "invalid" in (lat, lng):
        add("lat" if lat == "invalid" else "lng", _("Enter the coordinates as decimal degrees."))
    elif (lat is None) != (lng is None):
        add("lng" if lng is None else "lat", _("Enter both the latitude and the longitude, or neither."))
    elif lat is not None and lng is not None:
        if not Decimal(-90) <= lat <= Decimal(90):
            add("lat", _("The latitude lies between -90 and 90."))
        if not Decimal(-180) <= lng <= Decimal(180):
            add("lng", _("The longitude lies between -180 and 180."))
    if "checkin_radius_m" in data and (msg := _number_error(data["checkin_radius_m"], 20, 5000)):
        add("checkin_radius_m", msg)
    if "cancel_cutoff_hours" in data and (msg := _number_error(data["cancel_cutoff_hours"], 0, 720)):
        add("cancel_cutoff_hours", msg)
    if "visibility" in data and data["visibility"] not in Activity.Visibility.values:
        add("visibility", _("Choose who may see the activity."))
    if "signup_mode" in data and data["signup_mode"] not in Activity.SignupMode.values:
        add("signup_mode", _("Choose how sign-ups are accepted."))
    for name in ("min_age", "max_age"):
        if data.get(name) is not None and (msg := _number_error(data[name], 0, 120)):
            add(name, msg)
    low, high = data.get("min_age"), data.get("max_age")
    if isinstance(low, int) and isinstance(high, int) and low > high and "min_age" not in errors:
        add("max_age", _("The maximum age must not be below the minimum age."))
    political = data.get("political_status") or ""
    if political and political not in Volunteer.Political.values:
        add("political_status", _("Choose a political status from the list."))
    if data.get("agreement_required") and not data.get("agreement_text"):
        add("agreement_text", _("Write the agreement that volunteers accept when they sign up."))
    if organization is not None and organization.status != Organization.Status.ACTIVE:
        add("organization", _("The organization is not active."))
    return errors


def activity_time_errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    starts, ends = data.get("starts_at"), data.get("ends_at")
    opens, closes = data.get("recruit_opens_at"), data.get("recruit_closes_at")
    if starts is None:
        errors["starts_at"] = [_("Enter when the activity starts.")]
    if ends is None:
        errors["ends_at"] = [_("Enter when the activity ends.")]
    if starts is None or ends is None:
        return errors
    if ends <= starts:
        errors["ends_at"] = [_("The activity must end after it starts.")]
    elif ends - starts > MAX_DURATION:
        errors["ends_at"] = [_("An activity may last at most %(n)d days.") % {"n": MAX_DURATION.days}]
    if opens is not None and closes is not None and closes <= opens:
        errors["recruit_closes_at"] = [_("Sign-up must close after it opens.")]
    elif closes is not None and closes > ends:
        errors["recruit_closes_at"] = [_("Sign-up must close before the activity ends.")]
    if opens is not None and opens >= ends:
        errors["recruit_opens_at"] = [_("Sign-up must open before the activity ends.")]
    return errors


def _fill_from_site(data: dict) -> None:
    """A chosen site gives its address, coordinates and region where the organizer left them empty."""
    site = data.get("site")
    if not isinstance(site, Site):
        return
    if not data.get("address"):
        data["address"] = site.address
    if data.get("lat") is None and data.get("lng") is None and site.lat is not None and site.lng is not None:
        data["lat"], data["lng"] = Decimal(str(site.lat)), Decimal(str(site.lng))
    if data.get("region") is None:
        data["region"] = site.region


def _save_cover(activity: Activity, cover) -> None:
    checked = image_check(cover, field="cover")
    activity.cover.save(
        f"{activity.share_token}-{uuid.uuid4().hex[:8]}{checked.extension}", cover, save=False
    )


# --- notifications ----------------------------------------------------------------------------------


def _console_url(activity: Activity) -> str:
    return reverse("activities:console_detail", args=[activity.pk])


def when_text(start: dt.datetime, end: dt.datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    tail = "H:i" if start.date() == end.date() else "Y-m-d H:i"
    return f"{date_format(start, 'Y-m-d H:i')}–{date_format(end, tail)}"


def _tell_organizer(activity: Activity, actor, *, kind: str, title, body) -> None:
    """Notify the activity's organizer of a decision someone else took (in the site's language)."""
    user = activity.created_by
    if user is None or (actor is not None and user.pk == getattr(actor, "pk", None)):
        return
    notify(user=user, kind=kind, title=title, body=body, url=_console_url(activity))


def _tell_reviewers(activity: Activity) -> None:
    """Tell the region and parent-organization admins who may review it (city admins see the queue)."""
    for user in reviewer_grants_for(activity.organization):
        notify(
            user=user,
            kind="activity_submitted",
            title=_("An activity waits for your review: %(activity)s") % {"activity": activity.title},
            body=_("%(org)s submitted %(activity)s (%(when)s) for publication.")
            % {
                "org": activity.organization.name,
                "activity": activity.title,
                "when": when_text(activity.starts_at, activity.ends_at),
            },
            url=reverse("activities:review_queue"),
        )


def _tell_enrolled(activity: Activity, *, shifts=None, what: str) -> int:
    """Tell everyone holding an active enrollment (of `shifts`, default all) that the time or place
    changed. One notice per volunteer."""
    enrollments = Enrollment.objects.filter(shift__activity=activity, status__in=Enrollment.ACTIVE)
    if shifts is not None:
        enrollments = enrollments.filter(shift__in=shifts)
    seen = set()
    for enrollment in enrollments.select_related("volunteer__user", "shift").order_by("pk"):
        if enrollment.volunteer_id in seen:
            continue
        seen.add(enrollment.volunteer_id)
        shift = enrollment.shift
        notify(
            user=enrollment.volunteer.user,
            kind="activity_changed",
            title=_("Changed: %(activity)s") % {"activity": activity.title},
            body=_(
                "%(what)s Your shift %(shift)s is now %(when)s at %(place)s. If you can no longer "
                "come, please cancel your sign-up."
            )
            % {
                "what": what,
                "shift": shift.name,
                "when": when_text(shift.starts_at, shift.ends_at),
                "place": activity.address
                or (activity.site.name if activity.site is not None else activity.region.name),
            },
            url=reverse("activities:detail", args=[activity.pk]),
        )
    return len(seen)


def _site_language():
    return translation.override(settings.LANGUAGE_CODE)


# --- activities -------------------------------------------------------------------------------------


def activity_create(
    *,
    actor,
    organization: Organization,
    cover=None,
    required_skills=(),
    request=None,
    **fields,
) -> Activity:
    """A new draft of `organization`. The site, when chosen, fills the address, coordinates and
    region the organizer left empty."""
    _require(organization_may_edit_activities(actor, organization))
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown activity fields: {sorted(unknown)}")
    data: dict[str, Any] = {name: None for name in ("site", "lat", "lng", "region", *TIME_FIELDS)}
    data.update(
        {
            "description": "",
            "address": "",
            "checkin_radius_m": 300,
            "cancel_cutoff_hours": 24,
            "visibility": Activity.Visibility.PUBLIC,
            "signup_mode": Activity.SignupMode.INSTANT,
            "min_age": None,
            "max_age": None,
            "members_only": False,
            "political_status": "",
            "agreement_required": False,
            "agreement_text": "",
            "insurance_required": False,
            "insurance_note": "",
            "title": "",
            "category": None,
        }
    )
    data.update(normalize_activity_fields(fields))
    _fill_from_site(data)
    if data["region"] is None:
        data["region"] = organization.region
    errors = activity_field_errors(data, organization=organization) | activity_time_errors(data)
    if cover:
        try:
            image_check(cover, field="cover")
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        activity = Activity(
            organization=organization,
            created_by=actor,
            status=S.DRAFT,
            share_token=secrets.token_urlsafe(16),
            **data,
        )
        if cover:
            _save_cover(activity, cover)
        activity.save()
        if required_skills:
            activity.required_skills.set(required_skills)
        audit_log(action="activity_created", actor=actor, obj=activity, request=request)
    return activity


def activity_update(
    *,
    actor,
    activity: Activity,
    cover=None,
    remove_cover: bool = False,
    required_skills=None,
    move_shifts: bool = True,
    request=None,
    **changes,
) -> Activity:
    """Edit an activity. A returned one goes back to draft; an occurrence of a series is detached
    from it (later edits of the whole series leave it alone). When the start moves and
    `move_shifts`, every shift moves by the same amount. Volunteers of a published activity are
    told when its time or place changes."""
    _require(may_edit(actor, activity))
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown activity fields: {sorted(unknown)}")
    data = normalize_activity_fields(changes)
    site = data.get("site")
    if isinstance(site, Site) and site != activity.site:
        # A new site brings its own region, address and coordinates unless they are given too.
        data.setdefault("region", site.region)
        data.setdefault("address", "")
        if "lat" not in data and "lng" not in data:
            data["lat"], data["lng"] = None, None
        _fill_from_site(data)
    current = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    merged = current | data
    errors = activity_field_errors(merged, organization=None) | activity_time_errors(merged)
    if cover:
        try:
            image_check(cover, field="cover")
        except FieldErrors as exc:
            errors.update(exc.errors)
    delta = merged["starts_at"] - activity.starts_at if merged.get("starts_at") else dt.timedelta(0)
    shifts = list(activity.shifts.all())
    if not errors and merged["ends_at"] > merged["starts_at"]:
        moved = [
            (s.starts_at + delta, s.ends_at + delta) if move_shifts else (s.starts_at, s.ends_at)
            for s in shifts
        ]
        if any(start < merged["starts_at"] or end > merged["ends_at"] for start, end in moved):
            errors["ends_at"] = [
                _("Some shifts would lie outside the activity's time: change the shifts first, or the times.")
            ]
    if errors:
        raise FieldErrors(errors)

    changed = [name for name in data if current[name] != data[name]]
    skills_changed = required_skills is not None and set(s.pk for s in required_skills) != set(
        activity.required_skills.values_list("pk", flat=True)
    )
    with transaction.atomic():
        # The status is re-read under the row lock: a concurrent review or cancellation wins.
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.status != activity.status:
            raise _wrong_status(locked)
        for name in changed:
            setattr(activity, name, data[name])
        fields = list(changed)
        if activity.status == S.REJECTED:
            activity.status = S.DRAFT
            fields.append("status")
        if activity.series_id and not activity.series_detached:
            activity.series_detached = True
            fields.append("series_detached")
        if cover:
            _save_cover(activity, cover)
            fields.append("cover")
        elif remove_cover and activity.cover:
            activity.cover = ""
            fields.append("cover")
        if move_shifts and delta:
            for shift in shifts:
                Shift.objects.filter(pk=shift.pk).update(
                    starts_at=shift.starts_at + delta, ends_at=shift.ends_at + delta
                )
        if fields:
            activity.save(update_fields=[*fields, "updated_at"])
        if skills_changed:
            activity.required_skills.set(required_skills)
        told = 0
        if activity.status == S.PUBLISHED and any(name in NOTICE_FIELDS for name in changed):
            with _site_language():
                told = _tell_enrolled(activity, what=_("The organizer changed the time or place."))
        audit_log(
            action="activity_updated",
            actor=actor,
            obj=activity,
            request=request,
            fields=sorted(
                [
                    *changed,
                    *(["required_skills"] if skills_changed else []),
                    *(["cover"] if "cover" in fields else []),
                ]
            ),
            told=told,
        )
    return activity


def activity_submit(*, actor, activity: Activity, request=None) -> Activity:
    """Send a draft (or a returned activity) for review — or publish it directly when the
    organization publishes without review or the submitter may review it."""
    _require(organization_may_edit_activities(actor, activity.organization))
    if activity.status not in (S.DRAFT, S.REJECTED):
        raise _wrong_status(activity)
    if activity.organization.status != Organization.Status.ACTIVE:
        raise Refused("organization_inactive", _("The organization is not active."))
    if not activity.shifts.exists():
        raise Refused("no_shifts", _("Add at least one shift before submitting the activity."))
    now = timezone.now()
    if activity.starts_at <= now:
        raise Refused("started", _("The activity has already started: change its time first."))
    reviewer = may_review(actor, activity)
    direct = activity.organization.publishes_without_review or reviewer
    status = S.PUBLISHED if direct else S.PENDING
    reviewed_by = actor if reviewer else None
    reviewed_at = now if direct else None
    with transaction.atomic():
        updated = Activity.objects.filter(pk=activity.pk, status=activity.status).update(
            status=status, status_reason="", reviewed_by=reviewed_by, reviewed_at=reviewed_at, updated_at=now
        )
        if not updated:
            raise _wrong_status(Activity.objects.get(pk=activity.pk))
        activity.status, activity.status_reason = status, ""
        activity.reviewed_by, activity.reviewed_at = reviewed_by, reviewed_at
        with _site_language():
            if direct:
                _tell_organizer(
                    activity,
                    actor,
                    kind="activity_approved",
                    title=_("Published: %(activity)s") % {"activity": activity.title},
                    body=_("%(activity)s is published and volunteers can sign up.")
                    % {"activity": activity.title},
                )
            else:
                _tell_reviewers(activity)
        audit_log(
            action="activity_published" if direct else "activity_submitted",
            actor=actor,
            obj=activity,
            request=request,
            without_review=activity.organization.publishes_without_review,
        )
    return activity


def activity_review(*, actor, activity: Activity, approve: bool, reason: str = "", request=None) -> Activity:
    """Approve (publish) or return a pending activity. Returning it needs a reason, which the
    organizer reads in the notification."""
    _require(may_review(actor, activity))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise FieldErrors({"reason": [_("Say what should be changed: the organizer reads it.")]})
    if len(reason) > 200:
        raise FieldErrors({"reason": [_("Enter at most %(n)d characters.") % {"n": 200}]})
    if activity.status != S.PENDING:
        raise _wrong_status(activity)
    now = timezone.now()
    if approve and activity.starts_at <= now:
        raise Refused(
            "started", _("The activity has already started: return it so that its time is changed.")
        )
    status = S.PUBLISHED if approve else S.REJECTED
    with transaction.atomic():
        updated = Activity.objects.filter(pk=activity.pk, status=S.PENDING).update(
            status=status, status_reason=reason, reviewed_by=actor, reviewed_at=now, updated_at=now
        )
        if not updated:
            raise _wrong_status(Activity.objects.get(pk=activity.pk))
        activity.status, activity.status_reason = status, reason
        activity.reviewed_by, activity.reviewed_at = actor, now
        with _site_language():
            text = {"activity": activity.title, "reason": reason}
            if approve:
                _tell_organizer(
                    activity,
                    actor,
                    kind="activity_approved",
                    title=_("Approved and published: %(activity)s") % text,
                    body=(
                        _("%(activity)s was approved and is published: volunteers can sign up.") % text
                        + (" " + _("Reviewer's note: %(reason)s") % text if reason else "")
                    ),
                )
            else:
                _tell_organizer(
                    activity,
                    actor,
                    kind="activity_rejected",
                    title=_("Returned for changes: %(activity)s") % text,
                    body=_("%(activity)s was returned for changes. Reason: %(reason)s") % text,
                )
        audit_log(
            action="activity_approved" if approve else "activity_rejected",
            actor=actor,
            obj=activity,
            request=request,
            reason=reason,
        )
    return activity


def activity_cancel_internal(*, activity: Activity, actor, reason: str) -> int:
    """Cancel without the permission check (callers check it): status, enrollments, notices."""
    from .enrollments import enrollments_cancel_for_activity

    was = activity.status
    now = timezone.now()
    updated = Activity.objects.filter(pk=activity.pk, status=was).update(
        status=S.CANCELLED, status_reason=reason[:200], updated_at=now
    )
    if not updated:
        raise _wrong_status(Activity.objects.get(pk=activity.pk))
    activity.status, activity.status_reason = S.CANCELLED, reason[:200]
    cancelled = 0
    if was == S.PUBLISHED:
        cancelled = enrollments_cancel_for_activity(activity=activity, actor=actor, reason=reason)
    with _site_language():
        _tell_organizer(
            activity,
            actor,
            kind="activity_cancelled",
            title=_("Cancelled: %(activity)s") % {"activity": activity.title},
            body=_("%(activity)s was cancelled. Reason: %(reason)s")
            % {"activity": activity.title, "reason": reason or "—"},
        )
    return cancelled


def activity_cancel(*, actor, activity: Activity, reason: str = "", request=None) -> int:
    """Cancel an activity; everyone enrolled is told (with the reason) and loses the sign-up.
    A published activity needs a reason. Returns how many enrollments were cancelled."""
    if activity.status not in CANCELLABLE:
        _require(organization_may_manage_activities(actor, activity.organization))
        raise _wrong_status(activity)
    _require(may_cancel(actor, activity))
    reason = (reason or "").strip()
    if activity.status == S.PUBLISHED and not reason:
        raise FieldErrors({"reason": [_("Say why the activity is cancelled: the volunteers read it.")]})
    if len(reason) > 200:
        raise FieldErrors({"reason": [_("Enter at most %(n)d characters.") % {"n": 200}]})
    with transaction.atomic():
        was = activity.status
        cancelled = activity_cancel_internal(activity=activity, actor=actor, reason=reason)
        audit_log(
            action="activity_cancelled",
            actor=actor,
            obj=activity,
            request=request,
            was=was,
            reason=reason,
            enrollments=cancelled,
        )
    return cancelled


def _outputs_clean(outputs) -> list[dict]:
    """[{"name": "爱心包", "count": 200}, ...]: names of up to 40 characters, whole counts."""
    if outputs is None:
        return []
    if not isinstance(outputs, list | tuple) or len(outputs) > MAX_OUTPUTS:
        raise FieldErrors({"outputs": [_("List at most %(n)d outputs.") % {"n": MAX_OUTPUTS}]})
    clean = []
    for item in outputs:
        name = str(item.get("name", "") if isinstance(item, dict) else "").strip()
        count = item.get("count") if isinstance(item, dict) else None
        if not name or len(name) > 40:
            raise FieldErrors({"outputs": [_("Name each output in at most 40 characters.")]})
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10_000_000:
            raise FieldErrors({"outputs": [_("Give each output a whole number, such as 爱心包 × 200.")]})
        clean.append({"name": name, "count": count})
    return clean


def _outcome_data(people_served, outcome_summary, outputs) -> dict:
    errors: dict[str, list[str]] = {}
    if people_served is not None and (msg := _number_error(people_served, 0, 10_000_000)):
        errors["people_served"] = [msg]
    summary = (outcome_summary or "").strip()
    if len(summary) > 10000:
        errors["outcome_summary"] = [_("Enter at most %(n)d characters.") % {"n": 10000}]
    try:
        clean = _outputs_clean(outputs)
    except FieldErrors as exc:
        errors.update(exc.errors)
        clean = []
    if errors:
        raise FieldErrors(errors)
    return {"people_served": people_served, "outcome_summary": summary, "outputs": clean}


def activity_finish(
    *,
    actor,
    activity: Activity,
    people_served: int | None = None,
    outcome_summary: str = "",
    outputs=None,
    request=None,
) -> Activity:
    """Close a published activity that has started, with its outcome (people served, outputs such
    as 爱心包 × 200). Outcome photos are added with photo_add(kind=outcome)."""
    _require(organization_may_manage_activities(actor, activity.organization))
    if activity.status != S.PUBLISHED:
        raise _wrong_status(activity)
    if activity.starts_at > timezone.now():
        raise Refused("not_started", _("An activity can be finished only after it has started."))
    outcome = _outcome_data(people_served, outcome_summary, outputs)
    with transaction.atomic():
        updated = Activity.objects.filter(pk=activity.pk, status=S.PUBLISHED).update(
            status=S.FINISHED, updated_at=timezone.now(), **outcome
        )
        if not updated:
            raise _wrong_status(Activity.objects.get(pk=activity.pk))
        activity.status = S.FINISHED
        for name, value in outcome.items():
            setattr(activity, name, value)
        with _site_language():
            _tell_organizer(
                activity,
                actor,
                kind="activity_finished",
                title=_("Finished: %(activity)s") % {"activity": activity.title},
                body=_("%(activity)s was marked as finished. Add its outcome and photos if they are missing.")
                % {"activity": activity.title},
            )
        audit_log(action="activity_finished", actor=actor, obj=activity, request=request, **outcome)
    return activity


def activity_outcome_update(
    *,
    actor,
    activity: Activity,
    people_served: int | None = None,
    outcome_summary: str = "",
    outputs=None,
    request=None,
) -> Activity:
    """Record or correct the outcome of a finished activity (team leaders may: they ran it)."""
    _require(organization_may_edit_activities(actor, activity.organization))
    if activity.status != S.FINISHED:
        raise _wrong_status(activity)
    outcome = _outcome_data(people_served, outcome_summary, outputs)
    with transaction.atomic():
        for name, value in outcome.items():
            setattr(activity, name, value)
        activity.save(update_fields=[*outcome, "updated_at"])
        audit_log(action="activity_outcome_recorded", actor=actor, obj=activity, request=request, **outcome)
    return activity


def activity_archive(*, actor, activity: Activity, request=None) -> Activity:
    _require(organization_may_manage_activities(actor, activity.organization))
    if activity.status != S.FINISHED:
        raise _wrong_status(activity)
    with transaction.atomic():
        if not Activity.objects.filter(pk=activity.pk, status=S.FINISHED).update(
            status=S.ARCHIVED, updated_at=timezone.now()
        ):
            raise _wrong_status(Activity.objects.get(pk=activity.pk))
        activity.status = S.ARCHIVED
        audit_log(action="activity_archived", actor=actor, obj=activity, request=request)
    return activity


def activity_copy(*, actor, activity: Activity, on: dt.date, request=None) -> Activity:
    """A new draft like `activity` on the day `on` (same times of day), with its shifts (no
    sign-ups, no outcome, not in a series)."""
    _require(organization_may_edit_activities(actor, activity.organization))
    if activity.organization.status != Organization.Status.ACTIVE:
        raise Refused("organization_inactive", _("The organization is not active."))
    if not isinstance(on, dt.date):
        raise FieldErrors({"on": [_("Enter the new date.")]})
    if on < timezone.localdate():
        raise FieldErrors({"on": [_("Choose today or a later date.")]})
    days = (on - timezone.localtime(activity.starts_at).date()).days
    with transaction.atomic():
        copy = clone_activity(activity, days=days, status=S.DRAFT, created_by=actor, copied_from=activity)
        audit_log(action="activity_copied", actor=actor, obj=copy, request=request, source=activity.pk)
    return copy


# --- shifts -------------------------------------------------------------------------------------------


def _shift_errors(
    activity: Activity, *, name, starts_at, ends_at, capacity, waitlist_size, description=""
) -> dict:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the position, such as 量血压.")]
    elif len(name) > 80:
        errors["name"] = [_("Enter at most %(n)d characters.") % {"n": 80}]
    if len(description or "") > 200:
        errors["description"] = [_("Enter at most %(n)d characters.") % {"n": 200}]
    if starts_at is None or ends_at is None:
        errors["starts_at"] = [_("Enter when the shift starts and ends.")]
    elif ends_at <= starts_at:
        errors["ends_at"] = [_("The shift must end after it starts.")]
    elif starts_at < activity.starts_at or ends_at > activity.ends_at:
        errors["starts_at"] = [
            _("A shift lies within the activity's time (%(when)s).")
            % {"when": when_text(activity.starts_at, activity.ends_at)}
        ]
    if msg := _number_error(capacity, 1, 10000):
        errors["capacity"] = [msg]
    if msg := _number_error(waitlist_size, 0, 10000):
        errors["waitlist_size"] = [msg]
    return errors


def _require_shift_edit(actor, activity: Activity) -> None:
    _require(may_edit(actor, activity))


def shift_create(
    *,
    actor,
    activity: Activity,
    name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    waitlist_size: int = 0,
    description: str = "",
    request=None,
) -> Shift:
    _require_shift_edit(actor, activity)
    name, description = (name or "").strip(), (description or "").strip()
    errors = _shift_errors(
        activity,
        name=name,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        waitlist_size=waitlist_size,
        description=description,
    )
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        shift = Shift.objects.create(
            activity=activity,
            name=name,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            waitlist_size=waitlist_size,
        )
        audit_log(action="shift_created", actor=actor, obj=shift, request=request, activity=activity.pk)
    return shift


GRID_LINE = re.compile(r"^(?P<name>.+?)\s*(?:[×xX*＊:：]\s*|\s+)(?P<n>\d+)\s*$")
SLOT_LINE = re.compile(
    r"^(?P<h1>\d{1,2})[:：](?P<m1>\d{2})\s*[-–—~～至到]\s*(?P<h2>\d{1,2})[:：](?P<m2>\d{2})$"
)


def parse_counted_lines(text: str, *, field: str, default: int | None = None) -> list[tuple[str, int | None]]:
    """Lines such as "爱心包 × 200", "量血压 4", "理发": (name, count or `default`)."""
    rows: list[tuple[str, int | None]] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        match = GRID_LINE.match(line)
        if match:
            rows.append((match["name"].strip(), int(match["n"])))
        else:
            rows.append((line, default))
    return rows


def parse_time_slots(text: str, *, field: str = "slots") -> list[tuple[dt.time, dt.time]]:
    """Lines such as "08:30-10:00" (or 08:30–10:00, 8:30~10:00)."""
    slots = []
    for raw in (text or "").splitlines():
        line = raw.strip().replace(" ", "")
        if not line:
            continue
        match = SLOT_LINE.match(line)
        try:
            if not match:
                raise ValueError
            start = dt.time(int(match["h1"]), int(match["m1"]))
            end = dt.time(int(match["h2"]), int(match["m2"]))
        except ValueError:
            raise FieldErrors(
                {
                    field: [
                        _("Write one time slot per line, such as 08:30-10:00 (not: %(line)s).")
                        % {"line": raw.strip()}
                    ]
                }
            ) from None
        if end <= start:
            raise FieldErrors(
                {field: [_("A time slot must end after it starts: %(line)s.") % {"line": raw.strip()}]}
            )
        slots.append((start, end))
    return slots


def shifts_create_grid(
    *,
    actor,
    activity: Activity,
    positions: list[tuple[str, int | None]] | list[str],
    slots: list[tuple[dt.time, dt.time]],
    on: dt.date | None = None,
    capacity: int = 1,
    waitlist_size: int = 0,
    request=None,
) -> list[Shift]:
    """One shift per position × time slot on the day `on` (default: the activity's first day),
    e.g. 量血压, 理发, 磨刀 × 08:30-10:00, 10:00-11:30. A position may carry its own number of
    places ("量血压", 4); the others get `capacity`. A shift that already exists (same position,
    same times) is not created again. All or nothing."""
    _require_shift_edit(actor, activity)
    rows = [(p, None) if isinstance(p, str) else (p[0], p[1]) for p in positions]
    rows = [((name or "").strip(), places) for name, places in rows if (name or "").strip()]
    errors: dict[str, list[str]] = {}
    if not rows:
        errors["positions"] = [_("List at least one position, one per line.")]
    if not slots:
        errors["slots"] = [_("List at least one time slot, one per line.")]
    if len(rows) * len(slots) > MAX_SHIFTS_PER_GRID:
        errors["positions"] = [_("At most %(n)d shifts at once.") % {"n": MAX_SHIFTS_PER_GRID}]
    if errors:
        raise FieldErrors(errors)
    day = on or timezone.localtime(activity.starts_at).date()
    existing = set(activity.shifts.values_list("name", "starts_at", "ends_at"))
    new = []
    for start, end in slots:
        starts_at = timezone.make_aware(dt.datetime.combine(day, start))
        ends_at = timezone.make_aware(dt.datetime.combine(day, end))
        for name, places in rows:
            places = capacity if places is None else places
            problem = _shift_errors(
                activity,
                name=name,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=places,
                waitlist_size=waitlist_size,
            )
            if problem:
                field = "slots" if {"starts_at", "ends_at"} & set(problem) else "positions"
                if "capacity" in problem and not {"starts_at", "ends_at"} & set(problem):
                    field = "capacity" if places == capacity else "positions"
                messages = [m for msgs in problem.values() for m in msgs]
                raise FieldErrors({field: [f"{name} {start:%H:%M}-{end:%H:%M}: {messages[0]}"]})
            if (name, starts_at, ends_at) in existing:
                continue
            existing.add((name, starts_at, ends_at))
            new.append(
                Shift(
                    activity=activity,
                    name=name,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    capacity=places,
                    waitlist_size=waitlist_size,
                )
            )
    with transaction.atomic():
        created = Shift.objects.bulk_create(new)
        audit_log(
            action="shifts_created", actor=actor, obj=activity, request=request, count=len(created), grid=True
        )
    return created


def shift_update(*, actor, shift: Shift, request=None, **changes) -> Shift:
    """Edit a shift. Places and waitlist places never drop below what is held: the new numbers are
    written by a guarded UPDATE (`WHERE taken <= capacity AND waitlisted <= waitlist_size`), so a
    sign-up that lands meanwhile is counted. More places promote from the waitlist. Volunteers of
    the shift are told when its time changes."""
    activity = shift.activity
    _require_shift_edit(actor, activity)
    unknown = set(changes) - {"name", "description", "starts_at", "ends_at", "capacity", "waitlist_size"}
    if unknown:
        raise ValueError(f"unknown shift fields: {sorted(unknown)}")
    values = {
        name: changes.get(name, getattr(shift, name))
        for name in ("name", "description", "starts_at", "ends_at", "capacity", "waitlist_size")
    }
    values["name"] = (values["name"] or "").strip()
    values["description"] = (values["description"] or "").strip()
    errors = _shift_errors(activity, **values)
    if errors:
        raise FieldErrors(errors)
    retimed = (values["starts_at"], values["ends_at"]) != (shift.starts_at, shift.ends_at)
    with transaction.atomic():
        updated = Shift.objects.filter(
            pk=shift.pk, taken__lte=values["capacity"], waitlisted__lte=values["waitlist_size"]
        ).update(**values)
        if not updated:
            current = Shift.objects.get(pk=shift.pk)
            errors = {}
            if current.taken > values["capacity"]:
                errors["capacity"] = [
                    _("%(n)d places are already taken: the shift needs at least that many.")
                    % {"n": current.taken}
                ]
            if current.waitlisted > values["waitlist_size"]:
                errors["waitlist_size"] = [
                    _("%(n)d volunteers are on the waitlist: keep at least that many waitlist places.")
                    % {"n": current.waitlisted}
                ]
            raise FieldErrors(errors)
        grew = values["capacity"] > shift.capacity
        for name, value in values.items():
            setattr(shift, name, value)
        shift.refresh_from_db(fields=["taken", "waitlisted"])
        if retimed and activity.status == S.PUBLISHED:
            with _site_language():
                _tell_enrolled(
                    activity, shifts=[shift], what=_("The organizer changed the time of your shift.")
                )
        audit_log(
            action="shift_updated",
            actor=actor,
            obj=shift,
            request=request,
            **{k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in values.items()},
        )
    if grew and shift.waitlisted:
        from .enrollments import waitlist_promote

        waitlist_promote(shift=shift)
    return shift


def shift_delete(*, actor, shift: Shift, request=None) -> None:
    """Delete a shift nobody holds: refused while it has active sign-ups, or attendance records
    (attended / no-show rows count towards the volunteers' history)."""
    _require_shift_edit(actor, shift.activity)
    with transaction.atomic():
        # Lock the shift first: a sign-up racing with the deletion takes the same row lock.
        locked = Shift.objects.select_for_update().filter(pk=shift.pk).first()
        if locked is None:
            return
        kept = Enrollment.objects.filter(shift=locked).exclude(
            status__in=(Enrollment.Status.CANCELLED, Enrollment.Status.REJECTED)
        )
        if kept.exists():
            raise Refused(
                "has_enrollments",
                _(
                    "Volunteers are signed up for this shift: it cannot be deleted. Reduce its places "
                    "or cancel the activity instead."
                ),
            )
        audit_log(
            action="shift_deleted", actor=actor, obj=locked, request=request, activity=locked.activity_id
        )
        locked.delete()


# --- photos -------------------------------------------------------------------------------------------


def photo_add(
    *,
    actor,
    activity: Activity,
    upload,
    kind: str = ActivityPhoto.Kind.GALLERY,
    caption: str = "",
    request=None,
) -> ActivityPhoto:
    """Add a gallery photo (before or during the activity) or an outcome photo (once it started).
    The image is checked by content (core/images.py): JPEG, PNG or WebP, ≤ 5 MB, 200–6000 px."""
    _require(organization_may_edit_activities(actor, activity.organization))
    if kind not in ActivityPhoto.Kind.values:
        raise FieldErrors({"kind": [_("Choose the kind of photo.")]})
    if activity.status in (S.CANCELLED, S.ARCHIVED):
        raise _wrong_status(activity)
    if (
        kind == ActivityPhoto.Kind.OUTCOME
        and activity.status != S.FINISHED
        and activity.starts_at > timezone.now()
    ):
        raise Refused("not_started", _("Outcome photos can be added once the activity has started."))
    caption = (caption or "").strip()
    if len(caption) > 120:
        raise FieldErrors({"caption": [_("Enter at most %(n)d characters.") % {"n": 120}]})
    if not upload:
        raise FieldErrors({"image": [_("Choose a photo to upload.")]})
    checked = image_check(upload, field="image")
    with transaction.atomic():
        # Lock the activity so two uploads cannot both pass the limit.
        Activity.objects.select_for_update().filter(pk=activity.pk).first()
        if activity.photos.count() >= MAX_PHOTOS:
            raise Refused("too_many_photos", _("An activity has at most %(n)d photos.") % {"n": MAX_PHOTOS})
        photo = ActivityPhoto(
            activity=activity,
            kind=kind,
            caption=caption,
            width=checked.width,
            height=checked.height,
            uploaded_by=actor,
        )
        photo.image.save(f"{activity.pk}-{uuid.uuid4().hex[:12]}{checked.extension}", upload, save=False)
        photo.save()
        audit_log(
            action="activity_photo_added",
            actor=actor,
            obj=activity,
            request=request,
            photo=photo.pk,
            kind=kind,
        )
    return photo


def photo_delete(*, actor, photo: ActivityPhoto, request=None) -> None:
    activity = photo.activity
    _require(organization_may_edit_activities(actor, activity.organization))
    if activity.status == S.ARCHIVED:
        raise _wrong_status(activity)
    with transaction.atomic():
        audit_log(action="activity_photo_deleted", actor=actor, obj=activity, request=request, photo=photo.pk)
        name = photo.image.name
        photo.delete()
        transaction.on_commit(lambda: photo.image.storage.delete(name))


__all__ = [
    "activity_archive",
    "activity_cancel",
    "activity_copy",
    "activity_create",
    "activity_finish",
    "activity_outcome_update",
    "activity_review",
    "activity_submit",
    "activity_update",
    "may_cancel",
    "may_edit",
    "may_review",
    "move_by_days",
    "parse_counted_lines",
    "parse_time_slots",
    "photo_add",
    "photo_delete",
    "shift_create",
    "shift_delete",
    "shift_update",
    "shifts_create_grid",
]
