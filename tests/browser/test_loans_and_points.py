"""In a browser at 375 px: a volunteer consents to a 志愿贷 referral, the bank officer verifies the
attestation and records the loan, the volunteer reads the outcome; a parent applies for school
points and the education officer decides. Screenshots at 375 px and 1366 px go to
var/screenshots/benefits_loans/ (git ignores them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from huiguang.benefits.models import LoanReferral, PointsApplication
from tests.benefits.loans_points_data import child_id, make_policy, make_product
from tests.factories import PASSWORD
from tests.ledger_certificates.conftest import add_record

from .conftest import DESKTOP, PHONE, login, scroll_width

SHOTS = Path(settings.VAR_DIR) / "screenshots" / "benefits_loans"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page, width: int) -> bool:
    return scroll_width(page) <= width


def test_a_volunteer_consents_and_the_bank_officer_verifies_and_records_a_loan(
    city, partners, live_server, phone, desktop
):
    base = live_server.url
    product = make_product(partners.bank)
    volunteer = city.users["volunteer"]
    page = phone.new_page()
    login(page, base, volunteer.phone, PASSWORD)
    page.goto(f"{base}/me/loans/")
    assert fits(page, PHONE["width"])
    shot(page, "01-volunteer-products-375")
    page.click(f"[data-product='{product.pk}'] a.btn-primary")
    page.check("input[name=agree]")
    shot(page, "02-volunteer-consent-375")
    page.click("#referral-form button")
    page.wait_for_load_state()
    token = page.input_value("#attestation")
    referral = LoanReferral.objects.get()
    assert token == referral.attestation
    assert fits(page, PHONE["width"])
    shot(page, "03-volunteer-attestation-375")

    officer = partners.users["bank_officer"]
    bank = phone.browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    login(bank, base, officer.phone, PASSWORD)
    bank.goto(f"{base}/partner/loans/")
    bank.fill("textarea[name=token]", token)
    bank.click("#verify-form button")
    bank.wait_for_load_state()
    assert (
        "alert-success" in bank.inner_html("#verdict").lower()
        or bank.locator("#verdict.alert-success").count() == 1
    )
    shot(bank, "04-bank-verified-375")
    bank.check("input[name=decision][value=approve]")
    bank.fill("input[name=amount]", "200000")
    bank.fill("input[name=rate]", "3.75")
    bank.fill("input[name=disbursed_on]", timezone.localdate().isoformat())
    bank.click("#decision-form button")
    bank.wait_for_load_state()
    assert fits(bank, PHONE["width"])
    shot(bank, "05-bank-recorded-375")
    referral.refresh_from_db()
    assert (referral.status, referral.amount) == ("approved", 200000)

    page.goto(f"{base}/me/loans/referrals/{referral.pk}/")
    assert "200000" in page.inner_text("#outcome")
    shot(page, "06-volunteer-outcome-375")

    admin = desktop.new_page()
    login(admin, base, city.users["city_admin"].phone, PASSWORD)
    for path, name in [
        ("/console/loans/products/", "07-console-products-1366"),
        (f"/console/loans/products/{product.pk}/edit/", "08-console-product-1366"),
        ("/console/loans/statistics/", "09-console-statistics-1366"),
    ]:
        admin.goto(base + path)
        assert fits(admin, DESKTOP["width"])
        shot(admin, name)
    wide = desktop.browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    login(wide, base, volunteer.phone, PASSWORD)
    wide.goto(f"{base}/me/loans/")
    shot(wide, "10-volunteer-products-1366")


def test_a_parent_applies_for_points_and_the_education_officer_decides(
    city, partners, live_server, phone, desktop
):
    base = live_server.url
    parent = city.users["volunteer"]
    today = timezone.localdate()
    add_record(parent.volunteer, city.org_a, day=today - dt.timedelta(days=20), minutes=1500)
    make_policy(partners.education)
    page = phone.new_page()
    login(page, base, parent.phone, PASSWORD)
    page.goto(f"{base}/me/points/")
    assert fits(page, PHONE["width"])
    shot(page, "11-parent-points-375")
    page.goto(f"{base}/me/points/apply/")
    page.select_option("select[name=policy]", index=1)
    page.fill("input[name=child_name]", "张小宝")
    page.fill("input[name=child_id_number]", child_id())
    page.select_option("select[name=grade]", "primary_1")
    page.check("input[name=guardian_declared]")
    page.check("input[name=agree]")
    shot(page, "12-parent-apply-375")
    page.click("#points-form button")
    page.wait_for_load_state()
    application = PointsApplication.objects.get()
    assert child_id() not in page.content() and application.child_id_masked in page.content()
    shot(page, "13-parent-application-375")

    officer = partners.users["education_officer"]
    school = phone.browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    login(school, base, officer.phone, PASSWORD)
    school.goto(f"{base}/partner/points/")
    shot(school, "14-school-list-375")
    school.click(f"a[href='/partner/points/{application.pk}/']")
    school.wait_for_load_state()
    assert child_id() not in school.content()
    assert fits(school, PHONE["width"])
    school.check("input[name=decision][value=approve]")
    shot(school, "15-school-detail-375")
    school.click("#decision-form button")
    school.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == "approved" and application.points == 3
    shot(school, "16-school-decided-375")

    page.goto(f"{base}/me/points/{application.pk}/")
    assert application.certificate_number in page.inner_text("#outcome")
    shot(page, "17-parent-certificate-375")
    page.goto(f"{base}/points/verify/?token={application.certificate}")
    assert page.locator("#verdict.alert-success").count() == 1
    shot(page, "18-public-verify-375")

    admin = desktop.new_page()
    login(admin, base, city.users["city_admin"].phone, PASSWORD)
    for path, name in [
        ("/console/points/policies/", "19-console-policies-1366"),
        ("/console/points/statistics/", "20-console-points-statistics-1366"),
    ]:
        admin.goto(base + path)
        assert fits(admin, DESKTOP["width"])
        shot(admin, name)
