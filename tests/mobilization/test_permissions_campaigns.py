"""Who may use the campaign pages and endpoints, persona by persona (tests/conftest.py `city`).
The scene: a campaign of 当湖街道 (the town admin's town; the outsider administers 乍浦镇), open,
with one recruit waiting for a review and one trained. Outside the scope: 404; anonymous visitors
are sent to log in (web) or get 401 (API). The guard in tests/test_permission_matrix.py reads the
URL names here."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from huiguang.mobilization.models.campaigns import Recruit

from ..conftest import login_client
from ..factories import ROLES, bearer, make_activity, make_shift
from .campaign_scene import open_campaign, recruits_in_bulk, volunteers_in_bulk


def _scene(city) -> dict:
    campaign = open_campaign(city, region=city.town_a, name="当湖街道防汛应急动员")
    vols = volunteers_in_bulk(city.town_a, 2)
    waiting = recruits_in_bulk(campaign, vols[:1], stage=Recruit.Stage.RECRUITED, town=city.town_a)[0]
    recruits_in_bulk(campaign, vols[1:], stage=Recruit.Stage.TRAINED, town=city.town_a)
    shift = make_shift(make_activity(city.org_a, days=4, title="防汛巡堤"), capacity=10)
    return {"campaign": campaign.pk, "waiting": waiting.pk, "shift": shift.pk, "town": city.town_a.pk}


# (url name, args, expected status per role in ROLES order:
#  anonymous, volunteer, volunteer_b, leader, org_admin, town_admin, outsider, auditor, city_admin)
GET = [
    ("mobilization:campaign_list", [], [302, 404, 404, 404, 404, 200, 200, 200, 200]),
    ("mobilization:campaign_create", [], [302, 404, 404, 404, 404, 200, 200, 404, 200]),
    ("mobilization:campaign_detail", ["campaign"], [302, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("mobilization:campaign_recruits", ["campaign"], [302, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("mobilization:campaign_export", ["campaign"], [302, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("mobilization:campaign_assign", ["campaign"], [302, 404, 404, 404, 404, 200, 404, 404, 200]),
    ("mobilization:campaign_blasts", ["campaign"], [302, 404, 404, 404, 404, 200, 404, 200, 200]),
    ("mobilization:campaign_public", ["campaign"], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("mobilization:campaign_qr", ["campaign"], [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    # POST only: console users learn the method is wrong, before any scope question
    ("mobilization:campaign_status", ["campaign", "close"], [302, 404, 404, 405, 405, 405, 405, 405, 405]),
    ("mobilization:campaign_push_course", ["campaign"], [302, 404, 404, 405, 405, 405, 405, 405, 405]),
]

POST = [
    ("mobilization:campaign_create", [], [302, 404, 404, 404, 404, 422, 422, 404, 422]),
    ("mobilization:campaign_status", ["campaign", "close"], [302, 404, 404, 404, 404, 302, 404, 404, 302]),
    ("mobilization:campaign_recruits", ["campaign"], [302, 404, 404, 404, 404, 422, 404, 404, 422]),
    ("mobilization:campaign_assign", ["campaign"], [302, 404, 404, 404, 404, 422, 404, 404, 422]),
    ("mobilization:campaign_blasts", ["campaign"], [302, 404, 404, 404, 404, 422, 404, 404, 422]),
    ("mobilization:campaign_push_course", ["campaign"], [302, 404, 404, 404, 404, 302, 404, 404, 302]),
    # anonymous: the empty registration form comes back (422); a volunteer answered nothing (422);
    # signed in without a volunteer profile: 409 (the page says to register as a volunteer).
    ("mobilization:campaign_public", ["campaign"], [422, 422, 422, 422, 409, 409, 409, 409, 409]),
]


def _statuses(city, call) -> dict:
    got = {}
    for role in ROLES:
        objs = _scene(city)
        got[role] = call(role, objs)
        Recruit.objects.all().delete()
    return got


def _client(city, role):
    user = city.users[role]
    return login_client(user) if user is not None else Client()


@pytest.mark.parametrize("name,args,expected", GET, ids=[g[0] for g in GET])
def test_get_matrix(city, name, args, expected):
    def call(role, objs):
        url = reverse(name, args=[objs.get(a, a) for a in args])
        return _client(city, role).get(url).status_code

    assert _statuses(city, call) == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize("name,args,expected", POST, ids=[p[0] for p in POST])
def test_post_matrix(city, name, args, expected):
    def call(role, objs):
        url = reverse(name, args=[objs.get(a, a) for a in args])
        return _client(city, role).post(url, {}).status_code

    assert _statuses(city, call) == dict(zip(ROLES, expected, strict=True))


# (method, path, body, expected status per role)
API = [
    ("GET", "/api/v1/console/campaigns", None, [401, 404, 404, 404, 404, 200, 200, 200, 200]),
    (
        "POST",
        "/api/v1/console/campaigns",
        {"name": "乍浦镇抗台动员", "region": "TOWN"},
        [401, 404, 404, 404, 404, 201, 422, 404, 201],
    ),
    ("GET", "/api/v1/console/campaigns/{campaign}", None, [401, 404, 404, 404, 404, 200, 404, 200, 200]),
    (
        "POST",
        "/api/v1/console/campaigns/{campaign}/status",
        {"move": "close"},
        [401, 404, 404, 404, 404, 200, 404, 404, 200],
    ),
    (
        "GET",
        "/api/v1/console/campaigns/{campaign}/board",
        None,
        [401, 404, 404, 404, 404, 200, 404, 200, 200],
    ),
    (
        "GET",
        "/api/v1/console/campaigns/{campaign}/recruits",
        None,
        [401, 404, 404, 404, 404, 200, 404, 200, 200],
    ),
    (
        "POST",
        "/api/v1/console/campaigns/{campaign}/recruits/screen",
        {"ids": ["WAITING"], "approve": True},
        [401, 404, 404, 404, 404, 200, 404, 404, 200],
    ),
    (
        "POST",
        "/api/v1/console/campaigns/{campaign}/assign",
        {"shifts": ["SHIFT"]},
        [401, 404, 404, 404, 404, 200, 404, 404, 200],
    ),
    (
        "POST",
        "/api/v1/console/campaigns/{campaign}/push-course",
        None,
        [401, 404, 404, 404, 404, 422, 404, 404, 422],
    ),
    (
        "GET",
        "/api/v1/console/campaigns/{campaign}/blasts",
        None,
        [401, 404, 404, 404, 404, 200, 404, 200, 200],
    ),
    (
        "POST",
        "/api/v1/console/campaigns/{campaign}/blasts",
        {"title": "集合通知"},
        [401, 404, 404, 404, 404, 201, 404, 404, 201],
    ),
    ("GET", "/api/v1/campaigns/{campaign}", None, [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    (
        "POST",
        "/api/v1/campaigns/{campaign}/join",
        {"answers": "ANSWERS"},
        [401, 200, 200, 200, 409, 409, 409, 409, 409],
    ),
]


@pytest.mark.parametrize("method,path,body,expected", API, ids=[f"{a[0]} {a[1]}" for a in API])
def test_api_matrix(city, method, path, body, expected):
    def call(role, objs):
        user = city.users[role]
        client = bearer(user) if user is not None else Client()
        url = path.format(**objs)
        data = body
        if body is not None:
            data = dict(body)
            if data.get("region") == "TOWN":
                data["region"] = city.town_a.pk
            if data.get("ids") == ["WAITING"]:
                data["ids"] = [objs["waiting"]]
            if data.get("shifts") == ["SHIFT"]:
                data["shifts"] = [objs["shift"]]
            if data.get("answers") == "ANSWERS":
                from huiguang.mobilization.models.campaigns import Campaign

                data["answers"] = {
                    str(q.pk): "no" for q in Campaign.objects.get(pk=objs["campaign"]).questions.all()
                }
        send = getattr(client, method.lower())
        if method == "GET":
            return send(url).status_code
        return send(url, data or {}, content_type="application/json").status_code

    assert _statuses(city, call) == dict(zip(ROLES, expected, strict=True))
