"""Signing up: the outcomes (confirmed, waitlisted, applied), the edges of each rule, the agreement
record, and the query counts of the rules."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Shift
from huiguang.activities.rules.context import SHIFT_RULE_PREFETCH, signup_context, signup_contexts
from huiguang.activities.rules.decide import enrollment_check
from huiguang.activities.services.enrollments import EnrollmentRefused, enrollment_create
from huiguang.core.id_card import age_on
from huiguang.core.models import AuditEntry
from huiguang.volunteers.models import Skill

from ..conftest import login_client
from ..factories import VolunteerFactory, enrol, make_activity, member
from .conftest import make_shift


def _post(user, shift, client=None, **data):
    client = client or login_client(user)
    return client.post(reverse("activities:enroll", args=[shift.pk]), {"next": "/me/activities/", **data})


def test_a_free_place_confirms_the_volunteer_at_once(city, volunteer, shift):
    client = login_client(volunteer.user)
    response = _post(volunteer.user, shift, client)
    assert response.status_code == 302 and response["Location"] == "/me/activities/"
    enrollment = Enrollment.objects.get(volunteer=volunteer)
    assert enrollment.status == "confirmed" and enrollment.signed_up_by == volunteer.user
    shift.refresh_from_db()
    assert (shift.taken, shift.waitlisted) == (1, 0)
    page = client.get("/me/activities/").content.decode()
    assert f"报名成功：{shift.activity.title} · 理发岗" in page
    assert AuditEntry.objects.filter(action="enrollment_created", object_id=str(enrollment.pk)).exists()


def test_without_next_the_volunteer_returns_to_the_activity(city, volunteer, shift):
    response = login_client(volunteer.user).post(reverse("activities:enroll", args=[shift.pk]))
    assert response["Location"] == reverse("activities:detail", args=[shift.activity_id])


def test_a_full_shift_puts_the_volunteer_on_the_waitlist(city, volunteer):
    shift = make_shift(organization=city.org_a, capacity=1, waitlist_size=1)
    enrol(shift, member(city.org_a))
    client = login_client(volunteer.user)
    response = _post(volunteer.user, shift, client)
    assert response.status_code == 302
    assert Enrollment.objects.get(volunteer=volunteer).status == "waitlisted"
    shift.refresh_from_db()
    assert (shift.taken, shift.waitlisted) == (1, 1)
    page = client.get("/me/activities/").content.decode()
    assert "名额已满：您已进入" in page


def test_approval_mode_sign_up_waits_for_the_organizer_and_takes_no_place(city, volunteer):
    shift = make_shift(organization=city.org_a, activity_fields={"signup_mode": Activity.SignupMode.APPROVAL})
    client = login_client(volunteer.user)
    response = _post(volunteer.user, shift, client)
    assert response.status_code == 302
    assert Enrollment.objects.get(volunteer=volunteer).status == "applied"
    shift.refresh_from_db()
    assert (shift.taken, shift.waitlisted) == (0, 0)
    assert "等待组织者审核" in client.get("/me/activities/").content.decode()


def test_accepting_the_agreement_records_when_and_which_text(city, volunteer):
    text = "本人自愿参加，服从安排，注意安全。"
    shift = make_shift(
        organization=city.org_a, activity_fields={"agreement_required": True, "agreement_text": text}
    )
    refused = _post(volunteer.user, shift)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert text in body and 'name="agreement_accepted"' in body  # the page offers the agreement to accept
    response = _post(volunteer.user, shift, agreement_accepted="1")
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(volunteer=volunteer)
    assert enrollment.agreement_text_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert abs(enrollment.agreement_accepted_at - timezone.now()) < dt.timedelta(minutes=1)


def test_double_sign_up_is_refused_and_counted_once(city, volunteer, shift):
    enrollment_create(volunteer=volunteer, shift=shift, actor=volunteer.user)
    with pytest.raises(EnrollmentRefused) as exc:
        enrollment_create(volunteer=volunteer, shift=shift, actor=volunteer.user)
    assert exc.value.reason == "ALREADY_ENROLLED"
    shift.refresh_from_db()
    assert shift.taken == 1 and Enrollment.objects.count() == 1


def test_nobody_signs_up_someone_else(city, volunteer, shift):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        enrollment_create(volunteer=volunteer, shift=shift, actor=city.users["leader"])


def test_a_cancelled_sign_up_can_be_made_again(city, volunteer, shift):
    enrol(shift, volunteer, status=Enrollment.Status.CANCELLED)
    assert enrollment_create(volunteer=volunteer, shift=shift, actor=volunteer.user).status == "confirmed"


# --- overlap ---------------------------------------------------------------------------------------


def _pair(city, volunteer, *, gap_minutes: int):
    """Two shifts of 4 hours; the second starts `gap_minutes` after the first ends (negative: overlap)."""
    start = timezone.now() + dt.timedelta(days=3)
    first = make_shift(organization=city.org_a, starts_at=start)
    enrol(first, volunteer)
    second = make_shift(organization=city.org_a, starts_at=first.ends_at + dt.timedelta(minutes=gap_minutes))
    return Shift.objects.select_related("activity").get(pk=second.pk)


@pytest.mark.parametrize("gap,ok", [(0, True), (-15, True), (-16, False), (30, True)])
def test_overlap_beyond_the_grace_is_refused(city, volunteer, gap, ok):
    decision = enrollment_check(volunteer, _pair(city, volunteer, gap_minutes=gap))
    assert decision.ok is ok
    assert decision.reason == (None if ok else "OVERLAPS")


@override_settings(HUIGUANG_OVERLAP_GRACE_MINUTES=0)
def test_the_grace_is_a_setting(city, volunteer):
    assert enrollment_check(volunteer, _pair(city, volunteer, gap_minutes=-1)).reason == "OVERLAPS"


@pytest.mark.parametrize("status,blocks", [("waitlisted", True), ("applied", True), ("cancelled", False)])
def test_waitlisted_and_applied_enrollments_count_for_overlap(city, volunteer, status, blocks):
    start = timezone.now() + dt.timedelta(days=3)
    enrol(make_shift(organization=city.org_a, starts_at=start), volunteer, status=status)
    other = make_shift(organization=city.org_a, starts_at=start + dt.timedelta(hours=1))
    decision = enrollment_check(volunteer, Shift.objects.select_related("activity").get(pk=other.pk))
    assert (decision.reason == "OVERLAPS") is blocks


# --- no-shows ---------------------------------------------------------------------------------------


def _no_show(city, volunteer, days_ago: int):
    past = make_activity(city.org_a, starts_at=timezone.now() - dt.timedelta(days=days_ago))
    enrol(make_shift(past), volunteer, status=Enrollment.Status.NO_SHOW)


def test_no_shows_older_than_the_window_do_not_block(city, volunteer, shift):
    for days in (10, 40, 95):
        _no_show(city, volunteer, days)
    assert enrollment_check(volunteer, shift).ok


def test_two_no_shows_do_not_block_yet(city, volunteer, shift):
    for days in (10, 40):
        _no_show(city, volunteer, days)
    assert enrollment_check(volunteer, shift).ok


@override_settings(HUIGUANG_NO_SHOW_LIMIT=1, HUIGUANG_NO_SHOW_WINDOW_DAYS=30)
def test_the_no_show_limit_and_window_are_settings(city, volunteer, shift):
    _no_show(city, volunteer, 20)
    decision = enrollment_check(volunteer, shift)
    assert decision.reason == "BLOCKED_NO_SHOWS"
    assert decision.message == "您近30天内有1次报名后未到岗，暂时不能报名。"


# --- membership, age, skills ---------------------------------------------------------------------------


def test_members_of_a_sub_team_may_join_the_parent_teams_members_only_activity(city):
    sub_member = member(city.org_a1)
    shift = make_shift(organization=city.org_a, activity_fields={"members_only": True})
    assert enrollment_check(sub_member, shift).ok


def test_members_of_the_parent_team_are_not_members_of_a_sub_team(city, volunteer):
    shift = make_shift(organization=city.org_a1, activity_fields={"members_only": True})
    assert enrollment_check(volunteer, shift).reason == "NOT_MEMBER"


def test_age_is_counted_on_the_day_of_the_shift(city):
    shift_day = timezone.localdate() + dt.timedelta(days=10)
    start = timezone.make_aware(dt.datetime.combine(shift_day, dt.time(9, 0)))
    shift = make_shift(
        organization=city.org_a, starts_at=start, activity_fields={"min_age": 18, "max_age": 60}
    )
    eighteen_that_day = VolunteerFactory()
    eighteen_that_day.birth_date = shift_day.replace(year=shift_day.year - 18)
    not_yet = VolunteerFactory()
    not_yet.birth_date = shift_day.replace(year=shift_day.year - 18) + dt.timedelta(days=1)
    sixty_one_that_day = VolunteerFactory()
    sixty_one_that_day.birth_date = shift_day.replace(year=shift_day.year - 61)
    assert enrollment_check(eighteen_that_day, shift).ok
    assert enrollment_check(not_yet, shift).reason == "UNDER_AGE"
    assert enrollment_check(sixty_one_that_day, shift).reason == "OVER_AGE"


def test_age_on_a_leap_day_birthday():
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18


def test_a_volunteer_with_the_skills_passes(city, volunteer, shift):
    haircut = Skill.objects.create(code="haircut", name="理发")
    first_aid = Skill.objects.create(code="first-aid", name="急救")
    shift.activity.required_skills.add(haircut, first_aid)
    volunteer.skills.add(haircut)
    assert enrollment_check(volunteer, shift).message == "该活动需要以下技能，您的资料中还没有：急救。"
    volunteer.skills.add(first_aid)
    assert enrollment_check(volunteer, shift).ok


def test_a_party_member_passes_the_political_status_rule(city, volunteer):
    shift = make_shift(organization=city.org_a, activity_fields={"political_status": "party"})
    volunteer.political_status = "party"
    assert enrollment_check(volunteer, shift).ok


def test_sign_up_opens_and_closes_on_the_recruit_window(city, volunteer):
    now = timezone.now()
    fields = {
        "recruit_opens_at": now + dt.timedelta(hours=1),
        "recruit_closes_at": now + dt.timedelta(days=1),
    }
    shift = make_shift(organization=city.org_a, activity_fields=fields)
    assert enrollment_check(volunteer, shift, now=now).reason == "NOT_OPEN"
    assert enrollment_check(volunteer, shift, now=now + dt.timedelta(hours=2)).ok
    assert enrollment_check(volunteer, shift, now=now + dt.timedelta(days=1)).reason == "CLOSED"


def test_without_a_closing_time_sign_up_closes_when_the_shift_starts(city, volunteer, shift):
    assert enrollment_check(volunteer, shift, now=shift.starts_at - dt.timedelta(minutes=1)).ok
    assert enrollment_check(volunteer, shift, now=shift.starts_at).reason == "STARTED"


# --- queries ------------------------------------------------------------------------------------------


def _thirty_shifts(city):
    haircut = Skill.objects.create(code="haircut", name="理发")
    shifts = []
    for i in range(30):
        activity = make_activity(city.org_a if i % 2 else city.org_b, members_only=i % 3 == 0, min_age=16)
        if i % 5 == 0:
            activity.required_skills.add(haircut)
        shifts.append(make_shift(activity, starts_at=activity.starts_at + dt.timedelta(hours=i)))
    return (
        Shift.objects.filter(pk__in=[s.pk for s in shifts])
        .select_related("activity")
        .prefetch_related(*SHIFT_RULE_PREFETCH)
    )


def test_checking_a_list_of_shifts_with_a_context_makes_no_query_per_shift(
    city, volunteer, django_assert_num_queries
):
    for days in (5, 6):
        enrol(
            make_shift(organization=city.org_a, starts_at=timezone.now() + dt.timedelta(days=days)), volunteer
        )
    shifts = list(_thirty_shifts(city))
    context = signup_context(volunteer)
    with django_assert_num_queries(0):
        decisions = [enrollment_check(volunteer, s, context=context) for s in shifts]
    assert len(decisions) == 30
    assert {d.reason for d in decisions} >= {None, "NOT_MEMBER", "MISSING_SKILL"}


def test_a_context_costs_the_same_queries_whatever_the_volunteer_holds(
    city, volunteer, django_assert_num_queries
):
    with django_assert_num_queries(6):
        signup_context(volunteer)
    for days in range(5, 15):
        enrol(
            make_shift(organization=city.org_a, starts_at=timezone.now() + dt.timedelta(days=days)), volunteer
        )
    for _ in range(3):
        _no_show(city, volunteer, 10)
    volunteer.skills.add(Skill.objects.create(code="haircut", name="理发"))
    with django_assert_num_queries(6):
        context = signup_context(volunteer)
    assert len(context.active) == 10 and context.no_shows == 3
    assert city.org_a.pk in context.member_org_ids


def test_contexts_for_many_volunteers_cost_the_same_queries(city, django_assert_num_queries):
    volunteers = [member(city.org_a1) for _ in range(12)]
    with django_assert_num_queries(6):
        contexts = signup_contexts(volunteers)
    # A member of the sub-team counts as a member of org A above it, not of org B.
    assert all(c.member_org_ids == {city.org_a.pk, city.org_a1.pk} for c in contexts.values())
