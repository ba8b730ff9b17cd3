"""An activity's shifts: one by one, or as a grid of positions × time slots; editing and deleting.

Shift counters (`taken`, `waitlisted`) belong to services/enrollments.py; here a capacity is
changed only by a guarded UPDATE (`WHERE taken <= new capacity`), so a concurrent sign-up can
never leave a shift overbooked (docs/locking.md).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.permissions import may_edit
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.formatting import format_time_range

from ..models import Activity, Enrollment, Shift
from .enrollments import waitlist_promote
from .fields import number_error, qualification_errors, require
from .notices import site_language, tell_enrolled

S = Activity.Status
MAX_SHIFTS_PER_GRID = 200


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
            % {"when": format_time_range(activity.starts_at, activity.ends_at)}
        ]
    if msg := number_error(capacity, 1, 10000):
        errors["capacity"] = [msg]
    if msg := number_error(waitlist_size, 0, 10000):
        errors["waitlist_size"] = [msg]
    return errors


def _require_shift_edit(actor, activity: Activity) -> None:
    require(may_edit(actor, activity))


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
    required_qualifications=(),
    request=None,
) -> Shift:
    """A position in a time slot. `required_qualifications`: what this position needs on top of
    the activity's requirements (such as 急救员 for the first-aid post)."""
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
    ) | qualification_errors(required_qualifications)
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
        if required_qualifications:
            shift.required_qualifications.set(required_qualifications)
        audit_log(
            action="shift_created",
            actor=actor,
            obj=shift,
            request=request,
            activity=activity.pk,
            required_qualifications=sorted(q.pk for q in required_qualifications),
        )
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


def shift_update(*, actor, shift: Shift, required_qualifications=None, request=None, **changes) -> Shift:
    """Edit a shift. Places and waitlist places never drop below what is held: the new numbers are
    written by a guarded UPDATE (`WHERE taken <= capacity AND waitlisted <= waitlist_size`), so a
    sign-up that lands meanwhile is counted. More places promote from the waitlist. Volunteers of
    the shift are told when its time changes. `required_qualifications` (None: unchanged) apply to
    later sign-ups; those already signed up keep their places."""
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
    errors = _shift_errors(activity, **values) | qualification_errors(required_qualifications)
    if errors:
        raise FieldErrors(errors)
    qualifications_changed = required_qualifications is not None and {
        q.pk for q in required_qualifications
    } != set(shift.required_qualifications.values_list("pk", flat=True))
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
        if qualifications_changed:
            shift.required_qualifications.set(required_qualifications)
        if retimed and activity.status == S.PUBLISHED:
            with site_language():
                tell_enrolled(
                    activity, shifts=[shift], what=_("The organizer changed the time of your shift.")
                )
        detail: dict[str, Any] = {
            k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in values.items()
        }
        if qualifications_changed and required_qualifications is not None:
            detail["required_qualifications"] = sorted(q.pk for q in required_qualifications)
        audit_log(action="shift_updated", actor=actor, obj=shift, request=request, **detail)
    if grew and shift.waitlisted:
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
