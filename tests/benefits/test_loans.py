"""志愿贷: tiers from score bands, the referral with consent and its signed attestation, the bank
officer's check and decision, 404 once the consent is withdrawn, the accesses the volunteer sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.benefits.models import Consent, LoanProduct, LoanReferral, PartnerAccess
from huiguang.benefits.selectors.consent import access_list_of
from huiguang.benefits.selectors.loans import loan_totals_by_month
from huiguang.benefits.services import attestation
from huiguang.benefits.services.consent import consent_withdraw
from huiguang.benefits.services.loans import referral_request, tier_for
from huiguang.core.audit import AuditEntry
from huiguang.core.errors import Refused
from huiguang.credit.selectors import latest_snapshot

from ..conftest import login_client
from ..factories import bearer
from .loans_points_data import SCHEME, make_product

pytestmark = pytest.mark.django_db


def _volunteer(city):
    return city.users["volunteer"].volunteer


def _refer(city, product, days=30):
    v = _volunteer(city)
    return referral_request(volunteer=v, product=product, days=days, user=v.user)


# --- tiers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "score,tier,quota,rate",
    [
        (0, None, None, None),
        (334, None, None, None),
        (335, 1, 100000, "4.35"),
        (599, 1, 100000, "4.35"),
        (600, 2, 300000, "3.85"),
        (1000, 2, 300000, "3.85"),
    ],
)
def test_the_band_a_score_reaches_gives_the_quota_and_the_rate(score, tier, quota, rate):
    product = LoanProduct(max_amount=500000, base_rate=Decimal("4.35"), tiers=SCHEME)
    got = tier_for(product, score)
    if tier is None:
        assert got is None
    else:
        assert (got.index, got.quota, got.rate) == (tier, quota, Decimal(rate))


def test_a_band_quota_never_exceeds_the_products_maximum():
    product = LoanProduct(max_amount=80000, base_rate=Decimal("4.35"), tiers=SCHEME)
    assert tier_for(product, 700).quota == 80000


def test_a_score_below_the_lowest_band_is_refused_with_the_reason(city, partners):
    product = make_product(partners.bank, tiers=[{"min_score": 1000, "quota": 1000, "discount": "0"}])
    with pytest.raises(Refused) as exc:
        _refer(city, product)
    assert exc.value.reason == "NOT_ELIGIBLE"
    assert not Consent.objects.exists() and not LoanReferral.objects.exists()


# --- the volunteer's referral and its attestation ------------------------------------------------------


def test_the_products_page_shows_the_tier_of_my_score_and_the_explanation(city, partners):
    product = make_product(partners.bank)
    client = login_client(city.users["volunteer"])
    response = client.get(reverse("benefits:my_loans"))
    score = latest_snapshot(_volunteer(city)).score
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="my-score">{score}<' in html
    assert product.name in html and "data-tier-explanation" in html


def test_asking_for_a_referral_records_the_consent_and_signs_the_attestation(city, partners):
    product = make_product(partners.bank)
    client = login_client(city.users["volunteer"])
    response = client.post(reverse("benefits:loan_request", args=[product.pk]), {"days": "30", "agree": "on"})
    referral = LoanReferral.objects.get()
    assert response.status_code == 302
    consent = referral.consent
    assert (consent.partner, consent.purpose) == (partners.bank, Consent.Purpose.LOAN_REFERRAL)
    assert set(consent.fields) == {"volunteer_number", "masked_name", "score", "credit_hours", "star"}
    assert referral.valid_until == consent.expires_at
    checked = attestation.check(referral.attestation, attestation.LOAN_KIND)
    v = _volunteer(city)
    assert checked.state == "valid"
    assert checked.fields["vno"] == v.volunteer_number
    assert checked.fields["name"] == v.real_name[0] + "*" * (len(v.real_name) - 1)
    assert checked.fields["score"] == referral.score and checked.fields["tier"] == referral.tier
    assert v.real_name not in referral.attestation  # no full name in the signed text
    page = client.get(reverse("benefits:my_referral", args=[referral.pk])).content.decode()
    assert referral.attestation in page and "<svg" in page


def test_asking_without_consent_answers_422_and_writes_nothing(city, partners):
    product = make_product(partners.bank)
    client = login_client(city.users["volunteer"])
    response = client.post(reverse("benefits:loan_request", args=[product.pk]), {"days": "30"})
    assert response.status_code == 422
    assert (
        "A referral needs your consent." in response.content.decode() or "需要" in response.content.decode()
    )
    assert not Consent.objects.exists()


def test_one_flipped_byte_fails_and_an_expired_one_says_expired(city, partners):
    referral = _refer(city, make_product(partners.bank))
    token = referral.attestation
    body, sig = token.split(".")
    for i in (0, len(body) // 2, len(body) - 1):
        flipped = body[:i] + ("A" if body[i] != "A" else "B") + body[i + 1 :] + "." + sig
        assert attestation.check(flipped, attestation.LOAN_KIND).state == "invalid"
    flipped_sig = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert attestation.check(flipped_sig, attestation.LOAN_KIND).state == "invalid"
    later = referral.valid_until + dt.timedelta(seconds=1)
    assert attestation.check(token, attestation.LOAN_KIND, now=later).state == "expired"


# --- the bank officer --------------------------------------------------------------------------------


def test_the_bank_officer_verifies_the_attestation_and_records_the_loan(city, partners):
    referral = _refer(city, make_product(partners.bank))
    officer = login_client(partners.users["bank_officer"])
    page = officer.post(reverse("benefits:bank_verify"), {"token": referral.attestation})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="verdict"' in html and referral.volunteer.volunteer_number in html
    assert referral.volunteer.real_name not in html
    today = timezone.localdate()
    response = officer.post(
        reverse("benefits:bank_decide", args=[referral.pk]),
        {"decision": "approve", "amount": "200000", "rate": "4.10", "disbursed_on": today.isoformat()},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.amount, referral.disbursed_rate, referral.disbursed_on) == (
        LoanReferral.Status.APPROVED,
        200000,
        Decimal("4.10"),
        today,
    )
    assert AuditEntry.objects.filter(action="loan_referral.approve", object_id=str(referral.pk)).exists()
    mine = login_client(city.users["volunteer"]).get(reverse("benefits:my_referral", args=[referral.pk]))
    assert 'id="outcome"' in mine.content.decode() and "200000" in mine.content.decode()


def test_a_refusal_needs_a_reason_and_the_volunteer_reads_it(city, partners):
    referral = _refer(city, make_product(partners.bank))
    officer = login_client(partners.users["bank_officer"])
    url = reverse("benefits:bank_decide", args=[referral.pk])
    assert officer.post(url, {"decision": "refuse"}).status_code == 422
    assert officer.post(url, {"decision": "refuse", "reason": "收入证明不足"}).status_code == 302
    mine = login_client(city.users["volunteer"]).get(reverse("benefits:my_referral", args=[referral.pk]))
    assert "收入证明不足" in mine.content.decode()


def test_an_expired_attestation_says_expired_on_the_bank_page(city, partners):
    referral = _refer(city, make_product(partners.bank))
    past = dict(attestation.check(referral.attestation, attestation.LOAN_KIND).fields)
    past.pop("kind")
    past["until"] = attestation.utc_iso(timezone.now() - dt.timedelta(minutes=1))
    stale = attestation.sign(attestation.LOAN_KIND, past)
    page = login_client(partners.users["bank_officer"]).post(
        reverse("benefits:bank_verify"), {"token": stale}
    )
    assert page.status_code == 200
    assert "expired" in page.content.decode().lower() or "过期" in page.content.decode()
    assert not PartnerAccess.objects.exists()


def test_a_flipped_byte_is_refused_on_the_bank_page_and_the_api(city, partners):
    referral = _refer(city, make_product(partners.bank))
    token = referral.attestation
    bad = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    page = login_client(partners.users["bank_officer"]).post(reverse("benefits:bank_verify"), {"token": bad})
    assert 'alert-danger" id="verdict"' in page.content.decode()
    api = bearer(partners.users["bank_officer"])
    body = api.post(
        "/api/v1/bank/attestations/verify", {"attestation": bad}, content_type="application/json"
    ).json()
    assert body["state"] == "invalid" and body["referral"] is None


def test_consent_withdrawn_the_bank_page_and_the_api_answer_404_and_the_reads_stay_listed(city, partners):
    referral = _refer(city, make_product(partners.bank))
    officer = login_client(partners.users["bank_officer"])
    api = bearer(partners.users["bank_officer"])
    detail = reverse("benefits:bank_referral", args=[referral.pk])
    assert officer.get(detail).status_code == 200
    assert officer.post(reverse("benefits:bank_verify"), {"token": referral.attestation}).status_code == 200
    assert api.get(f"/api/v1/bank/referrals/{referral.pk}").status_code == 200
    verify = api.post(
        "/api/v1/bank/attestations/verify",
        {"attestation": referral.attestation},
        content_type="application/json",
    )
    assert verify.json()["state"] == "valid"
    consent_withdraw(consent=referral.consent, user=city.users["volunteer"])
    assert officer.get(detail).status_code == 404
    assert officer.post(reverse("benefits:bank_verify"), {"token": referral.attestation}).status_code == 404
    assert api.get(f"/api/v1/bank/referrals/{referral.pk}").status_code == 404
    assert (
        api.post(
            "/api/v1/bank/attestations/verify",
            {"attestation": referral.attestation},
            content_type="application/json",
        ).status_code
        == 404
    )
    decide = api.post(
        f"/api/v1/bank/referrals/{referral.pk}/decision",
        {"approve": False, "reason": "x"},
        content_type="application/json",
    )
    assert decide.status_code == 404
    reads = list(access_list_of(referral.volunteer).order_by("at", "pk"))
    assert [(a.channel, a.partner_id) for a in reads] == [
        ("web", partners.bank.pk),
        ("web", partners.bank.pk),
        ("api", partners.bank.pk),
        ("api", partners.bank.pk),
    ]
    assert all(a.at < referral.consent.withdrawn_at for a in reads)
    assert not officer.get(reverse("benefits:bank_referrals")).context["page_obj"].object_list


def test_another_bank_cannot_open_the_referral(city, partners):
    from huiguang.benefits.models import Partner, PartnerStaff

    from ..factories import UserFactory

    other = Partner.objects.create(name="另一家银行", kind=Partner.Kind.BANK, region=city.city)
    officer = UserFactory(phone="13900000099")
    PartnerStaff.objects.create(user=officer, partner=other)
    referral = _refer(city, make_product(partners.bank))
    client = login_client(officer)
    assert client.get(reverse("benefits:bank_referral", args=[referral.pk])).status_code == 404
    page = client.post(reverse("benefits:bank_verify"), {"token": referral.attestation})
    assert page.status_code == 200 and referral.volunteer.volunteer_number not in page.content.decode()


# --- API of the volunteer ----------------------------------------------------------------------------


def test_the_api_lists_products_with_my_tier_and_takes_a_referral(city, partners):
    product = make_product(partners.bank)
    api = bearer(city.users["volunteer"])
    products = api.get("/api/v1/loan-products").json()
    assert products[0]["id"] == product.pk and products[0]["my_tier"]["index"] >= 1
    refused = api.post(
        f"/api/v1/loan-products/{product.pk}/referrals", {"agree": False}, content_type="application/json"
    )
    assert refused.status_code == 422
    made = api.post(
        f"/api/v1/loan-products/{product.pk}/referrals",
        {"days": 10, "agree": True},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert attestation.check(made.json()["attestation"], attestation.LOAN_KIND).state == "valid"
    again = api.post(
        f"/api/v1/loan-products/{product.pk}/referrals",
        {"days": 10, "agree": True},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["reason"] == "ALREADY_REFERRED"
    assert api.get("/api/v1/me/loan-referrals").json()["count"] == 1


def test_the_api_records_a_disbursement_with_checks(city, partners):
    referral = _refer(city, make_product(partners.bank))
    api = bearer(partners.users["bank_officer"])
    url = f"/api/v1/bank/referrals/{referral.pk}/decision"
    bad = api.post(url, {"approve": True, "amount": 600000, "rate": 4.1}, content_type="application/json")
    assert bad.status_code == 422 and {"amount", "disbursed_on"} <= set(bad.json()["errors"])
    today = timezone.localdate().isoformat()
    ok = api.post(
        url,
        {"approve": True, "amount": 150000, "rate": 4.1, "disbursed_on": today},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    twice = api.post(url, {"approve": False, "reason": "x"}, content_type="application/json")
    assert twice.status_code == 409


# --- statistics ---------------------------------------------------------------------------------------


def test_loan_totals_by_month_count_referrals_loans_and_amounts(city, partners):
    product = make_product(partners.bank)
    referral = _refer(city, product)
    LoanReferral.objects.filter(pk=referral.pk).update(
        status="approved", amount=120000, disbursed_rate=Decimal("4"), disbursed_on=timezone.localdate()
    )
    rows = loan_totals_by_month()
    assert [(r["referrals"], r["loans"], r["amount"]) for r in rows] == [(1, 1, 120000)]
    page = login_client(city.users["city_admin"]).get(reverse("benefits:loan_statistics"))
    assert 'id="total-amount">120000<' in page.content.decode()
    export = login_client(city.users["city_admin"]).get(reverse("benefits:loan_statistics_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_the_bank_register_keeps_its_query_count(city, partners, assert_queries_constant):
    product = make_product(partners.bank)
    officer = login_client(partners.users["bank_officer"])
    _refer(city, product)
    v2 = city.users["volunteer_b"].volunteer

    def grow():
        referral_request(volunteer=v2, product=product, days=5, user=v2.user)

    assert_queries_constant(lambda: officer.get(reverse("benefits:bank_referrals")), grow)
