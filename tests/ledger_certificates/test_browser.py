"""The certificate journey on a 375 px phone: request, issue, download, public check."""

from huiguang.ledger.models import Certificate
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import PASSWORD


def test_request_issue_and_verify_on_a_phone(city, records, live_server, phone):
    base = live_server.url
    page = phone.new_page()
    login(page, base, "13900000006", PASSWORD)
    page.goto(f"{base}/me/certificates/")
    page.select_option("select[name=issuer]", str(city.org_a.pk))
    page.fill("input[name=purpose]", "升学")
    page.click("#request-form button")
    page.wait_for_load_state()
    assert "已提交" in page.content()
    assert scroll_width(page) <= 375
    shot(page, "certificates-mine-375")
    cert = Certificate.objects.get()

    admin_context = phone.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    admin = admin_context.new_page()
    login(admin, base, "13900000004", PASSWORD)
    admin.goto(f"{base}/console/certificates/")
    assert scroll_width(admin) <= 375
    shot(admin, "certificates-queue-375")
    admin.click("text=打开")
    admin.wait_for_load_state()
    assert admin.input_value("input[name=responsible_person]") == "王老师"
    admin.click("text=出具证明")
    admin.wait_for_load_state()
    assert scroll_width(admin) <= 375
    shot(admin, "certificates-issued-375")
    cert.refresh_from_db()
    assert cert.status == "issued"
    admin_context.close()

    page.goto(f"{base}/me/certificates/")
    assert cert.number in page.content()
    with page.expect_download() as download:
        page.evaluate(
            "(url) => { const a = document.createElement('a'); a.href = url; a.download = '';"
            " document.body.appendChild(a); a.click(); }",
            f"/certificates/{cert.pk}/pdf/",
        )
    assert download.value.path().read_bytes().startswith(b"%PDF")

    public = phone.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN").new_page()
    public.goto(f"{base}/verify/")
    public.fill("input[name=number]", cert.number)
    public.click("#verify-form button")
    public.wait_for_load_state()
    assert "有效证明" in public.content() and "张*明" in public.content()
    assert scroll_width(public) <= 375
    shot(public, "certificates-verify-375")
