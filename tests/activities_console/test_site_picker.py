"""The activity form's site picker: sites in one <optgroup> per town or street, with a filter box
added by a static script (the select works without it); choosing a site still saves it."""

from __future__ import annotations

import re

from django.urls import reverse

from huiguang.activities.models import Activity
from huiguang.network.models import Site

from ..factories import SiteFactory, category


def _options_by_group(page: str) -> dict[str, list[str]]:
    select = re.search(r'<select name="site".*?</select>', page, re.S).group(0)
    return {
        label: re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", body)
        for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    }


def test_sites_are_grouped_by_town_with_a_filter_box(city, as_role):
    SiteFactory(name="当湖红立方", region=city.town_a)
    SiteFactory(name="乍浦文化礼堂", region=city.town_b)
    SiteFactory(name="市青少年宫", region=city.city)
    SiteFactory(name="停用站点", region=city.town_a, is_active=False)
    response = as_role("org_admin").get(reverse("activities:console_create"))
    page = response.content.decode()
    assert _options_by_group(page) == {
        "当湖街道": ["东湖新时代文明实践站", "当湖红立方"],
        "乍浦镇": ["乍浦文化礼堂", "乍浦青年之家"],
        "全市": ["市青少年宫"],
    }
    assert re.search(r'<select name="site"[^>]*data-filter-select', page)
    assert "activities/select_filter.js" in page and "<script>" not in page


def test_a_chosen_site_is_saved_and_shown_selected_when_editing(city, as_role):
    site = Site.objects.get(name="东湖新时代文明实践站")
    client = as_role("org_admin")
    data = {
        "organization": city.org_a.pk,
        "title": "阵地理发",
        "category": category().pk,
        "site": site.pk,
        "starts_at": "2031-05-01T09:00",
        "ends_at": "2031-05-01T11:00",
        "checkin_radius_m": 300,
        "cancel_cutoff_hours": 24,
        "visibility": "public",
        "signup_mode": "instant",
    }
    response = client.post(reverse("activities:console_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(title="阵地理发")
    assert activity.site == site
    page = client.get(reverse("activities:console_edit", args=[activity.pk])).content.decode()
    assert re.search(rf'<option value="{site.pk}" selected>东湖新时代文明实践站</option>', page)
