"""The sign-up hot path's cost in SQL statements, pinned (issue 14): a later change cannot quietly
add one. Counted as the statements a request sends; the SAVEPOINTs that stand in for BEGIN and
COMMIT inside the test's transaction are left out (a real request sends BEGIN and COMMIT instead,
which Django does not log either)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler, SQLUpdateCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from huiguang.accounts.models import ApiToken
from huiguang.activities.models import Enrollment, Shift
from huiguang.activities.rules.context import (
    REQUIREMENT_FLAGS,
    load_requirements,
    signup_context,
    signup_context_for_shift,
)
from huiguang.activities.rules.decide import enrollment_check
from huiguang.activities.services.enrollments import enrollment_create
from huiguang.training.models import Qualification, QualificationType
from huiguang.volunteers.models import Skill

from ..conftest import login_client
from ..factories import bearer, enrol, member
from .conftest import make_shift


def _statements(captured) -> list[str]:
    return [q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_an_api_sign_up_sends_7_statements(city, volunteer, shift):
    client = bearer(volunteer.user)
    assert client.get("/api/v1/me").status_code == 200  # the token was used a moment ago
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/shifts/{shift.pk}/enrollments", content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    statements = _statements(queries.captured_queries)
    assert len(statements) == 7, "\n".join(statements)


def test_a_web_sign_up_sends_8_statements(city, volunteer, shift):
    client = login_client(volunteer.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("activities:enroll", args=[shift.pk]), {"next": "/me/activities/"})
    assert response.status_code == 302
    assert Enrollment.objects.get(shift=shift, volunteer=volunteer).status == "confirmed"
    statements = _statements(queries.captured_queries)
    assert len(statements) == 8, "\n".join(statements)


def test_a_sign_up_compiles_no_statement_after_the_first(city, volunteer, shift, monkeypatch):
    """The locking reads, the rules' read, the guarded UPDATE and the two INSERTs (the enrollment,
    the audit row) are compiled once per connection (core.compiled): the next sign-up compiles
    none."""
    compiled: list[str] = []
    for kind in (SQLCompiler, SQLUpdateCompiler, SQLInsertCompiler):

        def as_sql(self, *args, _as_sql=kind.as_sql, **kwargs):
            compiled.append(type(self).__name__)
            return _as_sql(self, *args, **kwargs)

        monkeypatch.setattr(kind, "as_sql", as_sql)
    # The first sign-up on this connection (here, or in an earlier test) compiles them.
    assert enrollment_create(shift=shift.pk, actor=volunteer.user).status == "confirmed"
    other = member(city.org_a)
    compiled.clear()
    assert enrollment_create(shift=shift.pk, actor=other.user).status == "confirmed"
    assert compiled == []
    assert Shift.objects.get(pk=shift.pk).taken == 2


def test_a_shift_that_requires_a_qualification_costs_two_statements_more(city, volunteer, shift):
    kind = QualificationType.objects.create(code="first-aider", name="急救员")
    shift.required_qualifications.add(kind)
    Qualification.objects.create(
        volunteer=volunteer,
        type=kind,
        issued_on=timezone.localdate(),
        source=Qualification.Source.CERTIFICATE,
    )
    client = bearer(volunteer.user)
    assert client.get("/api/v1/me").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/shifts/{shift.pk}/enrollments", content_type="application/json")
    assert response.status_code == 201
    # + the shift's required qualifications, + the volunteer's qualifications
    assert len(_statements(queries.captured_queries)) == 9


def _as_locked(shift: Shift) -> Shift:
    locked = Shift.objects.select_related("activity").annotate(**REQUIREMENT_FLAGS).get(pk=shift.pk)
    load_requirements(locked)
    return locked


def test_the_one_shift_context_decides_as_the_full_context(city, volunteer):
    """signup_context_for_shift leaves out only what no rule looks at for that shift."""
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    held = make_shift(organization=city.org_a, starts_at=start)
    enrol(held, volunteer)
    later = make_shift(organization=city.org_a, starts_at=start + dt.timedelta(days=1))
    enrol(later, volunteer, status=Enrollment.Status.WAITLISTED)
    skill = Skill.objects.create(code="haircut", name="理发")
    kind = QualificationType.objects.create(code="first-aider", name="急救员")
    shifts = [
        held,  # ALREADY_ENROLLED
        make_shift(organization=city.org_a, starts_at=start + dt.timedelta(hours=2)),  # OVERLAPS
        make_shift(organization=city.org_a, starts_at=start + dt.timedelta(hours=4)),  # back to back: ok
        make_shift(organization=city.org_b, activity_fields={"members_only": True}),  # NOT_MEMBER
        make_shift(organization=city.org_a, activity_fields={"members_only": True}),  # a member: ok
        make_shift(organization=city.org_a, activity_fields={"days": 9}),
        make_shift(organization=city.org_a, activity_fields={"days": 10}),
    ]
    shifts[5].activity.required_skills.add(skill)  # MISSING_SKILL
    shifts[6].required_qualifications.add(kind)  # MISSING_QUALIFICATION
    now = timezone.now()
    full = signup_context(volunteer, now=now)
    decisions = []
    for shift in shifts:
        locked = _as_locked(shift)
        one = enrollment_check(
            volunteer, locked, context=signup_context_for_shift(volunteer, locked, now=now), now=now
        )
        assert one == enrollment_check(volunteer, locked, context=full, now=now)
        decisions.append(one.reason)
    assert decisions == [
        "ALREADY_ENROLLED",
        "OVERLAPS",
        None,
        "NOT_MEMBER",
        None,
        "MISSING_SKILL",
        "MISSING_QUALIFICATION",
    ]
    # Three recent no-shows block every sign-up, in both contexts alike.
    for days_ago in (3, 10, 20):
        past = make_shift(organization=city.org_a, activity_fields={"days": -days_ago})
        enrol(past, volunteer, status=Enrollment.Status.NO_SHOW)
    locked = _as_locked(shifts[2])
    one = enrollment_check(
        volunteer, locked, context=signup_context_for_shift(volunteer, locked, now=now), now=now
    )
    assert one.reason == "BLOCKED_NO_SHOWS"
    assert one == enrollment_check(volunteer, locked, context=signup_context(volunteer, now=now), now=now)


def test_the_one_shift_context_keeps_only_what_the_rules_count_at_the_edges(city, volunteer, settings):
    """The one-shift context reads a superset (every sign-up and no-show on a shift that ended in
    the no-show window) and keeps what the rules count: a no-show whose shift started before the
    window does not count, even if the shift ended inside it; a sign-up on a shift that has ended
    or does not meet this one is not held against it."""
    now = timezone.now().replace(microsecond=0)
    since = now - dt.timedelta(days=settings.HUIGUANG_NO_SHOW_WINDOW_DAYS)
    activity = make_shift(organization=city.org_a).activity
    for starts_at, ends_at, status in [
        (since - dt.timedelta(hours=1), since + dt.timedelta(hours=1), Enrollment.Status.NO_SHOW),
        (since + dt.timedelta(hours=1), since + dt.timedelta(hours=3), Enrollment.Status.NO_SHOW),
        (now - dt.timedelta(days=2), now - dt.timedelta(days=1), Enrollment.Status.NO_SHOW),
        (now - dt.timedelta(days=1), now - dt.timedelta(hours=20), Enrollment.Status.CONFIRMED),
        (now + dt.timedelta(days=30), now + dt.timedelta(days=30, hours=2), Enrollment.Status.CONFIRMED),
    ]:
        enrol(make_shift(activity, starts_at=starts_at, ends_at=ends_at), volunteer, status=status)
    target = _as_locked(make_shift(activity, starts_at=now + dt.timedelta(days=3)))
    one = signup_context_for_shift(volunteer, target, now=now)
    full = signup_context(volunteer, now=now)
    assert one.no_shows == full.no_shows == 2
    assert one.active == () and len(full.active) == 1
    assert enrollment_check(volunteer, target, context=one, now=now) == enrollment_check(
        volunteer, target, context=full, now=now
    )
    assert enrollment_check(volunteer, target, context=one, now=now).ok
    # The third no-show in the window blocks, in both contexts alike.
    enrol(
        make_shift(activity, starts_at=now - dt.timedelta(days=5)),
        volunteer,
        status=Enrollment.Status.NO_SHOW,
    )
    one = signup_context_for_shift(volunteer, target, now=now)
    assert one.no_shows == 3
    decision = enrollment_check(volunteer, target, context=one, now=now)
    assert decision.reason == "BLOCKED_NO_SHOWS"
    assert decision == enrollment_check(
        volunteer, target, context=signup_context(volunteer, now=now), now=now
    )


def test_a_tokens_last_use_is_written_at_most_once_a_minute(city, volunteer):
    client = bearer(volunteer.user)
    token = ApiToken.objects.get(user=volunteer.user)
    assert token.last_used_at is None
    assert client.get("/api/v1/me").status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me").status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    # A minute later the next request writes it again, once.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(seconds=61))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me").status_code == 200
    assert len([q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]) == 1
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first
