"""Permission matrix of the hours pages: (page, role) → status. Outside a role's scope: 404;
anonymous visitors are sent to the login page (302)."""

import pytest
from django.urls import reverse

from huiguang.ledger.services import corrections

from ..factories import ROLES

#           anon vol  vol_b lead org  town out  aud  city
MATRIX = {
    "ledger:my_hours": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "ledger:my_hours_export": (302, 200, 200, 200, 404, 404, 404, 404, 404),
    "ledger:dispute_create": (302, 200, 404, 404, 404, 404, 404, 404, 404),
    "ledger:activity_rate": (302, 200, 404, 404, 404, 404, 404, 404, 404),
    "ledger:volunteer_hours": (302, 404, 404, 200, 200, 200, 404, 200, 200),
    "ledger:volunteer_hours_export": (302, 404, 404, 200, 200, 200, 404, 200, 200),
    "ledger:makeup_list": (302, 404, 404, 200, 200, 200, 200, 200, 200),
    "ledger:makeup_create": (302, 404, 404, 200, 200, 200, 200, 404, 200),
    "ledger:disputes": (302, 404, 404, 200, 200, 200, 200, 200, 200),
    "ledger:dispute_answer": (302, 404, 404, 200, 200, 200, 404, 200, 200),
    "ledger:records_export": (302, 404, 404, 404, 200, 200, 200, 404, 200),
}


def _args(name, scene, dispute):
    return {
        "ledger:dispute_create": [scene.record.pk],
        "ledger:activity_rate": [scene.activity.pk],
        "ledger:volunteer_hours": [scene.volunteer.pk],
        "ledger:volunteer_hours_export": [scene.volunteer.pk],
        "ledger:dispute_answer": [dispute.pk],
    }.get(name, [])


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get_matrix(city, scene, as_role, name):
    dispute = corrections.dispute_open(volunteer=scene.volunteer, record=scene.record, reason="时长不对")
    url = reverse(name, args=_args(name, scene, dispute))
    if name == "ledger:dispute_create":  # the open dispute hides the form; use a second record's url
        dispute.status = "rejected"
        dispute.save(update_fields=["status"])
    got = {role: as_role(role).get(url).status_code for role in ROLES}
    assert got == dict(zip(ROLES, MATRIX[name], strict=True))


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 302),
        ("volunteer", 404),
        ("volunteer_b", 404),
        ("leader", 404),
        ("outsider", 404),
        ("auditor", 404),
        ("org_admin", 409),
        ("town_admin", 302),
    ],
)
def test_makeup_decide_matrix(city, scene, as_role, role, status):
    import datetime as dt

    from django.utils import timezone

    start = (timezone.now() - dt.timedelta(days=2)).replace(hour=1, minute=0, second=0, microsecond=0)
    makeup = corrections.makeup_request_create(
        actor=city.users["org_admin"],
        volunteer=scene.volunteer,
        organization=city.org_a,
        started_at=start,
        ended_at=start + dt.timedelta(hours=1),
        reason="补录",
    )
    response = as_role(role).post(reverse("ledger:makeup_decide", args=[makeup.pk]), {"decision": "approve"})
    assert response.status_code == status
