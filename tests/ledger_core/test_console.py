"""Console pages and API: who confirms and rejects (admins of the organization; leaders no; others
404), bulk confirmation with rating and evaluation, rejection with a reason, constant queries."""

import json

import pytest
from django.urls import reverse

from huiguang.ledger.models import ServiceRecord, StarPolicy, VolunteerHours

from ..factories import VolunteerFactory
from .conftest import attend, make_shift, ten_days_ago


@pytest.fixture
def pending_a(city, vol):
    """A pending record of org A1 (sub-team of org A, village A1 in town A)."""
    return attend(make_shift(city.org_a1), vol)


ALLOWED = ["org_admin", "town_admin", "city_admin"]
DENIED = ["leader", "auditor", "volunteer"]  # the outsider (town B admin) is tested apart


@pytest.mark.parametrize("role", ALLOWED)
def test_admins_of_the_organization_confirm_on_the_web(city, as_role, pending_a, role):
    client = as_role(role)
    page = client.get(reverse("ledger:pending"))
    assert page.status_code == 200 and pending_a.activity_name in page.content.decode()
    response = client.post(
        reverse("ledger:pending"),
        {"ids": [pending_a.pk], "action": "confirm", "rating": "5", "evaluation": "认真负责"},
    )
    assert response.status_code == 302
    pending_a.refresh_from_db()
    assert (pending_a.status, pending_a.rating, pending_a.evaluation) == ("confirmed", 5, "认真负责")
    assert pending_a.hash and pending_a.chain_index == 1


@pytest.mark.parametrize("role", DENIED + ["anonymous"])
def test_others_cannot_confirm_on_the_web(city, as_role, pending_a, role):
    client = as_role(role)
    response = client.post(reverse("ledger:pending"), {"ids": [pending_a.pk], "action": "confirm"})
    assert response.status_code == (302 if role == "anonymous" else 404)
    assert client.get(reverse("ledger:pending")).status_code == (302 if role == "anonymous" else 404)
    pending_a.refresh_from_db()
    assert pending_a.status == ServiceRecord.Status.PENDING


def test_outsider_region_admin_cannot_confirm_records_of_another_town(city, as_role, pending_a):
    other = attend(make_shift(city.org_b), city.users["volunteer_b"].volunteer)
    client = as_role("outsider")  # region admin of town B
    client.post(reverse("ledger:pending"), {"ids": [pending_a.pk, other.pk], "action": "confirm"})
    pending_a.refresh_from_db()
    other.refresh_from_db()
    assert pending_a.status == "pending" and other.status == "confirmed"


def test_reject_needs_a_reason_and_keeps_it(city, as_role, pending_a):
    client = as_role("org_admin")
    response = client.post(
        reverse("ledger:pending"), {"ids": [pending_a.pk], "action": "reject", "reason": ""}
    )
    assert response.status_code == 422
    assert "请填写原因，志愿者会看到。" in response.content.decode()  # the form error on the reason
    pending_a.refresh_from_db()
    assert pending_a.status == "pending"
    response = client.post(
        reverse("ledger:pending"), {"ids": [pending_a.pk], "action": "reject", "reason": "当天未到岗"}
    )
    assert response.status_code == 302
    pending_a.refresh_from_db()
    assert (pending_a.status, pending_a.note) == ("rejected", "当天未到岗")


def test_a_bad_rating_is_a_clear_422(city, as_role, pending_a):
    response = as_role("org_admin").post(
        reverse("ledger:pending"), {"ids": [pending_a.pk], "action": "confirm", "rating": "9"}
    )
    assert response.status_code == 422
    pending_a.refresh_from_db()
    assert pending_a.status == "pending"


def _records(city, n):
    for i in range(n):
        attend(
            make_shift(city.org_a, start=6 + i % 6, hours=1, day=ten_days_ago()),
            VolunteerFactory(residence_region=city.town_a),
        )


def test_pending_page_queries_do_not_grow(city, as_role, assert_queries_constant):
    client = as_role("org_admin")
    _records(city, 2)
    assert (
        assert_queries_constant(lambda: client.get(reverse("ledger:pending")), lambda: _records(city, 10))
        <= 12
    )
    assert client.get(reverse("ledger:pending")).content.decode().count('name="ids"') == 12


