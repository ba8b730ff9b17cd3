"""Permission matrix of the history import (city admins only; everyone else in the console gets
404, anonymous users the login page). tests/test_permission_matrix.py reads the names here."""

import pytest
from django.urls import reverse

from huiguang.ledger.models import HistoryImport, ImportSource

from ..factories import ROLES

ONLY_CITY = {**dict.fromkeys(ROLES, 404), "anonymous": 302, "city_admin": 200}
GET = {
    "ledger:history": ONLY_CITY,
    "ledger:history_detail": ONLY_CITY,
    "ledger:history_progress": ONLY_CITY,
    "ledger:history_template": ONLY_CITY,
    "ledger:history_workbook": ONLY_CITY,
}
POST = {
    # A checked import that failed: the city admin is sent back to its page, nothing starts.
    "ledger:history_apply": {**ONLY_CITY, "city_admin": 302},
}


@pytest.fixture
def history_import(city):
    source = ImportSource.objects.create(name="志愿汇")
    return HistoryImport.objects.create(
        source=source, fingerprint="0" * 64, status=HistoryImport.Status.FAILED
    )


def _url(name, history_import):
    if name in ("ledger:history", "ledger:history_workbook"):
        return reverse(name)
    if name == "ledger:history_template":
        return reverse(name, args=["records"])
    return reverse(name, args=[history_import.pk])


@pytest.mark.parametrize("name", sorted(GET))
def test_get_matrix(city, history_import, as_role, name):
    url = _url(name, history_import)
    got = {role: as_role(role).get(url).status_code for role in ROLES}
    assert got == GET[name]


@pytest.mark.parametrize("name", sorted(POST))
def test_post_matrix(city, history_import, as_role, name):
    url = _url(name, history_import)
    got = {role: as_role(role).post(url).status_code for role in ROLES}
    assert got == POST[name]
    assert HistoryImport.objects.get().status == HistoryImport.Status.FAILED


def test_the_api_answers_the_city_admin_only(city, history_import, as_role):
    assert as_role("city_admin").get("/api/v1/history-imports").json()["items"][0]["id"] == history_import.pk
    assert as_role("auditor").get("/api/v1/history-imports").json()["items"] == []
    assert as_role("city_admin").get(f"/api/v1/history-imports/{history_import.pk}").status_code == 200
    for role in ("auditor", "town_admin", "volunteer"):
        assert as_role(role).get(f"/api/v1/history-imports/{history_import.pk}").status_code == 404
    assert as_role("anonymous").get("/api/v1/history-imports").status_code == 401
