"""Rules 1-12 one by one (`rule_refusal`), the capacity outcome (rule 13) and the guardian's rule
(14); see the package's docstring for the list. None of them makes a query, given a context
(except the one shared look-up of how to get a missing qualification)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huiguang.core.id_card import age_on
from huiguang.volunteers.models import Volunteer

from ..models import Activity, Enrollment, Shift
from ..sessions import grant_routes
from .context import SignupContext
from .reasons import Decision, Reason, refuse


def guardian_approval_needed(volunteer: Volunteer, now: dt.datetime) -> bool:
    """Rule 14: under HUIGUANG_GUARDIAN_AGE today and no standing consent of the guardian."""
    age = age_on(volunteer.birth_date, timezone.localtime(now).date())
    return age < settings.HUIGUANG_GUARDIAN_AGE and volunteer.guardian_standing_consent_at is None


def _local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def rule_refusal(
    volunteer: Volunteer, shift: Shift, *, context: SignupContext, now: dt.datetime, agreement_accepted: bool
) -> Decision | None:
    """Rules 1-12 (everything but capacity); None when the volunteer passes them all."""
    activity: Activity = shift.activity
    if volunteer.status == Volunteer.Status.AWAITING_GUARDIAN:
        return refuse(
            Reason.VOLUNTEER_INACTIVE,
            _("Your guardian has not agreed yet: you can sign up after your guardian's consent."),
        )
    if volunteer.status != Volunteer.Status.ACTIVE:
        return refuse(Reason.VOLUNTEER_INACTIVE)
    if activity.status != Activity.Status.PUBLISHED:
        if activity.status == Activity.Status.CANCELLED:
            return refuse(Reason.NOT_PUBLISHED, _("This activity has been cancelled."))
        return refuse(Reason.NOT_PUBLISHED)
    if shift.starts_at <= now:
        return refuse(Reason.STARTED)
    if activity.recruit_opens_at and now < activity.recruit_opens_at:
        return refuse(
            Reason.NOT_OPEN,
            _("Sign-up has not opened yet: it opens at %(when)s.")
            % {"when": _local(activity.recruit_opens_at)},
        )
    # Closing after the shift's start changes nothing: rule 3 already refused a started shift.
    closes_at = activity.recruit_closes_at or shift.starts_at
    if now >= closes_at:
        return refuse(Reason.CLOSED, _("Sign-up closed at %(when)s.") % {"when": _local(closes_at)})
    if shift.pk in context.active_shift_ids:
        return refuse(Reason.ALREADY_ENROLLED)
    if (activity.members_only or activity.visibility == Activity.Visibility.MEMBERS) and (
        activity.organization_id not in context.member_org_ids
    ):
        return refuse(Reason.NOT_MEMBER)
    if activity.political_status and volunteer.political_status != activity.political_status:
        labels = dict(Volunteer.Political.choices)
        label = labels.get(activity.political_status, activity.political_status)
        return refuse(
            Reason.POLITICAL_STATUS,
            _("This activity is only for volunteers who are: %(status)s.") % {"status": label},
        )
    if activity.min_age is not None or activity.max_age is not None:
        age = age_on(volunteer.birth_date, timezone.localtime(shift.starts_at).date())
        if activity.min_age is not None and age < activity.min_age:
            return refuse(
                Reason.UNDER_AGE,
                _("This activity is for volunteers aged %(age)d or older on the day of the shift.")
                % {"age": activity.min_age},
            )
        if activity.max_age is not None and age > activity.max_age:
            return refuse(
                Reason.OVER_AGE,
                _("This activity is for volunteers aged %(age)d or younger on the day of the shift.")
                % {"age": activity.max_age},
            )
    missing = [s for s in activity.required_skills.all() if s.pk not in context.skill_ids]
    if missing:
        return refuse(
            Reason.MISSING_SKILL,
            _("This activity needs a skill that is not in your profile: %(skills)s.")
            % {"skills": "、".join(s.name for s in missing)},
        )
    qualification_refusal = _qualification_refusal(shift, context)
    if qualification_refusal is not None:
        return qualification_refusal
    if context.no_shows >= settings.HUIGUANG_NO_SHOW_LIMIT:
        return refuse(
            Reason.BLOCKED_NO_SHOWS,
            _(
                "You did not come to %(count)d shifts you had signed up for in the last %(days)d days, "
                "so you cannot sign up for now."
            )
            % {"count": context.no_shows, "days": settings.HUIGUANG_NO_SHOW_WINDOW_DAYS},
        )
    grace = dt.timedelta(minutes=settings.HUIGUANG_OVERLAP_GRACE_MINUTES)
    for other in context.active:
        if other.shift_id == shift.pk:
            continue
        if min(other.ends_at, shift.ends_at) - max(other.starts_at, shift.starts_at) > grace:
            return refuse(
                Reason.OVERLAPS,
                _("This shift is at the same time as another shift you signed up for: %(other)s, %(when)s.")
                % {"other": other.label, "when": _local(other.starts_at)},
            )
    if activity.agreement_required and not agreement_accepted:
        return refuse(Reason.AGREEMENT_REQUIRED)
    return None


def _qualification_refusal(shift: Shift, context: SignupContext) -> Decision | None:
    """Rule 9's second half: every required qualification held and valid on the shift's last day."""
    last_day = timezone.localtime(shift.ends_at).date()
    required = {t.pk: t for t in shift.activity.required_qualifications.all()}
    required.update({t.pk: t for t in shift.required_qualifications.all()})
    for type_id in sorted(required):
        kind = required[type_id]
        if type_id not in context.qualifications:
            reason = Reason.MISSING_QUALIFICATION
            text = _("This activity needs the qualification %(qualification)s, which you do not hold.")
        else:
            expires = context.qualifications[type_id]
            if expires is None or expires >= last_day:
                continue
            reason = Reason.QUALIFICATION_EXPIRED
            text = _(
                "Your qualification %(qualification)s expires on %(expires)s, before this shift ends: "
                "renew it first."
            )
        message = text % {
            "qualification": kind.name,
            "expires": date_format(context.qualifications.get(type_id) or last_day, "Y-m-d"),
        }
        how, link = _how_to_qualify(type_id, context)
        return Decision(ok=False, reason=reason.value, message=f"{message} {how}", outcome=None, link=link)
    return None


def _how_to_qualify(type_id: int, context: SignupContext) -> tuple[str, str]:
    """The sentence (and the link) that says which course grants a qualification and when it meets next."""
    if "loaded" not in context.routes:
        context.routes.update(grant_routes(now=context.now))
        context.routes["loaded"] = True
    route = context.routes.get(type_id)
    if route is None:
        return str(_("No course on the platform grants it yet: ask the organizer.")), ""
    link = reverse("activities:course_detail", args=[route.course_id])
    if route.session_starts_at is None:
        return (
            _("The course %(course)s grants it; no session is planned yet.") % {"course": route.course_title},
            link,
        )
    return (
        _("The course %(course)s grants it; its next session starts %(when)s.")
        % {"course": route.course_title, "when": _local(route.session_starts_at)},
        link,
    )


def capacity_outcome(shift: Shift) -> str | None:
    """What the counters allow now: confirmed / waitlisted (instant mode), applied (approval mode),
    or None when every place and every waitlist place is taken."""
    has_place = shift.taken < shift.capacity
    has_waitlist = shift.waitlisted < shift.waitlist_size
    if not (has_place or has_waitlist):
        return None
    if shift.activity.signup_mode == Activity.SignupMode.APPROVAL:
        return Enrollment.Status.APPLIED
    return Enrollment.Status.CONFIRMED if has_place else Enrollment.Status.WAITLISTED
