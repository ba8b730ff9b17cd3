import datetime as dt

from huiguang.core.id_card import make_id_number
from huiguang.core.models import AuditEntry
from huiguang.volunteers.models import Volunteer
from tests.factories import PASSWORD

from .conftest import login, scroll_width, shot

ID_NUMBER = make_id_number("330482", dt.date(2001, 9, 10), 246)


def test_volunteer_registers_on_a_phone_screen(city, live_server, phone):
    page = phone.new_page()
    page.goto(live_server.url + "/")
    shot(page, "home-375")
    page.goto(live_server.url + "/register/")
    assert page.locator("h1").inner_text() == "注册成为志愿者"
    # No horizontal scrolling on a 375 px screen.
    assert scroll_width(page) <= 375
    page.fill("input[name=real_name]", "林若溪")
    page.fill("input[name=id_number]", ID_NUMBER[:17] + "5" if ID_NUMBER[17] != "5" else ID_NUMBER[:17] + "6")
    page.fill("input[name=phone]", "13587654321")
    page.fill("input[name=password]", "Ruoxi#2026")
    page.select_option("select[name=region_code]", "330482001001")
    page.check("input[name=consent]")
    page.click("#register-form button[type=submit]")
    # A wrong check digit: a Chinese message and nothing written.
    assert page.locator(".invalid-feedback").first.inner_text().startswith("身份证号码校验码错误")
    shot(page, "register-error-375")
    assert not Volunteer.objects.filter(real_name="林若溪").exists()
    page.fill("input[name=id_number]", ID_NUMBER)
    page.fill("input[name=password]", "Ruoxi#2026")
    page.check("input[name=consent]")
    page.click("#register-form button[type=submit]")
    page.wait_for_url("**/me/")
    assert "欢迎加入" in page.content()
    v = Volunteer.objects.get(real_name="林若溪")
    assert v.id_masked in page.content() and ID_NUMBER not in page.content()
    shot(page, "me-375")
    page.goto(live_server.url + "/me/ecard/")
    assert page.locator(".ecard svg").count() == 1
    shot(page, "ecard-375")


def test_owner_reveals_full_id_number_and_it_is_audited(city, live_server, phone):
    page = phone.new_page()
    login(page, live_server.url, "13900000006", PASSWORD)
    page.goto(live_server.url + "/me/")
    volunteer = Volunteer.objects.get(user__phone="13900000006")
    page.click("text=显示完整号码")
    page.wait_for_selector("[data-full-id]")
    assert page.locator("[data-full-id]").inner_text() == volunteer.decrypt_id_number()
    assert (
        AuditEntry.objects.filter(
            action="id_number_viewed", object_id=str(volunteer.pk), outcome="ok"
        ).count()
        == 1
    )
