"""A guardian and a child under HUIGUANG_GUARDIAN_AGE: the child's sign-up waits for the guardian,
who approves (the place is taken then, capacity respected) or declines it on the child's page
(ledger:ward), or gives a standing consent; nobody else sees or decides."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Shift
from huiguang.core.id_card import make_id_number
from huiguang.core.models import AuditEntry
from huiguang.ledger.models import VolunteerHours
from huiguang.notifications.models import Notification
from huiguang.volunteers.models import Volunteer

from ..conftest import login_client
from ..factories import ROLES, VolunteerFactory, bearer, enrol, make_shift, member

_seq = itertools.count(601)


def make_child(guardian: Volunteer, *, years: int = 12, **fields) -> Volunteer:
    today = timezone.localdate()
    birth = today.replace(year=today.year - years) - dt.timedelta(days=30)
    return VolunteerFactory(
        id_number=make_id_number("330482", birth, next(_seq)),
        real_name="小明明",
        guardian=guardian,
        guardian_consented_at=timezone.now(),
        residence_region=guardian.residence_region,
        **fields,
    )


@pytest.fixture
def guardian(city) -> Volunteer:
    return Volunteer.objects.get(user=city.users["volunteer"])  # 张小明


@pytest.fixture
def child(guardian) -> Volunteer:
    return make_child(guardian)


@pytest.fixture
def shift(city) -> Shift:
    return make_shift(organization=city.org_a, capacity=1, waitlist_size=0)


def sign_up(child: Volunteer, shift: Shift):
    return login_client(child.user).post(reverse("activities:enroll", args=[shift.pk]))


def decide(user, enrollment: Enrollment, decision: str):
    return login_client(user).post(
        reverse("activities:guardian_decide", args=[enrollment.pk]), {"decision": decision}
    )


def test_a_12_year_olds_sign_up_waits_for_the_guardian_and_takes_no_place(city, guardian, child, shift):
    assert sign_up(child, shift).status_code == 302
    enrollment = Enrollment.objects.get(volunteer=child)
    assert (enrollment.status, enrollment.reason) == ("applied", "GUARDIAN_APPROVAL")
    shift.refresh_from_db()
    assert shift.taken == 0
    note = Notification.objects.get(user=guardian.user, kind="guardian_approval")
    assert note.url == reverse("ledger:ward", args=[child.pk]) and "小明明" in note.title
    page = login_client(guardian.user).get(note.url).content.decode()
    assert "等待您同意的报名" in page and shift.activity.title in page


def test_the_guardian_approves_and_the_child_is_confirmed(city, guardian, child, shift):
    sign_up(child, shift)
    enrollment = Enrollment.objects.get(volunteer=child)
    response = decide(guardian.user, enrollment, "approve")
    assert response.status_code == 302 and response["Location"] == reverse("ledger:ward", args=[child.pk])
    enrollment.refresh_from_db()
    shift.refresh_from_db()
    assert (enrollment.status, enrollment.reason, enrollment.decided_by) == ("confirmed", "", guardian.user)
    assert shift.taken == 1
    assert Notification.objects.filter(user=child.user, kind="guardian_decision").exists()
    assert AuditEntry.objects.filter(
        action="enrollment_guardian_approved", object_id=str(enrollment.pk)
    ).exists()


def test_approval_respects_the_capacity_at_approval_time(city, guardian, child, shift):
    sign_up(child, shift)
    enrollment = Enrollment.objects.get(volunteer=child)
    enrol(shift, member(city.org_a))  # the last place goes to an adult meanwhile
    response = decide(guardian.user, enrollment, "approve")
    assert response.status_code == 409
    assert 'data-reason="FULL"' in response.content.decode()
    enrollment.refresh_from_db()
    shift.refresh_from_db()
    assert (enrollment.status, enrollment.reason) == ("applied", "GUARDIAN_APPROVAL")
    assert (shift.taken, shift.capacity) == (1, 1)


def test_the_guardian_declines_and_the_child_is_not_enrolled(city, guardian, child, shift):
    sign_up(child, shift)
    enrollment = Enrollment.objects.get(volunteer=child)
    assert decide(guardian.user, enrollment, "decline").status_code == 302
    enrollment.refresh_from_db()
    shift.refresh_from_db()
    assert enrollment.status == "rejected" and shift.taken == 0
    # Decided once: a second answer changes nothing.
    assert decide(guardian.user, enrollment, "approve").status_code == 409


def test_with_standing_consent_the_child_is_enrolled_directly(city, guardian, child, shift):
    url = reverse("volunteers:ward_standing_consent", args=[child.pk])
    client = login_client(guardian.user)
    assert client.post(url, {"given": "1"})["Location"] == reverse("ledger:ward", args=[child.pk])
    child.refresh_from_db()
    assert child.guardian_standing_consent_at is not None
    sign_up(child, shift)
    assert Enrollment.objects.get(volunteer=child).status == "confirmed"
    # Withdrawn: the next sign-up waits again; both are in the audit log.
    client.post(url, {})
    child.refresh_from_db()
    assert child.guardian_standing_consent_at is None
    other = make_shift(organization=city.org_a, activity_fields={"days": 5})
    sign_up(child, other)
    assert Enrollment.objects.get(volunteer=child, shift=other).reason == "GUARDIAN_APPROVAL"
    actions = set(AuditEntry.objects.filter(object_id=str(child.pk)).values_list("action", flat=True))
    assert {"guardian_standing_consent_given", "guardian_standing_consent_withdrawn"} <= actions


def test_a_14_year_old_signs_up_alone(city, guardian, shift):
    teen = make_child(guardian, years=14)
    sign_up(teen, shift)
    assert Enrollment.objects.get(volunteer=teen).status == "confirmed"


def test_another_adult_can_neither_see_nor_decide(city, guardian, child, shift):
    sign_up(child, shift)
    enrollment = Enrollment.objects.get(volunteer=child)
    for role in ("volunteer_b", "org_admin", "town_admin", "city_admin"):
        user = city.users[role]
        assert login_client(user).get(reverse("ledger:ward", args=[child.pk])).status_code == 404
        assert decide(user, enrollment, "approve").status_code == 404
        assert (
            login_client(user)
            .post(reverse("volunteers:ward_standing_consent", args=[child.pk]), {"given": "1"})
            .status_code
            == 404
        )
    api = bearer(city.users["volunteer_b"]).post(
        f"/api/v1/enrollments/{enrollment.pk}/guardian-decision",
        json.dumps({"approve": True}),
        content_type="application/json",
    )
    assert api.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == "applied"
    child.refresh_from_db()
    assert child.guardian_standing_consent_at is None
    # The guardian's page of an adult who is nobody's ward: 404 too.
    assert login_client(guardian.user).get(reverse("ledger:ward", args=[guardian.pk])).status_code == 404


def test_the_api_gives_the_same_reason_and_the_guardian_decides_there(city, guardian, child, shift):
    api = bearer(child.user)
    (row,) = api.get(f"/api/v1/activities/{shift.activity_id}").json()["shifts"]
    assert row["signup"] == {
        "ok": True,
        "reason": "GUARDIAN_APPROVAL",
        "message": "这次报名需要监护人同意：我们会通知您的监护人。",
        "outcome": "applied",
    }
    response = api.post(f"/api/v1/shifts/{shift.pk}/enrollments", "{}", content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["reason"]) == ("applied", "GUARDIAN_APPROVAL")
    decided = bearer(guardian.user).post(
        f"/api/v1/enrollments/{body['id']}/guardian-decision",
        json.dumps({"approve": True}),
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "confirmed"
    again = bearer(guardian.user).post(
        f"/api/v1/enrollments/{body['id']}/guardian-decision",
        json.dumps({"approve": False}),
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["reason"] == "NOT_ACTIVE"


def test_in_approval_mode_the_organizer_decides_after_the_guardian(city, guardian, child):
    shift = make_shift(organization=city.org_a, activity_fields={"signup_mode": Activity.SignupMode.APPROVAL})
    sign_up(child, shift)
    enrollment = Enrollment.objects.get(volunteer=child)
    organizer = login_client(city.users["org_admin"])
    decide_url = reverse("activities:enrollment_decide", args=[shift.pk])
    organizer.post(decide_url, {"approve_one": enrollment.pk})
    enrollment.refresh_from_db()
    assert enrollment.status == "applied"  # skipped: the guardian has not answered
    decide(guardian.user, enrollment, "approve")
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.reason) == ("applied", "")
    organizer.post(decide_url, {"approve_one": enrollment.pk})
    enrollment.refresh_from_db()
    assert enrollment.status == "confirmed"


def test_the_ward_page_shows_the_childs_sign_ups_and_hours(city, guardian, child, shift):
    enrol(shift, child)
    VolunteerHours.objects.create(volunteer=child, total_minutes=95, credit_minutes=95)
    response = login_client(guardian.user).get(reverse("ledger:ward", args=[child.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert shift.activity.title in page and "1.6" in page  # 95 minutes, half up to one decimal
    assert "不必每次征得我的同意" in page or "standing-consent" in page
    me = login_client(guardian.user).get(reverse("volunteers:me")).content.decode()
    assert reverse("ledger:ward", args=[child.pk]) in me


def test_a_missing_or_odd_decision_is_422(city, guardian, child, shift):
    sign_up(child, shift)
    enrollment = Enrollment.objects.get(volunteer=child)
    assert decide(guardian.user, enrollment, "maybe").status_code == 422


@pytest.mark.parametrize("api", [False, True], ids=["web", "api"])
def test_guardian_decision_matrix(city, guardian, api):
    """张小明 ("volunteer") is the child's guardian: he alone finds the sign-up (web 302, API 200)."""
    got = {}
    for role in ROLES:
        child = make_child(guardian)
        shift = make_shift(organization=city.org_a)
        enrollment = enrol(shift, child, status=Enrollment.Status.APPLIED, reason="GUARDIAN_APPROVAL")
        user = city.users[role]
        if api:
            client = bearer(user) if user is not None else login_client(None)
            got[role] = client.post(
                f"/api/v1/enrollments/{enrollment.pk}/guardian-decision",
                json.dumps({"approve": True}),
                content_type="application/json",
            ).status_code
        else:
            got[role] = decide(user, enrollment, "approve").status_code
    expected = [401 if api else 302, 200 if api else 302, *[404] * 7]
    assert got == dict(zip(ROLES, expected))
