"""Permission matrix of the assessments, dashboards, big screen and team figures: (page, role) →
status, for the web pages and the API. Outside a role's scope: 404; anonymous visitors of a console
page are sent to the login page (302), of an API endpoint 401."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from huiguang.reports.models import AssessmentResult, ManualScore
from huiguang.reports.services import assessments as svc

from ..conftest import login_client
from ..factories import ROLES, bearer


@pytest.fixture
def objs(city):
    admin = city.users["city_admin"]
    this_month = timezone.localdate().replace(day=1)
    draft_scheme = svc.scheme_create(actor=admin, year=this_month.year, unit_type="town", name="镇街考核")
    indicator = svc.indicator_add(
        actor=admin,
        scheme=draft_scheme,
        measure="hours",
        label="",
        period="ytd",
        weight=Decimal(50),
        target=Decimal(100),
        rule="linear",
        rank_step=None,
    )
    svc.indicator_add(
        actor=admin,
        scheme=draft_scheme,
        measure="manual",
        label="阵地",
        period="month",
        weight=Decimal(50),
        target=Decimal(10),
        rule="linear",
        rank_step=None,
    )
    draft = svc.run_compute(actor=admin, scheme=draft_scheme, period=this_month)
    published = (
        svc.run_compute(
            actor=admin, scheme=draft_scheme, period=(this_month - dt.timedelta(days=1)).replace(day=1)
        )
        if this_month.month > 1
        else draft
    )
    if published.pk != draft.pk:
        svc.run_lock(actor=admin, run=published)
        svc.run_publish(actor=admin, run=published)
    score = ManualScore.objects.create(
        run=draft,
        indicator=draft_scheme.indicators.get(measure="manual"),
        unit_id="330482001",
        value=Decimal(3),
        evidence="台账",
        scored_by=admin,
    )
    score.evidence_file.save("e.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return {
        "scheme": draft_scheme.pk,
        "indicator": indicator.pk,
        "draft": draft.pk,
        "published": published.pk,
        "result_a": AssessmentResult.objects.get(run=published, unit_id="330482001").pk,
        "score": score.pk,
        "org_a": city.org_a.pk,
        "town_a": "330482001",
    }


#           anon vol  vol_b lead org  town out  aud  city
CITY_ONLY = (302, 404, 404, 404, 404, 404, 404, 404, 200)
CITY_READ = (302, 404, 404, 404, 404, 404, 404, 200, 200)
PUBLIC = (200,) * 9
GET = {
    "reports:dashboard": ([], (302, 404, 404, 200, 200, 200, 200, 200, 200)),
    "reports:dashboard_region": (["town_a"], (302, 404, 404, 404, 404, 200, 404, 200, 200)),
    "reports:dashboard_organization": (["org_a"], (302, 404, 404, 200, 200, 200, 404, 200, 200)),
    "reports:hourly_rate": ([], CITY_ONLY),
    "reports:assessments": ([], (302, 404, 404, 404, 200, 200, 200, 200, 200)),
    "reports:scheme_create": ([], CITY_ONLY),
    "reports:scheme_detail": (["scheme"], CITY_READ),
    "reports:indicator_edit": (["indicator"], CITY_ONLY),
    "reports:run_detail": (["draft"], CITY_READ),
    "reports:run_export": (["draft"], CITY_READ),
    "reports:evidence": (["score"], CITY_READ),
    "reports:result_detail": (["result_a"], (302, 404, 404, 404, 404, 200, 404, 200, 200)),
    "reports:team_figures": (["org_a"], PUBLIC),
    "reports:bigscreen": ([], PUBLIC),
}
PUBLISHED_RUN = (302, 404, 404, 404, 404, 200, 200, 200, 200)  # each town's admin: their own line

# Posted with no data: outside the city admin 404 (nothing changes); the city admin gets the form's
# answer or the step's redirect.
POST = {
    "reports:indicator_add": (["scheme"], (302, 404, 404, 404, 404, 404, 404, 404, 422)),
    "reports:run_compute": (["scheme"], (302, 404, 404, 404, 404, 404, 404, 404, 422)),
    "reports:manual_score": (["draft"], (302, 404, 404, 404, 404, 404, 404, 404, 422)),
    "reports:run_lock": (["draft"], (302, 404, 404, 404, 404, 404, 404, 404, 302)),
    "reports:run_publish": (["draft"], (302, 404, 404, 404, 404, 404, 404, 404, 302)),
    "reports:indicator_remove": (["indicator"], (302, 404, 404, 404, 404, 404, 404, 404, 302)),
}


@pytest.mark.parametrize("name", sorted(GET))
def test_get_matrix(city, objs, name):
    args, expected = GET[name]
    url = reverse(name, args=[objs[a] for a in args])
    got = tuple(login_client(city.users[role]).get(url).status_code for role in ROLES)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))


def test_a_published_run_opens_for_each_towns_admin(city, objs):
    if objs["published"] == objs["draft"]:
        pytest.skip("January: no earlier month of the year to publish")
    url = reverse("reports:run_detail", args=[objs["published"]])
    got = tuple(login_client(city.users[role]).get(url).status_code for role in ROLES)
    assert got == PUBLISHED_RUN


@pytest.mark.parametrize("name", sorted(POST))
def test_post_matrix(city, objs, name):
    args, expected = POST[name]
    got = []
    for role in ROLES:
        url = reverse(name, args=[objs[a] for a in args])
        got.append(login_client(city.users[role]).post(url, {}).status_code)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))


API = {
    "/api/v1/reports/headline": PUBLIC,
    "/api/v1/reports/bigscreen": PUBLIC,
    "/api/v1/reports/teams/{org_a}/figures": PUBLIC,
    "/api/v1/reports/dashboard": (401, 404, 404, 200, 200, 200, 200, 200, 200),
    "/api/v1/reports/dashboard?region={town_a}": (401, 404, 404, 404, 404, 200, 404, 200, 200),
    "/api/v1/reports/dashboard?organization={org_a}": (401, 404, 404, 200, 200, 200, 404, 200, 200),
    "/api/v1/reports/assessment-schemes": (401, 404, 404, 404, 200, 200, 200, 200, 200),
    "/api/v1/reports/assessment-schemes/{scheme}": (401, 404, 404, 404, 404, 404, 404, 200, 200),
    "/api/v1/reports/assessment-runs": (401, 404, 404, 404, 200, 200, 200, 200, 200),
    "/api/v1/reports/assessment-runs/{draft}": (401, 404, 404, 404, 404, 404, 404, 200, 200),
}


@pytest.mark.parametrize("url", sorted(API))
def test_api_matrix(city, objs, url):
    path = url.format(**objs)
    got = tuple(
        (bearer(city.users[role]) if city.users[role] else login_client(None)).get(path).status_code
        for role in ROLES
    )
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, API[url], strict=True))
