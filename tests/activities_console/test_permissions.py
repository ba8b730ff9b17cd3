"""The permission matrix of the console pages: (page, role) → status. Outside a role's scope, or
a change the role may not make: 404. Anonymous visitors go to the login page (302).

POST rows build a fresh object for every role, so one role's action never changes another's
answer; they post no data, so a role that may act gets the form's answer (422) or, where no
data is needed, the redirect after success (302) — never a 500.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huiguang.activities import urls_console
from huiguang.activities.models import Activity, ActivityPhoto, Series

from ..conftest import login_client
from ..factories import ROLES, make_shift
from .conftest import image_upload, make_activity

S = Activity.Status

READERS = [302, 404, 404, 200, 200, 200, 404, 200, 200]
EDITORS = [302, 404, 404, 200, 200, 200, 404, 404, 200]
MANAGERS = [302, 404, 404, 404, 200, 200, 404, 404, 200]


def series_of(scene):
    return Series.objects.create(
        organization=scene.published.organization,
        title=scene.published.title,
        rule=Series.Rule.WEEKLY,
        weekdays=[6],
        starts_on=timezone.localdate(),
        template=scene.published,
    ).pk


GET = [
    ("activities:console_list", lambda s: [], [302, 404, 404, 200, 200, 200, 200, 200, 200]),
    ("activities:console_create", lambda s: [], [302, 404, 404, 200, 200, 200, 200, 404, 200]),
    ("activities:review_queue", lambda s: [], [302, 404, 404, 404, 200, 200, 200, 404, 200]),
    ("activities:console_detail", lambda s: [s.published.pk], READERS),
    (
        "activities:console_detail",
        lambda s: [s.published_b.pk],
        [302, 404, 404, 404, 404, 404, 200, 200, 200],
    ),
    ("activities:console_edit", lambda s: [s.draft.pk], EDITORS),
    ("activities:console_edit", lambda s: [s.published.pk], MANAGERS),
    ("activities:console_edit", lambda s: [s.finished.pk], [302, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("activities:console_copy", lambda s: [s.published.pk], EDITORS),
    ("activities:console_finish", lambda s: [s.started.pk], MANAGERS),
    ("activities:console_outcome", lambda s: [s.finished.pk], EDITORS),
    ("activities:shift_create", lambda s: [s.draft.pk], EDITORS),
    ("activities:shift_create", lambda s: [s.published.pk], MANAGERS),
    ("activities:shift_grid", lambda s: [s.draft.pk], EDITORS),
    ("activities:shift_edit", lambda s: [s.shift.pk], MANAGERS),
    ("activities:shift_edit", lambda s: [s.shift_b.pk], [302, 404, 404, 404, 404, 404, 200, 404, 200]),
    ("activities:roster", lambda s: [s.shift.pk], READERS),
    ("activities:roster_export", lambda s: [s.shift.pk], READERS),
    ("activities:roster", lambda s: [s.shift_b.pk], [302, 404, 404, 404, 404, 404, 200, 200, 200]),
    ("activities:series_create", lambda s: [s.published.pk], MANAGERS),
    ("activities:series_detail", lambda s: [series_of(s)], READERS),
    ("activities:series_edit", lambda s: [series_of(s)], MANAGERS),
]


def _draft(city):
    activity = make_activity(city.org_a, created_by=city.users["org_admin"])
    make_shift(activity)
    return activity


def _photo(city):
    activity = _draft(city)
    photo = ActivityPhoto(activity=activity, width=400, height=300)
    photo.image.save("p.png", image_upload(), save=True)
    return photo


POST = [
    ("activities:console_create", lambda c: [], [302, 404, 404, 422, 422, 422, 422, 404, 422]),
    ("activities:console_edit", lambda c: [_draft(c).pk], [302, 404, 404, 422, 422, 422, 404, 404, 422]),
    ("activities:console_submit", lambda c: [_draft(c).pk], [302, 404, 404, 302, 302, 302, 404, 404, 302]),
    (
        "activities:console_review",
        lambda c: [make_activity(c.org_a, status=S.PENDING).pk],
        [302, 404, 404, 404, 404, 422, 404, 404, 422],
    ),
    (
        "activities:console_cancel",
        lambda c: [make_activity(c.org_a, status=S.PUBLISHED).pk],
        [302, 404, 404, 404, 422, 422, 404, 404, 422],
    ),
    ("activities:console_cancel", lambda c: [_draft(c).pk], [302, 404, 404, 302, 302, 302, 404, 404, 302]),
    (
        "activities:console_finish",
        lambda c: [make_activity(c.org_a, status=S.PUBLISHED, days=-0.1).pk],
        [302, 404, 404, 404, 302, 302, 404, 404, 302],
    ),
    (
        "activities:console_outcome",
        lambda c: [make_activity(c.org_a, status=S.FINISHED, days=-3).pk],
        [302, 404, 404, 302, 302, 302, 404, 404, 302],
    ),
    (
        "activities:console_archive",
        lambda c: [make_activity(c.org_a, status=S.FINISHED, days=-3).pk],
        [302, 404, 404, 404, 302, 302, 404, 404, 302],
    ),
    ("activities:console_copy", lambda c: [_draft(c).pk], [302, 404, 404, 422, 422, 422, 404, 404, 422]),
    ("activities:photo_add", lambda c: [_draft(c).pk], [302, 404, 404, 422, 422, 422, 404, 404, 422]),
    ("activities:photo_delete", lambda c: [_photo(c).pk], [302, 404, 404, 302, 302, 302, 404, 404, 302]),
    ("activities:shift_create", lambda c: [_draft(c).pk], [302, 404, 404, 422, 422, 422, 404, 404, 422]),
    ("activities:shift_grid", lambda c: [_draft(c).pk], [302, 404, 404, 422, 422, 422, 404, 404, 422]),
    (
        "activities:shift_edit",
        lambda c: [_draft(c).shifts.get().pk],
        [302, 404, 404, 422, 422, 422, 404, 404, 422],
    ),
    (
        "activities:shift_delete",
        lambda c: [_draft(c).shifts.get().pk],
        [302, 404, 404, 302, 302, 302, 404, 404, 302],
    ),
    (
        "activities:series_create",
        lambda c: [make_activity(c.org_a, status=S.PUBLISHED).pk],
        [302, 404, 404, 404, 422, 422, 404, 404, 422],
    ),
]


@pytest.mark.parametrize(
    "name,args,expected", GET, ids=[f"{g[0].split(':')[1]}-{i}" for i, g in enumerate(GET)]
)
def test_get_matrix(city, scene, name, args, expected):
    url = reverse(name, args=args(scene))
    got = [login_client(city.users[role]).get(url).status_code for role in ROLES]
    assert dict(zip(ROLES, got)) == dict(zip(ROLES, expected))


@pytest.mark.parametrize(
    "name,args,expected", POST, ids=[f"{p[0].split(':')[1]}-{i}" for i, p in enumerate(POST)]
)
def test_post_matrix(city, name, args, expected):
    got = []
    for role in ROLES:
        url = reverse(name, args=args(city))
        got.append(login_client(city.users[role]).post(url, {}).status_code)
    assert dict(zip(ROLES, got)) == dict(zip(ROLES, expected))


def test_series_edit_post_matrix(city, scene):
    got = []
    for role in ROLES:
        url = reverse("activities:series_edit", args=[series_of(scene)])
        got.append(login_client(city.users[role]).post(url, {}).status_code)
    assert dict(zip(ROLES, got)) == dict(zip(ROLES, [302, 404, 404, 404, 422, 422, 404, 404, 422]))


def test_every_console_page_is_in_the_matrix():
    names = {f"activities:{p.name}" for p in urls_console.urlpatterns}
    covered = {g[0] for g in GET} | {p[0] for p in POST} | {"activities:series_edit"}
    assert names - covered == set()


def test_nothing_changed_for_refused_roles(city, scene):
    """A refused POST leaves the database as it was."""
    before = Activity.objects.get(pk=scene.published.pk).status
    for role in ("leader", "auditor", "outsider", "volunteer"):
        login_client(city.users[role]).post(
            reverse("activities:console_cancel", args=[scene.published.pk]), {"reason": "测试"}
        )
    assert Activity.objects.get(pk=scene.published.pk).status == before == S.PUBLISHED
    pending = make_activity(city.org_a, status=S.PENDING, starts_at=timezone.now() + dt.timedelta(days=5))
    for role in ("leader", "org_admin", "auditor", "outsider"):
        login_client(city.users[role]).post(
            reverse("activities:console_review", args=[pending.pk]), {"action": "approve"}
        )
    assert Activity.objects.get(pk=pending.pk).status == S.PENDING
