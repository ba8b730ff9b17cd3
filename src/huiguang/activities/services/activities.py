"""An activity's life: create and edit, submit, review, publish, cancel, copy (finishing and the
outcome: services/outcomes.py; shifts: services/shifts.py; photos: services/photos.py).

    draft ──submit──▶ pending ──approve──▶ published ──finish──▶ finished ──archive──▶ archived
      ▲                  │ reject (with a reason)  │
      └──── edit ── returned for changes           └──cancel (with a reason)──▶ cancelled
    (draft, pending and returned activities can be cancelled too)

Who may do what (activities/permissions.py computes it from the user's grants):
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
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.permissions import (
    CANCELLABLE,
    may_cancel,
    may_edit,
    may_review,
    organization_may_edit_activities,
    organization_may_manage_activities,
)
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.network.models import Organization, Site

from ..models import Activity, Shift
from .copies import clone_activity
from .enrollments import enrollments_cancel_for_activity
from .fields import (
    ACTIVITY_FIELDS,
    NOTICE_FIELDS,
    activity_defaults,
    activity_field_errors,
    activity_time_errors,
    check_known_fields,
    course_errors,
    cover_errors,
    fill_from_site,
    normalize_activity_fields,
    project_errors,
    qualification_errors,
    require,
    save_cover,
    wrong_status,
)
from .notices import site_language, tell_enrolled, tell_organizer, tell_reviewers

S = Activity.Status


def activity_create(
    *,
    actor,
    organization: Organization,
    cover=None,
    required_skills=(),
    required_qualifications=(),
    request=None,
    **fields,
) -> Activity:
    """A new draft of `organization`. The site, when chosen, fills the address, coordinates and
    region the organizer left empty."""
    require(organization_may_edit_activities(actor, organization))
    check_known_fields(fields)
    data = activity_defaults()
    data.update(normalize_activity_fields(fields))
    fill_from_site(data)
    if data["region"] is None:
        data["region"] = organization.region
    errors = (
        activity_field_errors(data, organization=organization)
        | project_errors(data, organization)
        | course_errors(data)
        | qualification_errors(required_qualifications)
        | activity_time_errors(data)
        | cover_errors(cover)
    )
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        activity = Activity(
            organization=organization,
            created_by=actor,
            status=S.DRAFT,
            **data,
        )
        if cover:
            save_cover(activity, cover)
        activity.save()
        if required_skills:
            activity.required_skills.set(required_skills)
        if required_qualifications:
            activity.required_qualifications.set(required_qualifications)
        audit_log(action="activity_created", actor=actor, obj=activity, request=request)
    return activity


def activity_update(
    *,
    actor,
    activity: Activity,
    cover=None,
    remove_cover: bool = False,
    required_skills=None,
    required_qualifications=None,
    move_shifts: bool = True,
    request=None,
    **changes,
) -> Activity:
    """Edit an activity. A returned one goes back to draft; an occurrence of a series is detached
    from it (later edits of the whole series leave it alone). When the start moves and
    `move_shifts`, every shift moves by the same amount. Volunteers of a published activity are
    told when its time or place changes."""
    require(may_edit(actor, activity))
    check_known_fields(changes)
    data = normalize_activity_fields(changes)
    site = data.get("site")
    if isinstance(site, Site) and site != activity.site:
        # A new site brings its own region, address and coordinates unless they are given too.
        data.setdefault("region", site.region)
        data.setdefault("address", "")
        if "lat" not in data and "lng" not in data:
            data["lat"], data["lng"] = None, None
        fill_from_site(data)
    current = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    merged = current | data
    errors = (
        activity_field_errors(merged, organization=None)
        | (project_errors(data, activity.organization) if data.get("project") != activity.project else {})
        | course_errors(data, activity.course_id)
        | qualification_errors(required_qualifications)
        | activity_time_errors(merged)
        | cover_errors(cover)
    )
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
    qualifications_changed = required_qualifications is not None and set(
        q.pk for q in required_qualifications
    ) != set(activity.required_qualifications.values_list("pk", flat=True))
    with transaction.atomic():
        # The status is re-read under the row lock: a concurrent review or cancellation wins.
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.status != activity.status:
            raise wrong_status(locked)
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
            save_cover(activity, cover)
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
        if qualifications_changed:
            activity.required_qualifications.set(required_qualifications)
        told = 0
        if activity.status == S.PUBLISHED and any(name in NOTICE_FIELDS for name in changed):
            with site_language():
                told = tell_enrolled(activity, what=_("The organizer changed the time or place."))
        audit_log(
            action="activity_updated",
            actor=actor,
            obj=activity,
            request=request,
            fields=sorted(
                [
                    *changed,
                    *(["required_skills"] if skills_changed else []),
                    *(["required_qualifications"] if qualifications_changed else []),
                    *(["cover"] if "cover" in fields else []),
                ]
            ),
            told=told,
        )
    return activity


def activity_submit(*, actor, activity: Activity, request=None) -> Activity:
    """Send a draft (or a returned activity) for review — or publish it directly when the
    organization publishes without review or the submitter may review it."""
    require(organization_may_edit_activities(actor, activity.organization))
    if activity.status not in (S.DRAFT, S.REJECTED):
        raise wrong_status(activity)
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
            raise wrong_status(Activity.objects.get(pk=activity.pk))
        activity.status, activity.status_reason = status, ""
        activity.reviewed_by, activity.reviewed_at = reviewed_by, reviewed_at
        with site_language():
            if direct:
                tell_organizer(
                    activity,
                    actor,
                    kind="activity_approved",
                    title=_("Published: %(activity)s") % {"activity": activity.title},
                    body=_("%(activity)s is published and volunteers can sign up.")
                    % {"activity": activity.title},
                )
            else:
                tell_reviewers(activity)
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
    require(may_review(actor, activity))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise FieldErrors({"reason": [_("Say what should be changed: the organizer reads it.")]})
    if len(reason) > 200:
        raise FieldErrors({"reason": [_("Enter at most %(n)d characters.") % {"n": 200}]})
    if activity.status != S.PENDING:
        raise wrong_status(activity)
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
            raise wrong_status(Activity.objects.get(pk=activity.pk))
        activity.status, activity.status_reason = status, reason
        activity.reviewed_by, activity.reviewed_at = actor, now
        with site_language():
            text = {"activity": activity.title, "reason": reason}
            if approve:
                tell_organizer(
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
                tell_organizer(
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

    was = activity.status
    now = timezone.now()
    updated = Activity.objects.filter(pk=activity.pk, status=was).update(
        status=S.CANCELLED, status_reason=reason[:200], updated_at=now
    )
    if not updated:
        raise wrong_status(Activity.objects.get(pk=activity.pk))
    activity.status, activity.status_reason = S.CANCELLED, reason[:200]
    cancelled = 0
    if was == S.PUBLISHED:
        cancelled = enrollments_cancel_for_activity(activity=activity, actor=actor, reason=reason)
    with site_language():
        tell_organizer(
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
        require(organization_may_manage_activities(actor, activity.organization))
        raise wrong_status(activity)
    require(may_cancel(actor, activity))
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


def activity_copy(*, actor, activity: Activity, on: dt.date, request=None) -> Activity:
    """A new draft like `activity` on the day `on` (same times of day), with its shifts (no
    sign-ups, no outcome, not in a series)."""
    require(organization_may_edit_activities(actor, activity.organization))
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
