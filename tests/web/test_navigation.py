"""The menus: shaped by what each persona does, and never a link to a page the persona may not open."""

from __future__ import annotations

import re

import pytest

from ..conftest import login_client
from ..factories import ROLES

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a class="(?:nav-link|dropdown-item)[^"]*"[^>]*href="([^"#]+)"')


def menu_links(html: str) -> list[str]:
    nav = html.split('id="mainnav"', 1)[1].split("</nav>", 1)[0]
    return LINK.findall(nav)


def menu_of(client) -> str:
    html = client.get("/").content.decode()
    return html.split('id="mainnav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_opens_for_the_persona(city, role):
    client = login_client(city.users[role])
    links = menu_links(client.get("/").content.decode())
    assert links, role
    # A link may redirect (the console overview to a role's first page); where it lands must open.
    statuses = {url: client.get(url.replace("&amp;", "&"), follow=True).status_code for url in links}
    assert {url: s for url, s in statuses.items() if s != 200} == {}, role


def test_volunteer_sees_daily_items_and_the_rest_under_mine(city):
    nav = menu_of(login_client(city.users["volunteer"]))
    daily = nav.split('id="nav-mine"', 1)[0]
    for label in ("首页", "签到", "我的活动", "我的时数"):
        assert label in daily
    assert "API 令牌" not in daily  # tucked away under "Mine"
    mine = nav.split('id="nav-mine"', 1)[1]
    for label in ("API 令牌", "我的志愿服务证明", "我的组织"):
        assert label in mine
    assert 'id="nav-console"' not in nav
    assert len(LINK.findall(daily)) <= 5


def test_leader_menu_has_the_pages_leaders_may_open(city):
    nav = menu_of(login_client(city.users["leader"]))
    for url in ("/console/records/", "/console/makeup/", "/console/disputes/", "/console/activities/new/"):
        assert f'href="{url}"' in nav
    for url in ("/console/records/pending/", "/console/star-policy/", "/console/records/export/"):
        assert f'href="{url}"' not in nav


def test_auditor_reads_records_and_the_audit_log_but_changes_nothing(city):
    nav = menu_of(login_client(city.users["auditor"]))
    for url in ("/console/records/", "/accounts/console/audit/", "/console/regions/", "/console/disputes/"):
        assert f'href="{url}"' in nav
    for url in ("/console/records/pending/", "/console/activities/new/", "/console/import/"):
        assert f'href="{url}"' not in nav


def test_city_admin_sees_every_console_group_with_export_and_star_policy(city):
    nav = menu_of(login_client(city.users["city_admin"]))
    for group in ("志愿活动", "时数与记录", "组织网络", "志愿者", "系统管理"):
        assert f'<h6 class="dropdown-header">{group}</h6>' in nav
    for url in (
        "/console/records/export/",
        "/console/star-policy/",
        "/accounts/console/roles/",
        "/accounts/console/audit/",
    ):
        assert f'href="{url}"' in nav


def test_anonymous_menu_has_no_personal_or_console_items(client):
    nav = client.get("/").content.decode().split('id="mainnav"', 1)[1]
    assert 'id="nav-mine"' not in nav and 'id="nav-console"' not in nav
