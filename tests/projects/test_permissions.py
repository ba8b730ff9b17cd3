"""Permission matrix of the project, brand and funding pages and endpoints: (page, role) → status.
Outside the scope: 404. The columns are the suite's ROLES and the project's mentor (a user with no
console role). tests/test_permission_matrix.py reads the "projects:…" names from here; the
competitions' rows live in test_permissions_competitions.py."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.projects.models import Brand, Disbursement, MilestoneReport

from ..conftest import login_client
from ..factories import ROLES, bearer
from .conftest import MENTOR

COLUMNS = [*ROLES, MENTOR]
CONSOLE = {"leader", "org_admin", "town_admin", "outsider", "auditor", "city_admin"}
WRITERS = {"org_admin", "town_admin", "outsider", "city_admin"}
READS_A = {"leader", "org_admin", "town_admin", "auditor", "city_admin"}  # the scopes holding org A
MANAGES_A = {"org_admin", "town_admin", "city_admin"}
CITY = {"auditor", "city_admin"}
ADMIN = {"city_admin"}


def status(ok: int, roles: set, *, anonymous: int = 302, otherwise: int = 404) -> dict:
    return {r: (ok if r in roles else otherwise) for r in COLUMNS} | {"anonymous": anonymous}


@pytest.fixture
def objs(scene, city):
    brand = Brand.objects.create(name="阳光爱心书屋", organization=city.org_a)
    report = MilestoneReport.objects.create(
        milestone=scene.milestone, text="首期活动已开展", submitted_by=city.users["org_admin"]
    )
    return {
        "project": scene.project.pk,
        "grant": scene.grant.pk,
        "milestone": scene.milestone.pk,
        "programme": scene.programme.pk,
        "brand": brand.pk,
        "report": report.pk,
    }


GET = [
    ("projects:project_list", [], status(200, CONSOLE)),
    ("projects:project_create", [], status(200, WRITERS)),
    ("projects:project_detail", ["project"], status(200, READS_A)),
    ("projects:project_edit", ["project"], status(200, MANAGES_A)),
    ("projects:brand_list", [], status(200, CONSOLE)),
    ("projects:brand_create", [], status(200, WRITERS)),
    ("projects:brand_detail", ["brand"], status(200, READS_A)),  # org A's brand: 404 outside the scope
    ("projects:funding_home", [], status(200, CITY)),
    ("projects:funder_create", [], status(200, ADMIN)),
    ("projects:programme_create", [], status(200, ADMIN)),
    ("projects:programme_detail", ["programme"], status(200, CITY)),
    ("projects:programme_export", ["programme"], status(200, CITY)),
    ("projects:grant_create", ["project"], status(200, ADMIN)),
    ("projects:mentor_assign", ["project"], status(200, ADMIN)),
    ("projects:grant_detail", ["grant"], status(200, READS_A)),
    ("projects:milestone_report", ["milestone"], status(200, MANAGES_A)),
    ("projects:mentor_home", [], status(200, {MENTOR})),
    ("projects:mentor_report", ["report"], status(200, {MENTOR, *CITY})),
    ("reports:project_figures", ["project"], status(200, READS_A)),
]

# Posted with no data: outside the scope 404 (nothing changes), inside the form's answer.
POST = [
    ("projects:project_create", [], status(422, WRITERS)),
    ("projects:project_edit", ["project"], status(422, MANAGES_A)),
    ("projects:project_status", ["project"], status(422, MANAGES_A)),
    ("projects:project_photo_add", ["project"], status(422, MANAGES_A)),
    ("projects:brand_create", [], status(422, WRITERS)),
    ("projects:brand_detail", ["brand"], status(302, MANAGES_A)),  # no site chosen: a valid answer
    ("projects:funder_create", [], status(422, ADMIN)),
    ("projects:programme_create", [], status(422, ADMIN)),
    ("projects:grant_create", ["project"], status(422, ADMIN)),
    ("projects:mentor_assign", ["project"], status(422, ADMIN)),
    ("projects:milestone_create", ["grant"], status(422, ADMIN)),
    ("projects:disbursement_create", ["grant"], status(422, ADMIN)),
    ("projects:milestone_report", ["milestone"], status(422, MANAGES_A)),
    ("projects:mentor_report", ["report"], status(422, {MENTOR})),
]


def _url(name, args, objs):
    return reverse(name, args=[objs.get(a, a) for a in args])


@pytest.mark.parametrize("name,args,expected", GET, ids=[f"{g[0]}-{i}" for i, g in enumerate(GET)])
def test_get_matrix(city, objs, name, args, expected):
    url = _url(name, args, objs)
    got = {role: login_client(city.users[role]).get(url).status_code for role in COLUMNS}
    assert got == expected


@pytest.mark.parametrize("name,args,expected", POST, ids=[f"{p[0]}-{i}" for i, p in enumerate(POST)])
def test_post_matrix(city, objs, name, args, expected):
    url = _url(name, args, objs)
    got = {role: login_client(city.users[role]).post(url, {}).status_code for role in COLUMNS}
    assert got == expected
    assert not Disbursement.objects.exists()


API_GET = [
    ("/projects", status(200, set(COLUMNS), anonymous=401, otherwise=200)),
    ("/projects/{project}", status(200, READS_A | {MENTOR}, anonymous=401)),
    ("/brands", status(200, set(COLUMNS), anonymous=401, otherwise=200)),
    ("/brands/{brand}", status(200, READS_A, anonymous=401)),
    ("/grants", status(200, set(COLUMNS), anonymous=401, otherwise=200)),
    ("/grants/{grant}", status(200, READS_A | {MENTOR}, anonymous=401)),
    ("/mentor/milestones", status(200, set(COLUMNS), anonymous=401, otherwise=200)),
]


@pytest.mark.parametrize("mode", ["session", "bearer"])
@pytest.mark.parametrize("path,expected", API_GET, ids=[a[0] for a in API_GET])
def test_api_get_matrix(city, objs, mode, path, expected):
    url = "/api/v1" + path.format(**objs)
    got = {}
    for role in COLUMNS:
        user = city.users[role]
        client = login_client(user) if (mode == "session" or user is None) else bearer(user)
        got[role] = client.get(url).status_code
    assert got == expected


def test_api_write_matrix(city, objs):
    pay = "/api/v1/grants/{grant}/disbursements".format(**objs)
    body = {"amount_fen": 100, "paid_on": timezone.localdate().isoformat()}
    got = {
        role: (bearer(city.users[role]) if city.users[role] else login_client(None))
        .post(pay, json.dumps(body), content_type="application/json")
        .status_code
        for role in COLUMNS
    }
    assert got == status(201, ADMIN, anonymous=401)
    assert Disbursement.objects.count() == 1

    review = "/api/v1/milestone-reports/{report}/review".format(**objs)
    got = {}
    for role in [r for r in COLUMNS if r != MENTOR] + [MENTOR]:  # the mentor last: the review happens once
        user = city.users[role]
        client = bearer(user) if user else login_client(None)
        got[role] = client.post(
            review, json.dumps({"accept": True}), content_type="application/json"
        ).status_code
    assert got == status(200, {MENTOR}, anonymous=401)
    assert MilestoneReport.objects.get(pk=objs["report"]).status == MilestoneReport.Status.ACCEPTED


def test_a_date_far_away_is_refused_not_a_500(city, objs):
    client = bearer(city.users["city_admin"])
    url = "/api/v1/grants/{grant}/disbursements".format(**objs)
    too_much = {"amount_fen": 10**12, "paid_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}
    assert client.post(url, json.dumps(too_much), content_type="application/json").status_code == 422
