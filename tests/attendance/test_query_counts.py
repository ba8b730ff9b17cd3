"""The hot path's queries, pinned (issue 14): a check-in and a check-out through the API with a
bearer token, counted from the token look-up to the answer. A change that adds a query fails
here: cut it or justify it and change the number.

Counted: the SQL statements. Not counted: the SAVEPOINT / RELEASE pair around the check-in's
transaction, which the test's own transaction turns the request's BEGIN / COMMIT into (Django
logs neither of those in production); the tests assert there is exactly one such pair.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huiguang.accounts.services import token_create
from huiguang.attendance import codes
from huiguang.attendance.models import CheckIn
from huiguang.core.models import AuditEntry
from huiguang.ledger.models import ServiceRecord

from ..factories import SiteFactory, category
from .conftest import LAT, LNG, enrol, make_activity, make_shift

pytestmark = pytest.mark.django_db
URL = "/api/v1/checkins"
# The floor of any authenticated request: the bearer token's look-up (with its user).
AUTH = 1
# A check-in's row and its audit entry: one statement on PostgreSQL (a WITH), two elsewhere.
INSERT_AND_AUDIT = 1 if connection.vendor == "postgresql" else 2


def bearer(user) -> Client:
    _token, key = token_create(user=user, name="phone", created_by=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/ping").status_code == 200  # last_used_at written (at most once a minute)
    return client


def counted(client, body, key) -> tuple[int, dict, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            URL, data=json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
    assert response.status_code in (200, 201), response.content
    sql = [q["sql"] for q in ctx.captured_queries]
    control = [s for s in sql if s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))]
    statements = [s for s in sql if s not in control]
    return len(statements), response.json(), control


def test_the_authenticated_baseline_is_one_query(city):
    client = bearer(city.users["volunteer"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/ping").json() == {"user_id": city.users["volunteer"].pk}
    assert len(ctx.captured_queries) == AUTH


def test_qr_check_in_is_5_queries_and_check_out_with_its_ledger_record_8(day, city):
    client = bearer(city.users["volunteer"])
    body = {"method": "qr", "token": codes.qr_token(day.shift.pk)}
    n_in, answer, control = counted(client, {**body, "kind": "in"}, "in-1")
    # token; enrollment + the volunteer's lock; the check-ins for the rules; insert; audit entry
    # (the insert and its audit entry: one statement on PostgreSQL, core.audit.audited_create)
    assert n_in == AUTH + 2 + INSERT_AND_AUDIT and answer["kind"] == "in"
    entry = AuditEntry.objects.get(action="attendance.check_in")
    assert (entry.object_type, entry.object_id) == ("attendance.checkin", str(answer["id"]))
    assert len(control) == 2  # one transaction
    CheckIn.objects.filter(pk=answer["id"]).update(at=day.shift.starts_at)
    n_out, answer, control = counted(client, {**body, "kind": "out"}, "out-1")
    # + the ledger: its two rules in one query, the record, the attended mark
    assert n_out == AUTH + 7 and answer["kind"] == "out"
    assert len(control) == 2  # one transaction: no savepoint inside it
    record = ServiceRecord.objects.get()
    assert (record.status, record.minutes > 0, record.recorder) == ("pending", True, "张小明")


def test_a_toggling_qr_scan_costs_the_same(day, city):
    client = bearer(city.users["volunteer"])
    body = {"method": "qr", "token": codes.qr_token(day.shift.pk)}
    assert counted(client, body, "scan-1")[0] == AUTH + 2 + INSERT_AND_AUDIT
    CheckIn.objects.update(at=day.shift.starts_at)
    assert counted(client, body, "scan-2")[:2][0] == AUTH + 7


def test_a_retry_reads_the_first_answer_after_its_insert_is_refused(day, city):
    client = bearer(city.users["volunteer"])
    body = {"method": "qr", "kind": "in", "token": codes.qr_token(day.shift.pk)}
    n, first, _control = counted(client, body, "in-1")
    n_again, again, control = counted(client, body, "in-1")
    assert again == first and CheckIn.objects.count() == 1
    # token; enrollment + lock; the check-ins (ALREADY_IN: rolled back); the key's first answer
    assert n_again == AUTH + 3
    assert any(s.startswith("ROLLBACK TO SAVEPOINT") for s in control)


def test_code_and_location_check_in(day, city):
    client = bearer(city.users["volunteer"])
    code = codes.activity_code(day.activity.pk, timezone.localdate())
    body = {"method": "code_gps", "kind": "in", "code": code, "lat": float(LAT), "lng": float(LNG)}
    n, answer, _control = counted(client, body, "code-1")
    assert answer["kind"] == "in"
    assert n == AUTH + 7 + INSERT_AND_AUDIT


def test_the_check_outs_record_copies_the_site_category_region_and_contact_in_the_same_8(city):
    """The check-out reads the organization, region, category and site by subqueries, not joins
    (issue 14): the record still carries each of them, without one more query."""
    now = timezone.now().replace(microsecond=0)
    site = SiteFactory(name="东湖新时代文明实践站", region=city.org_a.region)
    activity = make_activity(
        city.org_a,
        starts_at=now - dt.timedelta(hours=1),
        site=site,
        address="",
        description="",
        category=category("reading", "阅读推广"),
    )
    shift = make_shift(activity)
    enrol(shift, city.users["volunteer"].volunteer)
    client = bearer(city.users["volunteer"])
    body = {"method": "qr", "token": codes.qr_token(shift.pk)}
    assert counted(client, {**body, "kind": "in"}, "in-1")[0] == AUTH + 2 + INSERT_AND_AUDIT
    CheckIn.objects.update(at=shift.starts_at)
    assert counted(client, {**body, "kind": "out"}, "out-1")[0] == AUTH + 7
    record = ServiceRecord.objects.get()
    assert (record.place, record.recipients, record.region_code, record.responsible_person) == (
        "东湖新时代文明实践站",
        "阅读推广",
        city.org_a.region.code,
        city.org_a.contact_name,
    )
    assert (record.organization_id, record.activity_id) == (city.org_a.pk, activity.pk)