def test_records_page_filters_by_organization_and_period(city, as_role, vol, assert_queries_constant):
    day = ten_days_ago()
    attend(make_shift(city.org_a, day=day), vol)
    attend(make_shift(city.org_b, day=day), city.users["volunteer_b"].volunteer)
    client = as_role("org_admin")
    url = reverse("ledger:records")
    page = client.get(url, {"date_from": day.isoformat(), "date_to": day.isoformat()})
    text = page.content.decode()
    assert page.status_code == 200 and "张小明" in text and "王小红" not in text
    assert assert_queries_constant(lambda: client.get(url), lambda: _records(city, 8)) <= 12
    # an organization outside the scope is not a choice of the filter: the page stays on the
    # user's own records and never shows the other town's
    outside = client.get(url, {"organization": city.org_b.pk})
    assert outside.status_code == 200 and "王小红" not in outside.content.decode()
    assert "张小明" in outside.content.decode()
    assert as_role("volunteer").get(url).status_code == 404
    assert as_role("leader").get(url).status_code == 200


def test_star_policy_page_is_for_city_admins_and_versions(city, as_role, vol):
    VolunteerHours.objects.create(volunteer=vol, total_minutes=5 * 60, credit_minutes=0, star=0)
    url = reverse("ledger:star_policy")
    for role in ("org_admin", "town_admin", "auditor", "volunteer"):
        assert as_role(role).get(url).status_code == 404
    client = as_role("city_admin")
    assert "1500" in client.get(url).content.decode()
    bad = client.post(url, {"star1": 5, "star2": 3, "star3": 6, "star4": 8, "star5": 10})
    assert bad.status_code == 422 and StarPolicy.objects.count() == 1
    response = client.post(url, {"star1": 2, "star2": 4, "star3": 6, "star4": 8, "star5": 10})
    assert response.status_code == 302
    assert StarPolicy.objects.order_by("-version").first().thresholds_hours == [2, 4, 6, 8, 10]
    assert VolunteerHours.objects.get(volunteer=vol).star == 2


def test_public_key_is_published(client):
    from huiguang.core.crypto import public_key_b64

    response = client.get("/.well-known/huiguang-signing-key")
    assert response.status_code == 200
    body = response.json()
    assert body["algorithm"] == "Ed25519" and body["key"] == public_key_b64()
    assert reverse("ledger:public_key") == "/.well-known/huiguang-signing-key"


# --- API ----------------------------------------------------------------------------------------------


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_pending_confirm_and_reject(city, as_role, vol, django_assert_max_num_queries):
    first = attend(make_shift(city.org_a, start=8, hours=2), vol)
    second = attend(make_shift(city.org_a, start=11, hours=2), vol)
    client = as_role("org_admin")
    with django_assert_max_num_queries(8):
        listing = client.get("/api/v1/records/pending")
    assert listing.status_code == 200
    items = listing.json()["items"]
    assert [i["id"] for i in items] == [first.pk, second.pk]
    assert items[0]["volunteer_name"] == "张小明" and items[0]["minutes"] == 120
    response = _post(client, "/api/v1/records/confirm", {"ids": [first.pk], "rating": 4, "evaluation": "好"})
    assert response.status_code == 200 and response.json() == {"confirmed": 1}
    response = _post(client, f"/api/v1/records/{second.pk}/reject", {"reason": "重复签到"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    again = _post(client, f"/api/v1/records/{second.pk}/reject", {"reason": "重复签到"})
    assert again.status_code == 409 and again.json()["reason"] == "NOT_PENDING"
    bad = _post(client, "/api/v1/records/confirm", {"ids": [second.pk], "rating": 7})
    assert bad.status_code == 422


@pytest.mark.parametrize("role", DENIED)
def test_api_others_get_404(city, as_role, pending_a, role):
    client = as_role(role)
    assert client.get("/api/v1/records/pending").status_code == 404
    assert _post(client, "/api/v1/records/confirm", {"ids": [pending_a.pk]}).status_code == 404
    assert _post(client, f"/api/v1/records/{pending_a.pk}/reject", {"reason": "x"}).status_code == 404
    pending_a.refresh_from_db()
    assert pending_a.status == "pending"


def test_api_outsider_gets_404_for_a_record_of_another_town(city, as_role, pending_a):
    response = _post(as_role("outsider"), f"/api/v1/records/{pending_a.pk}/reject", {"reason": "x"})
    assert response.status_code == 404


def test_api_records_for_a_period(city, as_role, vol):
    day = ten_days_ago()
    mine = attend(make_shift(city.org_a, day=day), vol)
    attend(make_shift(city.org_b, day=day), city.users["volunteer_b"].volunteer)
    client = as_role("leader")
    response = client.get("/api/v1/records", {"date_from": day.isoformat(), "date_to": day.isoformat()})
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [mine.pk]
    assert as_role("volunteer").get("/api/v1/records").json()["items"] == []
    assert client.get("/api/v1/records", {"date_from": "not-a-date"}).status_code == 422
