import datetime as dt
import io

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from huiguang.activities.models import CalendarToken
from huiguang.core.links import absolute_url, site_host, site_url

from ..factories import make_activity, make_shift


@pytest.mark.parametrize(
    "setting,path,expected",
    [
        ("https://zyz.pinghu.example", "/activities/7/", "https://zyz.pinghu.example/activities/7/"),
        ("https://zyz.pinghu.example/", "/activities/7/", "https://zyz.pinghu.example/activities/7/"),
        ("http://127.0.0.1:8001", "/verify/?payload=a.b", "http://127.0.0.1:8001/verify/?payload=a.b"),
        ("https://zyz.pinghu.example", "media/p.jpg", "https://zyz.pinghu.example/media/p.jpg"),
        ("https://zyz.pinghu.example", "https://cdn.example/p.jpg", "https://cdn.example/p.jpg"),
        ("https://zyz.pinghu.example", "//cdn.example/p.jpg", "//cdn.example/p.jpg"),
    ],
)
def test_absolute_url_puts_a_path_on_the_public_address(settings, setting, path, expected):
    settings.HUIGUANG_SITE_URL = setting
    assert absolute_url(path) == expected


def test_site_url_and_host_follow_the_setting(settings):
    settings.HUIGUANG_SITE_URL = "https://zyz.pinghu.example:8443/"
    assert site_url() == "https://zyz.pinghu.example:8443"
    assert site_host() == "zyz.pinghu.example"
    settings.HUIGUANG_SITE_URL = ""
    assert site_host() == "huiguang"


# --- every absolute link of the site is on the public address ------------------------------------

SITE = "https://zyz.pinghu.example"


@pytest.fixture
def public_site(settings):
    settings.HUIGUANG_SITE_URL = SITE
    return SITE


@pytest.mark.django_db
def test_share_link_and_share_qr_use_the_public_address(city, client, public_site):
    activity = make_activity(city.org_a)
    page = f"{SITE}/activities/{activity.pk}/"
    html = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert f'value="{page}"' in html
    qr = client.get(reverse("activities:share_qr", args=[activity.pk])).content.decode()
    buf = io.BytesIO()
    segno.make(page, error="m").save(buf, kind="svg", scale=8, border=2, dark="#111", title=activity.title)
    assert qr == buf.getvalue().decode()
    body = client.get(f"/api/v1/activities/{activity.pk}").json()
    assert body["share_qr_url"] == f"{SITE}/activities/{activity.pk}/qr.svg"
    assert body["ics_url"] == f"{SITE}/activities/{activity.pk}.ics"


@pytest.mark.django_db
def test_ics_and_the_calendar_feed_use_the_public_address(city, client, as_role, public_site):
    activity = make_activity(city.org_a)
    make_shift(activity)
    ics = client.get(reverse("activities:ics", args=[activity.pk])).content.decode()
    assert f"URL:{SITE}/activities/{activity.pk}/" in ics
    assert "@zyz.pinghu.example" in ics  # the events' UIDs

    volunteer = as_role("volunteer")
    assert volunteer.post(reverse("activities:calendar_regenerate")).status_code == 302
    token = CalendarToken.objects.get(volunteer__user=city.users["volunteer"]).token
    html = volunteer.get(reverse("activities:my")).content.decode()
    assert f"{SITE}/calendar/{token}.ics" in html
    assert f"webcal://zyz.pinghu.example/calendar/{token}.ics" in html


@pytest.mark.django_db
def test_check_in_qr_link_uses_the_public_address_not_the_request_host(city, as_role, public_site):
    activity = make_activity(city.org_a, starts_at=timezone.now() - dt.timedelta(hours=1), hours=4)
    shift = make_shift(activity)
    leader = as_role("leader")
    html = leader.get(reverse("attendance:qr", args=[shift.pk])).content.decode()
    assert f'data-checkin-url="{SITE}/checkin/' in html
    state = leader.get(reverse("attendance:qr_state", args=[shift.pk])).json()
    assert state["url"].startswith(f"{SITE}/checkin/")
    assert "testserver" not in html
