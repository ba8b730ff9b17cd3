"""Who may open each page of this part (rows for tests/test_permission_matrix.py, same role order)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huiguang.activities.ical import calendar_token_regenerate
from huiguang.activities.models import Activity

from ..conftest import login_client
from ..factories import ROLES
from .conftest import activity_with_shift

GET = [
    ("activities:list", [], [200] * 9),
    ("activities:detail", ["activity"], [200] * 9),
    ("activities:detail", ["members_activity"], [404, 200, 404, 200, 404, 404, 404, 404, 404]),
    ("activities:detail", ["draft"], [404] * 9),
    ("activities:ics", ["activity"], [200] * 9),
    ("activities:share_qr", ["activity"], [200] * 9),
    ("activities:can_take", [], [302] + [200] * 8),  # no volunteer profile: an invitation to register
    ("activities:my", [], [302] + [200] * 8),
    ("activities:ical_feed", ["token"], [200] * 9),  # the secret URL is the credential
    ("activities:ical_feed", ["wrong_token"], [404] * 9),
]
POST = [
    ("activities:calendar_regenerate", [], [302, 302, 302, 302, 404, 404, 404, 404, 404]),
]


def objects(city):
    activity, _ = activity_with_shift(organization=city.org_a)
    members, _ = activity_with_shift(organization=city.org_a, visibility=Activity.Visibility.MEMBERS)
    draft, _ = activity_with_shift(organization=city.org_a, status=Activity.Status.DRAFT)
    volunteer = city.users["volunteer"].volunteer
    token = calendar_token_regenerate(volunteer=volunteer, actor=volunteer.user).token
    return {
        "activity": activity.pk,
        "members_activity": members.pk,
        "draft": draft.pk,
        "token": token,
        "wrong_token": "A" * 43,
    }


@pytest.mark.parametrize("name,args,expected", GET, ids=[f"{g[0]}-{'-'.join(g[1])}" for g in GET])
def test_get(city, name, args, expected):
    objs = objects(city)
    url = reverse(name, args=[objs[a] for a in args])
    got = [login_client(city.users[role]).get(url).status_code for role in ROLES]
    assert dict(zip(ROLES, got)) == dict(zip(ROLES, expected))


@pytest.mark.parametrize("name,args,expected", POST, ids=[p[0] for p in POST])
def test_post(city, name, args, expected):
    objs = objects(city)
    url = reverse(name, args=[objs[a] for a in args])
    got = [login_client(city.users[role]).post(url, {}).status_code for role in ROLES]
    assert dict(zip(ROLES, got)) == dict(zip(ROLES, expected))
