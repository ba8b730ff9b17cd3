"""An activity's fields, declared once, and their validation (shared by creating, editing,
copying and editing a whole series), with the refusals every activity service raises."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import image_check
from huiguang.network.models import Organization, Region, Site
from huiguang.projects.models import Project
from huiguang.projects.selectors.projects import projects_for_organization
from huiguang.training.models import Course, QualificationType
from huiguang.volunteers.models import Volunteer

from ..models import Activity, Category

MAX_DURATION = dt.timedelta(days=92)  # 家燕归巢 runs a summer

# Fields of Activity that create/update accept (besides cover and required_skills): the one list.
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
    "project",
    "course",
)
TIME_FIELDS = ("starts_at", "ends_at", "recruit_opens_at", "recruit_closes_at")


def _model_field(name: str) -> models.Field:
    field = Activity._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


# What series_update may change on the occurrences (their times of day are changed apart).
SERIES_EDITABLE = tuple(name for name in ACTIVITY_FIELDS if name not in TIME_FIELDS)
# What an occurrence or a copy takes over from its template (times move; not status, series, outcome).
CLONED_FIELDS = (
    "organization_id",
    *(_model_field(name).attname for name in SERIES_EDITABLE),
    "cover",
)
TEXT_LIMITS = {
    "title": 120,
    "description": 10000,
    "address": 200,
    "agreement_text": 5000,
    "insurance_note": 200,
}
# What volunteers are told about when it changes on a published activity.
NOTICE_FIELDS = ("starts_at", "ends_at", "site", "address", "lat", "lng")


def activity_defaults() -> dict[str, Any]:
    """A new activity's values of ACTIVITY_FIELDS: the model's defaults."""
    return {name: _model_field(name).get_default() for name in ACTIVITY_FIELDS}


def check_known_fields(fields, allowed=ACTIVITY_FIELDS) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"unknown activity fields: {sorted(unknown)}")


# --- refusals ---------------------------------------------------------------------------------------


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def wrong_status(activity: Activity) -> Refused:
    return Refused(
        "wrong_status",
        _("This cannot be done while the activity is %(status)s.")
        % {"status": activity.get_status_display()},
    )


# --- validation -------------------------------------------------------------------------------------


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


def number_error(value, low: int, high: int) -> str | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
    return None


def activity_field_errors(data: dict, *, organization: Organization | None) -> dict[str, list[str]]:
    """Every field-level problem of an activity's data (times are checked by activity_time_errors)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
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
    if "checkin_radius_m" in data and (msg := number_error(data["checkin_radius_m"], 20, 5000)):
        add("checkin_radius_m", msg)
    if "cancel_cutoff_hours" in data and (msg := number_error(data["cancel_cutoff_hours"], 0, 720)):
        add("cancel_cutoff_hours", msg)
    if "visibility" in data and data["visibility"] not in Activity.Visibility.values:
        add("visibility", _("Choose who may see the activity."))
    if "signup_mode" in data and data["signup_mode"] not in Activity.SignupMode.values:
        add("signup_mode", _("Choose how sign-ups are accepted."))
    for name in ("min_age", "max_age"):
        if data.get(name) is not None and (msg := number_error(data[name], 0, 120)):
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


def project_errors(data: dict, organization: Organization) -> dict[str, list[str]]:
    """The activity's project (issue 12): one of its organization's projects (owned or co-run) that
    is not closed. Checked when the project is set or changed."""
    project = data.get("project")
    if project is None:
        return {}
    if (
        not isinstance(project, Project)
        or not projects_for_organization(organization.pk).filter(pk=project.pk).exists()
    ):
        return {"project": [_("Choose a project of the activity's organization that is not closed.")]}
    return {}


def course_errors(data: dict, current_id: int | None = None) -> dict[str, list[str]]:
    """A training session's course (the web form's picker and the API): one that is offered. An
    activity keeps a course that stopped being offered after it was chosen (checked when it changes)."""
    course = data.get("course")
    if course is None or (isinstance(course, Course) and course.pk == current_id):
        return {}
    if not isinstance(course, Course) or not course.is_active:
        return {"course": [_("Choose a course that is offered.")]}
    return {}


def qualification_errors(kinds, *, field: str = "required_qualifications") -> dict[str, list[str]]:
    """Required qualifications (of an activity or a shift): qualification types."""
    if kinds is None or all(isinstance(kind, QualificationType) for kind in kinds):
        return {}
    return {field: [_("Choose qualifications from the list.")]}


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


def cover_errors(cover) -> dict[str, list[str]]:
    if not cover:
        return {}
    try:
        image_check(cover, field="cover")
    except FieldErrors as exc:
        return exc.errors
    return {}


def fill_from_site(data: dict) -> None:
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


def save_cover(activity: Activity, cover) -> None:
    checked = image_check(cover, field="cover")
    activity.cover.save(
        f"{activity.share_token}-{uuid.uuid4().hex[:8]}{checked.extension}", cover, save=False
    )
