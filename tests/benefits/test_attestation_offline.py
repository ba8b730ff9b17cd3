"""The recipe of docs/attestations.md, run as written: the attestation verifies offline with the
published key; one flipped byte fails; an expired one says expired; a points certificate too."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from huiguang.benefits.services import attestation
from huiguang.benefits.services.loans import referral_request
from huiguang.benefits.services.points import application_decide, points_apply

from .loans_points_data import child_id, make_policy, make_product

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "attestations.md"


def _recipe():
    """The Python block of the document, executed in a namespace of its own."""
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["check_attestation"]


@pytest.fixture
def published_key(client):
    return client.get("/.well-known/huiguang-signing-key").json()["key"]


@pytest.fixture
def referral(city, partners):
    v = city.users["volunteer"].volunteer
    return referral_request(volunteer=v, product=make_product(partners.bank), days=30, user=v.user)


def test_an_attestation_verifies_offline_with_the_published_key(referral, published_key):
    state, fields = _recipe()(referral.attestation, published_key)
    assert state == "valid"
    assert (fields["vno"], fields["score"], fields["nonce"]) == (
        referral.volunteer.volunteer_number,
        referral.score,
        referral.nonce,
    )


def test_a_scanned_link_verifies_too(referral, published_key):
    link = f"https://huiguang.example/partner/loans/verify/?token={referral.attestation}"
    assert _recipe()(link, published_key)[0] == "valid"


def test_one_flipped_byte_anywhere_fails_offline(referral, published_key):
    check = _recipe()
    token = referral.attestation
    for i in range(0, len(token), 7):
        if token[i] == ".":
            continue
        flipped = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        assert check(flipped, published_key)[0] == "invalid", i


def test_an_expired_attestation_says_expired_offline(referral, published_key):
    after = referral.valid_until + dt.timedelta(seconds=1)
    assert _recipe()(referral.attestation, published_key, now=after)[0] == "expired"


def test_another_key_does_not_verify(referral):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    other = attestation.crypto._b64(raw)
    assert _recipe()(referral.attestation, other)[0] == "invalid"


def test_a_points_certificate_verifies_offline(city, partners, published_key):
    v = city.users["volunteer"].volunteer
    policy = make_policy(partners.education)
    application = points_apply(
        volunteer=v,
        policy=policy,
        child_name="张小宝",
        child_id_number=child_id(),
        grade="primary_1",
        guardian_declared=True,
        user=v.user,
    )
    application = application_decide(
        user=partners.users["education_officer"], application=application, approve=True
    )
    state, fields = _recipe()(application.certificate, published_key, kind=attestation.POINTS_KIND)
    assert state == "valid" and fields["no"] == application.certificate_number
    assert fields["child_id"].endswith(child_id()[-4:]) and child_id() not in application.certificate
    assert timezone.localdate().isoformat() == fields["date"]
