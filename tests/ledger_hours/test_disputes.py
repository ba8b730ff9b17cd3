"""Disputes: a volunteer contests a confirmed record; an accepted dispute becomes a reversing row
plus a corrected row, both linked to it; the confirmed original never changes."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from huiguang.core.errors import Refused
from huiguang.ledger.models import Dispute, ServiceRecord, VolunteerHours
from huiguang.ledger.services import corrections
from huiguang.notifications.models import Notification

from .conftest import attended_record, make_activity, make_shift, snapshot


def _open(as_role, record, **data):
    body = {"reason": "实际服务了4小时", **data}
    return as_role("volunteer").post(reverse("ledger:dispute_create", args=[record.pk]), body)


def test_volunteer_disputes_from_my_hours(city, scene, as_role):
    page = as_role("volunteer").get(reverse("ledger:my_hours")).content.decode()
    assert reverse("ledger:dispute_create", args=[scene.record.pk]) in page
    assert _open(as_role, scene.record, claimed_hours="4.0").status_code == 302
    dispute = Dispute.objects.get()
    assert (
        dispute.status == "open" and dispute.claimed_minutes == 240 and dispute.volunteer == scene.volunteer
    )
    # One open dispute per record: the button is gone and a second one is refused.
    page = as_role("volunteer").get(reverse("ledger:my_hours")).content.decode()
    assert reverse("ledger:dispute_create", args=[scene.record.pk]) not in page
    assert "异议中" in page
    again = _open(as_role, scene.record)
    assert again.status_code == 409 and "已有异议" in again.content.decode()
    assert Dispute.objects.count() == 1


def test_accepted_dispute_reverses_and_corrects(city, scene, as_role):
    original = scene.record
    before = snapshot(original)
    dispute = corrections.dispute_open(
        volunteer=scene.volunteer, record=original, reason="实际服务了4小时", claimed_minutes=240
    )
    response = as_role("org_admin").post(
        reverse("ledger:dispute_answer", args=[dispute.pk]),
        {"decision": "accept", "hours": "4.0", "answer": "核实无误，已更正"},
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "accepted" and dispute.answered_by == city.users["org_admin"]
    reversal = ServiceRecord.objects.get(kind="reversal")
    correction = ServiceRecord.objects.get(kind="correction")
    assert reversal.reverses == original and reversal.dispute == dispute and reversal.minutes == -180
    assert correction.dispute == dispute and correction.minutes == 240
    for row in (reversal, correction):
        assert row.status == "confirmed" and row.hash and row.chain_index
        assert row.is_credit == original.is_credit
        assert row.activity_name == original.activity_name and row.place == original.place
    assert snapshot(original) == before  # the confirmed row itself never changed
    hours = VolunteerHours.objects.get(volunteer=scene.volunteer)
    assert (hours.total_minutes, hours.credit_minutes) == (240, 240)
    assert Notification.objects.filter(user=scene.volunteer.user, kind=corrections.DISPUTE_ANSWERED).exists()
    page = as_role("volunteer").get(reverse("ledger:my_hours")).content.decode()
    assert "已冲销" in page and "已更正" in page
    # The reversed original cannot be disputed again, and the chain still verifies.
    with pytest.raises(Refused):
        corrections.dispute_open(
            volunteer=scene.volunteer, record=ServiceRecord.objects.get(pk=original.pk), reason="再议"
        )
    call_command("verify_ledger")


def test_accepting_with_zero_only_reverses(city, scene):
    dispute = corrections.dispute_open(volunteer=scene.volunteer, record=scene.record, reason="我当天没去")
    corrections.dispute_accept(actor=city.users["org_admin"], dispute=dispute, minutes=0, answer="已撤销")
    assert ServiceRecord.objects.filter(dispute=dispute).count() == 1
    assert VolunteerHours.objects.get(volunteer=scene.volunteer).total_minutes == 0


def test_rejected_dispute_keeps_the_record(city, scene, as_role):
    before = snapshot(scene.record)
    dispute = corrections.dispute_open(volunteer=scene.volunteer, record=scene.record, reason="时长不对")
    url = reverse("ledger:dispute_answer", args=[dispute.pk])
    assert as_role("org_admin").post(url, {"decision": "reject", "answer": ""}).status_code == 422
    assert (
        as_role("org_admin").post(url, {"decision": "reject", "answer": "签到记录显示3小时"}).status_code
        == 302
    )
    dispute.refresh_from_db()
    assert dispute.status == "rejected" and dispute.answer == "签到记录显示3小时"
    assert ServiceRecord.objects.count() == 1 and snapshot(scene.record) == before
    assert Notification.objects.filter(user=scene.volunteer.user, kind=corrections.DISPUTE_ANSWERED).exists()
    # Answered once: a second answer is refused.
    assert as_role("town_admin").post(url, {"decision": "accept", "hours": "1"}).status_code == 404


def test_pending_record_cannot_be_disputed(city, scene):
    pending = attended_record(
        scene.shift, city.users["leader"].volunteer, actor=city.users["org_admin"], confirm=False
    )
    with pytest.raises(Refused) as exc:
        corrections.dispute_open(volunteer=pending.volunteer, record=pending, reason="x")
    assert exc.value.reason == "NOT_DISPUTABLE"


def test_someone_elses_record_is_404(city, scene, as_role):
    url = reverse("ledger:dispute_create", args=[scene.record.pk])
    assert as_role("volunteer_b").get(url).status_code == 404
    assert as_role("volunteer_b").post(url, {"reason": "x"}).status_code == 404
    api = as_role("volunteer_b").post(
        f"/api/v1/records/{scene.record.pk}/disputes", {"reason": "x"}, content_type="application/json"
    )
    assert api.status_code == 404
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    "role,status", [("outsider", 404), ("volunteer", 404), ("leader", 200), ("org_admin", 200)]
)
def test_who_sees_the_dispute(city, scene, as_role, role, status):
    dispute = corrections.dispute_open(volunteer=scene.volunteer, record=scene.record, reason="时长不对")
    assert as_role(role).get(reverse("ledger:dispute_answer", args=[dispute.pk])).status_code == status


def test_leader_and_auditor_cannot_answer(city, scene, as_role):
    dispute = corrections.dispute_open(volunteer=scene.volunteer, record=scene.record, reason="时长不对")
    for role in ("leader", "auditor"):
        response = as_role(role).post(
            reverse("ledger:dispute_answer", args=[dispute.pk]), {"decision": "accept", "hours": "4"}
        )
        assert response.status_code == 404
    assert Dispute.objects.get().status == "open" and ServiceRecord.objects.count() == 1


def test_api_dispute(city, scene, as_role):
    url = f"/api/v1/records/{scene.record.pk}/disputes"
    created = as_role("volunteer").post(
        url, {"reason": "时长不对", "claimed_minutes": 200}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["claimed_minutes"] == 200
    again = as_role("volunteer").post(url, {"reason": "时长不对"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["reason"] == "ALREADY_OPEN"
    bad = as_role("volunteer").post(
        url, {"reason": "x", "claimed_minutes": -5}, content_type="application/json"
    )
    assert bad.status_code == 422


def test_dispute_list_query_count_is_constant(city, scene, as_role, assert_queries_constant):
    admin = city.users["org_admin"]

    def add(n):
        for _ in range(n):
            activity = make_activity(
                city.org_a,
                starts_at=scene.activity.starts_at - dt.timedelta(days=1 + Dispute.objects.count()),
            )
            record = attended_record(make_shift(activity), scene.volunteer, actor=admin)
            corrections.dispute_open(volunteer=scene.volunteer, record=record, reason="x")

    client = as_role("org_admin")
    add(1)
    assert assert_queries_constant(lambda: client.get(reverse("ledger:disputes")), lambda: add(5)) <= 12
    assert client.get(reverse("ledger:disputes")).content.decode().count("data-dispute=") == 6
