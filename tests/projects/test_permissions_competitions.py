"""Permission matrix of the competition pages and endpoints: (page, role) → status. Outside the
scope: 404. The columns are the suite's ROLES and the judge (a member of org B, no console role);
org B co-hosts the competition, so its region's admin ("outsider") organizes it. The judge's own
organization's entry (entry_b) is 404 for him, like for everyone who is not an organizer."""

import json

import pytest
from django.urls import reverse

from huiguang.projects.models import Competition, Round, Score

from ..conftest import login_client
from ..factories import ROLES, bearer
from .conftest import JUDGE

COLUMNS = [*ROLES, JUDGE]
CONSOLE = {"leader", "org_admin", "town_admin", "outsider", "auditor", "city_admin"}
ORGANIZERS = {"outsider", "city_admin"}
READS_ENTRY_A = {"org_admin", "town_admin", "outsider", "auditor", "city_admin"}
ENTRANTS = {"org_admin", "town_admin", "outsider", "city_admin"}
LOGGED_IN = set(COLUMNS) - {"anonymous"}


def status(ok: int, roles: set, *, anonymous: int = 302, otherwise: int = 404) -> dict:
    return {r: (ok if r in roles else otherwise) for r in COLUMNS} | {"anonymous": anonymous}


@pytest.fixture
def objs(contest):
    return {
        "competition": contest.competition.pk,
        "entry_a": contest.entry_a.pk,
        "entry_b": contest.entry_b.pk,
        "judge": contest.judge.pk,
        "track": "track",
        "one": 1,
        "two": 2,
    }


GET = [
    ("projects:competition_list", [], status(200, CONSOLE)),
    ("projects:competition_create", [], status(200, {"city_admin"})),
    ("projects:competition_detail", ["competition"], status(200, CONSOLE)),
    ("projects:competition_setup", ["competition", "track"], status(200, ORGANIZERS)),
    ("projects:entry_submit", ["competition"], status(200, ENTRANTS)),
    ("projects:entry_detail", ["entry_a"], status(200, READS_ENTRY_A)),
    ("projects:entry_detail", ["entry_b"], status(200, {"outsider", "auditor", "city_admin"})),
    ("projects:judge_home", [], status(200, LOGGED_IN)),
    ("projects:judge_score", ["judge", "entry_a"], status(200, {JUDGE})),
    ("projects:judge_score", ["judge", "entry_b"], status(200, set())),  # his own organization's entry
    ("projects:competition_results", ["competition"], status(200, set(), anonymous=404)),  # not published
]

# Posted with no data: outside the scope 404 (nothing changes), inside the form's answer or 409.
POST = [
    ("projects:competition_create", [], status(422, {"city_admin"})),
    ("projects:competition_setup", ["competition", "track"], status(422, ORGANIZERS)),
    ("projects:entry_submit", ["competition"], status(422, ENTRANTS)),
    ("projects:entry_review", ["entry_a"], status(422, ORGANIZERS)),
    ("projects:award_give", ["entry_a"], status(422, ORGANIZERS)),
    ("projects:round_close", ["competition", "two"], status(409, ORGANIZERS)),  # round 1 is still open
    ("projects:results_publish", ["competition"], status(409, {"city_admin"})),  # the final is open
    ("projects:judge_score", ["judge", "entry_a"], status(422, {JUDGE})),
    ("projects:judge_score", ["judge", "entry_b"], status(422, set())),
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
    assert not Score.objects.exists()
    assert not Round.objects.filter(status=Round.Status.CLOSED).exists()
    assert Competition.objects.get(pk=objs["competition"]).status == Competition.Status.OPEN


API_GET = [
    ("/competitions", status(200, LOGGED_IN, anonymous=401)),
    ("/competitions/{competition}", status(200, CONSOLE, anonymous=401)),
    ("/competitions/{competition}/results", status(200, set(), anonymous=404)),
    ("/judge/entries", status(200, LOGGED_IN, anonymous=401)),
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


def test_api_write_matrix(city, objs, contest):
    crit = list(contest.rounds[0].criteria.all())
    body = json.dumps({"scores": [{"criterion_id": c.pk, "value": 75} for c in crit]})

    def post(path, data="{}"):
        url = "/api/v1" + path.format(**objs)
        return {
            role: (bearer(city.users[role]) if city.users[role] else login_client(None))
            .post(url, data, content_type="application/json")
            .status_code
            for role in COLUMNS
        }

    # An entry through the API (multipart, without the application form): the managers of a
    # project (entrants) get the service's 422; the others (no project of theirs to enter) 404.
    entry_url = "/api/v1/competitions/{competition}/entries".format(**objs)
    form = {"project_id": contest.entry_a.project_id, "track_id": contest.track.pk, "summary": "简介"}
    got = {
        role: (bearer(city.users[role]) if city.users[role] else login_client(None))
        .post(entry_url, form)
        .status_code
        for role in COLUMNS
    }
    assert got == status(422, ENTRANTS, anonymous=401)
    assert post("/judge/{judge}/entries/{entry_b}/scores", body) == status(200, set(), anonymous=401)
    assert not Score.objects.exists()
    assert post("/competitions/{competition}/publish") == status(409, {"city_admin"}, anonymous=401)
    assert post("/judge/{judge}/entries/{entry_a}/scores", body) == status(200, {JUDGE}, anonymous=401)
    assert sorted(Score.objects.values_list("entry_id", "value")) == [(objs["entry_a"], 75)] * 2
