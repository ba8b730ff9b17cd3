"""The accounts console on a 375 px phone screen: roles, tokens (with the confirm dialog), audit log."""

import pytest

from huiguang.accounts.models import ApiToken
from huiguang.network.models import Grant
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def no_sideways_scroll(page) -> bool:
    return scroll_width(page) <= 375


def test_city_admin_runs_the_console_on_a_phone(city, live_server, phone):
    page = phone.new_page()
    login(page, live_server.url, "13900000001", PASSWORD)

    page.goto(live_server.url + "/accounts/console/roles/")
    assert no_sideways_scroll(page)
    page.fill("#id_user", "139 0000 0006")
    page.select_option("#id_role", "region_admin")
    page.click("form[action$='/console/roles/'] button[type=submit]")
    # No region chosen: a Chinese message on the form, nothing written.
    assert page.locator(".invalid-feedback").first.inner_text()
    assert not Grant.objects.filter(user=city.users["volunteer"]).exists()
    shot(page, "accounts-roles-error-375")
    page.select_option("#id_region", city.town_a.code)
    page.click("form[action$='/console/roles/'] button[type=submit]")
    page.wait_for_load_state()
    volunteer = city.users["volunteer"]
    assert Grant.objects.filter(user=volunteer, role="region_admin", region=city.town_a).exists()
    assert page.locator(".alert-success").count() == 1
    shot(page, "accounts-roles-375")

    page.goto(live_server.url + "/accounts/tokens/")
    assert no_sideways_scroll(page)
    page.fill("form[action$='/tokens/'] input[name=name]", "数据大屏")
    page.click("form[action$='/tokens/'] button[type=submit]")
    key = page.input_value("#token-key")
    assert key.startswith("hg_")
    assert ApiToken.objects.get(name="数据大屏").key_hash == ApiToken.hash_key(key)
    assert no_sideways_scroll(page)
    shot(page, "accounts-token-created-375")

    page.goto(live_server.url + "/accounts/tokens/")
    # The first click is cancelled in the confirm dialog, the second accepted.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("button[data-confirm]:visible").first.click()
    assert ApiToken.objects.get(name="数据大屏").revoked_at is None
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("button[data-confirm]:visible").first.click()
    page.wait_for_load_state()
    assert ApiToken.objects.get(name="数据大屏").revoked_at is not None
    shot(page, "accounts-tokens-375")

    page.goto(live_server.url + "/accounts/console/audit/")
    assert no_sideways_scroll(page)
    assert page.locator("tbody tr").count() >= 3  # login, grant, token created, token revoked
    shot(page, "accounts-audit-375")
