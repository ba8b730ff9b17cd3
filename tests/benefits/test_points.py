"""积分入学: the points from the parent's credit hours in the window (by hand), the child's ID
number encrypted and masked, the guardian's consent, the officer's decision through the consent
gate, the signed certificate and the statistics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from huiguang.benefits.models import Consent, PartnerStaff, PointsApplication
from huiguang.benefits.selectors.consent import access_list_of
from huiguang.benefits.selectors.points import points_totals_by_month
from huiguang.benefits.services.consent import consent_withdraw
from huiguang.benefits.services.points import points_apply, points_compute
from huiguang.core.audit import AuditEntry
from huiguang.core.errors import FieldErrors

from ..conftest import login_client
from ..factories import bearer
from ..ledger_certificates.conftest import add_record
from .loans_points_data import child_id, make_policy

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 9, 1), dt.date(2026, 8, 31)


@pytest.fixture
def parent(city):
    return city.users["volunteer"].volunteer


@pytest.fixture
def served(city, parent):
    """In the window: 3 h + 18 h 30 (credit) and 5 h make-up; before it 40 h; a pending 10 h."""
    add_record(parent, city.org_a, day=dt.date(2025, 10, 3), minutes=180)
    add_record(parent, city.org_b, day=dt.date(2026, 2, 14), minutes=1110)
    add_record(parent, city.org_a, day=dt.date(2026, 2, 20), minutes=300, credit=False, kind="makeup")
    add_record(parent, city.org_a, day=dt.date(2025, 8, 31), minutes=2400)
    add_record(parent, city.org_a, day=dt.date(2026, 3, 1), minutes=600, status="pending")


def _apply(parent, policy, **kw):
    data = {
        "child_name": "张小宝",
        "child_id_number": child_id(),
        "grade": "primary_1",
        "guardian_declared": True,
    }
    data.update(kw)
    return points_apply(volunteer=parent, policy=policy, user=parent.user, **data)


def test_points_are_computed_by_hand_from_the_credit_hours_in_the_window(partners, parent, served):
    policy = make_policy(partners.education, start=START, end=END, cap="10")
    b = points_compute(policy=policy, volunteer=parent)
    # credit minutes in the window: 180 + 1110 = 1290 (21.5 h); 2 full steps of 10 h × 1.5 = 3 points
    assert b["minutes"] == 1290 and b["hours"] == "21.5"
    assert [(m["month"], m["minutes"]) for m in b["months"]] == [("2025-10", 180), ("2026-02", 1110)]
    assert (b["steps"], b["raw_points"], b["points"], b["capped"]) == (2, "3.0", "3.0", False)


def test_the_cap_holds_and_honour_hours_count_when_the_policy_allows(partners, parent, served):
    policy = make_policy(partners.education, start=START, end=END, cap="2")
    policy.credit_only = False
    b = points_compute(policy=policy, volunteer=parent)
    # 1290 + 300 make-up = 1590 minutes (26.5 h): 2 steps, 3 points, capped at 2
    assert (b["minutes"], b["raw_points"], b["points"], b["capped"]) == (1590, "3.0", "2", True)


def test_the_application_stores_the_childs_id_encrypted_and_shows_it_masked(city, partners, parent, served):
    policy = make_policy(partners.education, start=START, end=END)
    client = login_client(parent.user)
    number = child_id()
    response = client.post(
        reverse("benefits:points_apply"),
        {
            "policy": policy.pk,
            "child_name": "张小宝",
            "child_id_number": number,
            "grade": "primary_1",
            "guardian_declared": "on",
            "agree": "on",
        },
    )
    application = PointsApplication.objects.get()
    assert response.status_code == 302
    assert (
        number not in application.child_id_encrypted
        and application.child_id_masked == number[:6] + "********" + number[-4:]
    )
    assert application.points == Decimal("3.0")
    consent = application.consent
    assert (consent.partner, consent.purpose) == (partners.education, Consent.Purpose.SCHOOL_POINTS)
    assert "child" in consent.fields and consent.granted_by == parent.user
    for url in (
        reverse("benefits:my_points"),
        reverse("benefits:my_points_application", args=[application.pk]),
    ):
        html = client.get(url).content.decode()
        assert number not in html and application.child_id_masked in html
    officer = login_client(partners.users["education_officer"])
    html = officer.get(reverse("benefits:school_application", args=[application.pk])).content.decode()
    assert (
        number not in html and number[6:14] not in html and f'id="child-id">{"*" * 14}{number[-4:]}<' in html
    )
    api = (
        bearer(partners.users["education_officer"])
        .get(f"/api/v1/school/applications/{application.pk}")
        .json()
    )
    assert api["child_id_last4"] == "*" * 14 + number[-4:]


@pytest.mark.parametrize(
    "change,field",
    [
        ({"guardian_declared": False}, "guardian_declared"),
        ({"child_id_number": "330482199001011234"}, "child_id_number"),
        ({"child_name": ""}, "child_name"),
        ({"grade": "university"}, "grade"),
    ],
)
def test_bad_applications_name_the_field_and_write_nothing(partners, parent, change, field):
    policy = make_policy(partners.education)
    with pytest.raises(FieldErrors) as exc:
        _apply(parent, policy, **change)
    assert field in exc.value.errors
    assert not PointsApplication.objects.exists() and not Consent.objects.exists()


def test_an_adult_id_or_the_parents_own_is_refused(partners, parent):
    policy = make_policy(partners.education)
    with pytest.raises(FieldErrors):
        _apply(parent, policy, child_id_number=parent.decrypt_id_number())


def test_new_residents_only_refuses_a_native(partners, parent):
    policy = make_policy(partners.education, new_residents_only=True)
    parent.is_new_resident = False
    parent.save(update_fields=["is_new_resident"])
    with pytest.raises(FieldErrors) as exc:
        _apply(parent, policy)
    assert "__all__" in exc.value.errors


def test_one_application_per_child_and_year(partners, parent):
    policy = make_policy(partners.education)
    _apply(parent, policy)
    with pytest.raises(FieldErrors) as exc:
        _apply(parent, policy, child_name="张小宝二")
    assert "child_id_number" in exc.value.errors


def test_the_officer_decides_and_the_parent_gets_a_signed_certificate(partners, parent, served):
    application = _apply(parent, make_policy(partners.education, start=START, end=END))
    officer = login_client(partners.users["education_officer"])
    url = reverse("benefits:school_decide", args=[application.pk])
    assert officer.post(url, {"decision": "refuse"}).status_code == 422
    assert officer.post(url, {"decision": "approve"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "approved" and application.certificate_number.startswith("JF")
    assert AuditEntry.objects.filter(
        action="points_application.approve", object_id=str(application.pk)
    ).exists()
    mine = login_client(parent.user)
    html = mine.get(reverse("benefits:my_points_application", args=[application.pk])).content.decode()
    assert application.certificate_number in html and "<svg" in html
    pdf = mine.get(reverse("benefits:points_certificate", args=[application.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    check = login_client(None).get(reverse("benefits:points_verify"), {"token": application.certificate})
    assert 'alert-success" id="verdict"' in check.content.decode()
    bad = (
        application.certificate[:5]
        + ("A" if application.certificate[5] != "A" else "B")
        + application.certificate[6:]
    )
    check = login_client(None).get(reverse("benefits:points_verify"), {"token": bad})
    assert 'alert-danger" id="verdict"' in check.content.decode()


def test_consent_withdrawn_the_bureau_gets_404_and_the_reads_stay_listed(partners, parent):
    application = _apply(parent, make_policy(partners.education))
    officer = login_client(partners.users["education_officer"])
    api = bearer(partners.users["education_officer"])
    url = reverse("benefits:school_application", args=[application.pk])
    assert officer.get(url).status_code == 200
    assert api.get(f"/api/v1/school/applications/{application.pk}").status_code == 200
    consent_withdraw(consent=application.consent, user=parent.user)
    assert officer.get(url).status_code == 404
    assert api.get(f"/api/v1/school/applications/{application.pk}").status_code == 404
    assert (
        officer.post(
            reverse("benefits:school_decide", args=[application.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    assert [a.channel for a in access_list_of(parent).order_by("at", "pk")] == ["web", "api"]


def test_a_store_clerk_or_the_bank_sees_no_application(partners, parent):
    application = _apply(parent, make_policy(partners.education))
    for who in ("clerk", "bank_officer"):
        client = login_client(partners.users[who])
        assert client.get(reverse("benefits:school_application", args=[application.pk])).status_code == 404


def test_the_education_manager_edits_the_policy_and_a_staff_member_may_not(partners):
    policy = make_policy(partners.education)
    officer = partners.users["education_officer"]
    url = reverse("benefits:points_policy_edit", args=[policy.pk])
    assert login_client(officer).get(url).status_code == 404
    PartnerStaff.objects.filter(user=officer).update(role=PartnerStaff.Role.MANAGER)
    data = {
        "partner": partners.education.pk,
        "year": policy.year,
        "window_start": "2025-09-01",
        "window_end": "2026-08-31",
        "hours_per_unit": 5,
        "points_per_unit": "1",
        "cap": "8",
        "credit_only": "on",
        "open": "on",
    }
    assert login_client(officer).post(url, data).status_code == 302
    policy.refresh_from_db()
    assert (policy.hours_per_unit, policy.cap) == (5, Decimal("8"))
    assert login_client(officer).post(url, {**data, "cap": "-1"}).status_code == 422


def test_statistics_by_month(city, partners, parent):
    application = _apply(parent, make_policy(partners.education))
    PointsApplication.objects.filter(pk=application.pk).update(status="approved", points=Decimal("4.5"))
    rows = points_totals_by_month()
    assert [(r["applications"], r["approved"], r["points"]) for r in rows] == [(1, 1, Decimal("4.5"))]
    page = login_client(city.users["city_admin"]).get(reverse("benefits:points_statistics"))
    assert 'id="total-approved">1<' in page.content.decode()
    assert (
        login_client(city.users["city_admin"]).get(reverse("benefits:points_statistics_export")).status_code
        == 200
    )


def test_the_bureau_register_keeps_its_query_count(city, partners, parent, assert_queries_constant):
    policy = make_policy(partners.education)
    _apply(parent, policy)
    officer = login_client(partners.users["education_officer"])
    other = city.users["volunteer_b"].volunteer

    def grow():
        _apply(other, policy, child_id_number=child_id(44), child_name="李小花")

    assert_queries_constant(lambda: officer.get(reverse("benefits:school_applications")), grow)
    api = bearer(partners.users["education_officer"])
    assert_queries_constant(
        lambda: api.get("/api/v1/school/applications"),
        lambda: _apply(other, policy, child_id_number=child_id(46), child_name="李小草"),
    )
