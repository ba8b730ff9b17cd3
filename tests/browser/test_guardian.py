"""In a browser at 375 px (and 1366 px for the screenshots): a guardian opens the child's page and
approves a sign-up that waits for them; the search page's "use my location" with the phone's
position; the activity form's site picker with its filter box.

Screenshots go to var/screenshots/guardian/ (or HUIGUANG_SHOTS_GUARDIAN), which git ignores.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.activities.services.enrollments import enrollment_create
from huiguang.core.id_card import make_id_number
from huiguang.volunteers.models import Volunteer
from tests.factories import PASSWORD, SiteFactory, VolunteerFactory, make_activity, make_shift

from ..activities_public.conftest import PINGHU, point_east
from .conftest import DESKTOP, PHONE, login, scroll_width

SHOTS = Path(
    os.environ.get("HUIGUANG_SHOTS_GUARDIAN", str(Path(settings.VAR_DIR) / "screenshots" / "guardian"))
)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page, width: int) -> bool:
    return scroll_width(page) <= width


def _child_waiting(city) -> tuple[Volunteer, Enrollment]:
    guardian = Volunteer.objects.get(user=city.users["volunteer"])
    today = timezone.localdate()
    child = VolunteerFactory(
        id_number=make_id_number("330482", today.replace(year=today.year - 12) - dt.timedelta(days=40), 501),
        real_name="张小宝",
        guardian=guardian,
        guardian_consented_at=timezone.now(),
        residence_region=city.village_a1,
    )
    shift = make_shift(organization=city.org_a, name="图书整理", capacity=3, waitlist_size=0)
    enrollment = enrollment_create(volunteer=child, shift=shift, actor=child.user)
    return child, enrollment


def test_a_guardian_approves_a_waiting_sign_up_on_the_childs_page(city, live_server, phone, desktop):
    base = live_server.url
    child, enrollment = _child_waiting(city)
    assert enrollment.reason == "GUARDIAN_APPROVAL"
    page = phone.new_page()
    login(page, base, "13900000006", PASSWORD)
    page.goto(f"{base}/me/")
    page.click("[data-testid=wards] >> text=张小宝")
    page.wait_for_url(f"**/me/wards/{child.pk}/")
    waiting = page.locator("[data-testid=waiting]").inner_text()
    assert "等待您同意的报名" in waiting and "图书整理" in waiting
    assert fits(page, PHONE["width"])
    shot(page, "ward-waiting-375")

    page.click(f"[data-enrollment='{enrollment.pk}'] button:has-text('批准')")
    page.wait_for_url(f"**/me/wards/{child.pk}/")
    assert "没有等待您同意的报名" in page.locator("[data-testid=waiting]").inner_text()
    assert "已确认" in page.locator(f"li[data-enrollment='{enrollment.pk}']").inner_text()
    assert fits(page, PHONE["width"])
    shot(page, "ward-approved-375")
    enrollment.refresh_from_db()
    assert enrollment.status == "confirmed" and enrollment.shift.taken == 1

    page.check("#standing-given")
    page.click("[data-testid=standing-consent] button[type=submit]")
    page.wait_for_url(f"**/me/wards/{child.pk}/")
    assert page.is_checked("#standing-given")
    child.refresh_from_db()
    assert child.guardian_standing_consent_at is not None

    wide = desktop.new_page()
    login(wide, base, "13900000006", PASSWORD)
    wide.goto(f"{base}/me/wards/{child.pk}/")
    shot(wide, "ward-1366")


def test_use_my_location_on_the_search_page(city, live_server, phone, desktop):
    base = live_server.url
    lat, lng = point_east(1.5)
    make_activity(organization=city.org_a, title="东湖社区义剪", lat=lat, lng=lng)
    lat, lng = point_east(30)
    make_activity(organization=city.org_b, title="乍浦海边清扫", lat=lat, lng=lng)
    SiteFactory(name="当湖文化礼堂", region=city.town_a, lat=point_east(0)[0], lng=point_east(0)[1])
    for i in range(16):  # a long list of places: the filter box appears above it
        far = point_east(40 + i)
        SiteFactory(name=f"乍浦站点{i:02d}", region=city.town_b, lat=far[0], lng=far[1])

    phone.grant_permissions(["geolocation"], origin=base)
    phone.set_geolocation({"latitude": PINGHU[0], "longitude": PINGHU[1]})
    page = phone.new_page()
    page.goto(f"{base}/activities/")
    assert page.locator("input[name=lat]").get_attribute("type") == "hidden"
    assert page.locator("input[data-filter-for=centre]").is_visible()
    assert fits(page, PHONE["width"])
    shot(page, "search-375")
    page.click("text=使用我的位置")
    page.wait_for_url("**lat=30.7*")
    content = page.content()
    assert "东湖社区义剪" in content and "乍浦海边清扫" not in content
    assert "按与您所在位置的距离排序" in content
    assert page.locator("select[name=centre] option:checked").inner_text() == "我的位置"
    assert fits(page, PHONE["width"])
    shot(page, "search-my-location-375")

    # A well-known site as the centre, without coordinates (the select clears them).
    page.select_option("select[name=centre]", label="当湖文化礼堂")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**centre=site*")
    assert "lat=30" not in page.url
    assert "按与当湖文化礼堂的距离排序" in page.content()

    wide = desktop.new_page()
    wide.goto(f"{base}/activities/?lat={PINGHU[0]}&lng={PINGHU[1]}&km=10")
    assert fits(wide, DESKTOP["width"])
    shot(wide, "search-1366")


def test_the_site_picker_filters_by_typing(city, live_server, phone, desktop):
    base = live_server.url
    for i in range(12):
        SiteFactory(name=f"当湖站点{i:02d}", region=city.town_a)
        SiteFactory(name=f"乍浦站点{i:02d}", region=city.town_b)
    for context, width, name in ((phone, PHONE["width"], "375"), (desktop, DESKTOP["width"], "1366")):
        page = context.new_page()
        login(page, base, "13900000004", PASSWORD)
        page.goto(f"{base}/console/activities/new/")
        box = page.locator("input[data-filter-for=site]")
        assert box.is_visible()
        box.fill("乍浦站点0")
        labels = page.locator("select[name=site] option").evaluate_all(
            "os => os.map(o => o.textContent.trim())"
        )
        assert labels[1:] == [f"乍浦站点{i:02d}" for i in range(10)]
        groups = page.locator("select[name=site] optgroup").evaluate_all("gs => gs.map(g => g.label)")
        assert groups == ["乍浦镇"]
        # The field alone, its list opened out (a native dropdown is not in screenshots).
        picker = page.locator("select[name=site]")
        picker.evaluate("s => { s.size = 8; }")
        SHOTS.mkdir(parents=True, exist_ok=True)
        picker.locator("xpath=..").screenshot(path=str(SHOTS / f"site-picker-filtered-{name}.png"))
        picker.evaluate("s => { s.size = 0; }")
        page.select_option("select[name=site]", label="乍浦站点03")
        box.fill("")
        assert page.locator("select[name=site] option:checked").inner_text() == "乍浦站点03"
        assert (
            len(
                page.locator("select[name=site] option").evaluate_all(
                    "os => os.map(o => o.textContent.trim())"
                )
            )
            == 1 + 2 + 24
        )
        page.locator("select[name=site]").scroll_into_view_if_needed()
        assert fits(page, width)
        shot(page, f"site-picker-{name}")
