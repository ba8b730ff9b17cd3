"""Permission matrix of the seal page: public, so every persona (and anonymous) gets 200.
tests/test_permission_matrix.py reads "ledger:…" names from here."""

import pytest
from django.urls import reverse

from ..factories import ROLES

MATRIX = {
    "ledger:seals": dict.fromkeys(ROLES, 200),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get_matrix(city, sealed, as_role, name):
    url = reverse(name)
    got = {role: as_role(role).get(url).status_code for role in MATRIX[name]}
    assert got == MATRIX[name]


def test_the_api_is_public_too(city, sealed, as_role, client):
    assert client.get("/api/v1/seals").status_code == 200
    assert as_role("outsider").get("/api/v1/seals").status_code == 200
