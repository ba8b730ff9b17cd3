"""The consent gate: a partner reads a volunteer only under a live consent naming it, the purpose
and the fields; every read is written down for the volunteer; withdrawn or expired → 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from huiguang.benefits.models import Consent, PartnerAccess
from huiguang.benefits.selectors.consent import access_list_of
from huiguang.benefits.services.consent import consent_grant, consent_withdraw, partner_read
from huiguang.core.errors import FieldErrors
from huiguang.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

LOAN = Consent.Purpose.LOAN_REFERRAL
FIELDS = [Consent.Field.VOLUNTEER_NUMBER, Consent.Field.SCORE]


def _volunteer(city):
    return Volunteer.objects.get(user=city.users["volunteer"])


def _read(partners, volunteer, who="bank_officer", partner=None, fields=FIELDS, purpose=LOAN):
    return partner_read(
        user=partners.users[who],
        partner=partner or partners.bank,
        volunteer=volunteer,
        purpose=purpose,
        fields=fields,
        what="attestation",
    )


def test_no_consent_means_the_bank_reads_nothing(city, partners):
    with pytest.raises(Http404):
        _read(partners, _volunteer(city))
    assert PartnerAccess.objects.count() == 0


def test_live_consent_lets_the_named_bank_read_and_the_read_is_written_down(city, partners):
    v = _volunteer(city)
    consent = consent_grant(
        volunteer=v, partner=partners.bank, purpose=LOAN, fields=FIELDS, days=30, user=v.user
    )
    assert _read(partners, v) == consent
    access = access_list_of(v).get()
    assert (access.partner, access.user, access.fields) == (
        partners.bank,
        partners.users["bank_officer"],
        sorted(FIELDS),
    )


@pytest.mark.parametrize(
    "who,partner_name,fields,purpose",
    [
        ("clerk", "store", FIELDS, LOAN),  # a store clerk is not the bank's staff
        ("education_officer", "education", FIELDS, LOAN),  # another partner: no consent for it
        ("bank_officer", "bank", [Consent.Field.PHONE], LOAN),  # a field not consented to
        ("bank_officer", "bank", FIELDS, Consent.Purpose.SCHOOL_POINTS),  # another purpose
    ],
)
def test_consent_covers_only_its_recipient_fields_and_purpose(
    city, partners, who, partner_name, fields, purpose
):
    v = _volunteer(city)
    consent_grant(volunteer=v, partner=partners.bank, purpose=LOAN, fields=FIELDS, days=30, user=v.user)
    with pytest.raises(Http404):
        _read(partners, v, who=who, partner=getattr(partners, partner_name), fields=fields, purpose=purpose)
    assert PartnerAccess.objects.count() == 0


def test_withdrawn_or_expired_consent_answers_404_and_keeps_the_reads_made_while_live(city, partners):
    v = _volunteer(city)
    consent = consent_grant(
        volunteer=v, partner=partners.bank, purpose=LOAN, fields=FIELDS, days=30, user=v.user
    )
    _read(partners, v)
    consent_withdraw(consent=consent, user=v.user)
    with pytest.raises(Http404):
        _read(partners, v)
    assert access_list_of(v).count() == 1

    again = consent_grant(
        volunteer=v, partner=partners.bank, purpose=LOAN, fields=FIELDS, days=1, user=v.user
    )
    Consent.objects.filter(pk=again.pk).update(
        granted_at=timezone.now() - dt.timedelta(days=2), expires_at=timezone.now() - dt.timedelta(days=1)
    )
    with pytest.raises(Http404):
        _read(partners, v)


def test_consent_needs_fields_and_a_period(city, partners):
    v = _volunteer(city)
    with pytest.raises(FieldErrors) as refused:
        consent_grant(volunteer=v, partner=partners.bank, purpose=LOAN, fields=[], days=0, user=v.user)
    assert set(refused.value.errors) == {"fields", "days"}
    assert Consent.objects.count() == 0
