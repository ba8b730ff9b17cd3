"""Closing an activity: finishing it with its outcome (people served, outputs such as 爱心包 × 200),
correcting the outcome, archiving it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.permissions import (
    organization_may_edit_activities,
    organization_may_manage_activities,
)
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused

from ..models import Activity
from .fields import number_error, require, wrong_status
from .notices import site_language, tell_organizer

S = Activity.Status
MAX_OUTPUTS = 20


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
    if people_served is not None and (msg := number_error(people_served, 0, 10_000_000)):
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
    require(organization_may_manage_activities(actor, activity.organization))
    if activity.status != S.PUBLISHED:
        raise wrong_status(activity)
    if activity.starts_at > timezone.now():
        raise Refused("not_started", _("An activity can be finished only after it has started."))
    outcome = _outcome_data(people_served, outcome_summary, outputs)
    with transaction.atomic():
        updated = Activity.objects.filter(pk=activity.pk, status=S.PUBLISHED).update(
            status=S.FINISHED, updated_at=timezone.now(), **outcome
        )
        if not updated:
            raise wrong_status(Activity.objects.get(pk=activity.pk))
        activity.status = S.FINISHED
        for name, value in outcome.items():
            setattr(activity, name, value)
        with site_language():
            tell_organizer(
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
    require(organization_may_edit_activities(actor, activity.organization))
    if activity.status != S.FINISHED:
        raise wrong_status(activity)
    outcome = _outcome_data(people_served, outcome_summary, outputs)
    with transaction.atomic():
        for name, value in outcome.items():
            setattr(activity, name, value)
        activity.save(update_fields=[*outcome, "updated_at"])
        audit_log(action="activity_outcome_recorded", actor=actor, obj=activity, request=request, **outcome)
    return activity


def activity_archive(*, actor, activity: Activity, request=None) -> Activity:
    require(organization_may_manage_activities(actor, activity.organization))
    if activity.status != S.FINISHED:
        raise wrong_status(activity)
    with transaction.atomic():
        if not Activity.objects.filter(pk=activity.pk, status=S.FINISHED).update(
            status=S.ARCHIVED, updated_at=timezone.now()
        ):
            raise wrong_status(Activity.objects.get(pk=activity.pk))
        activity.status = S.ARCHIVED
        audit_log(action="activity_archived", actor=actor, obj=activity, request=request)
    return activity
