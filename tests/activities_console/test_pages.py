"""The console pages as an organizer uses them: create, shifts, submit, review, roster, export,
series; what each role sees of a volunteer's contact details; query counts of every list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from huiguang.activities.models import Activity, ActivityPhoto, Enrollment, Series
from huiguang.core.models import AuditEntry
from huiguang.notifications.models import Notification
from huiguang.volunteers.models import Volunteer

from ..factories import UserFactory, VolunteerFactory, enrol, make_shift, member
from .conftest import category, image_upload, make_activity

S = Activity.Status


def local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_organizer_creates_adds_a_grid_submits_and_the_town_admin_publishes(city, as_role):
    leader = as_role("leader")
    day = timezone.localdate() + dt.timedelta(days=21)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
    response = leader.post(
        reverse("activities:console_create"),
        {
            "organization": city.org_a.pk,
            "title": "金平湖·志愿服务日（东湖）",
            "category": category().pk,
            "description": "量血压、理发、磨刀。",
            "address": "东湖社区广场",
            "lat": "30.70",
            "lng": "121.01",
            "checkin_radius_m": 200,
            "cancel_cutoff_hours": 12,
            "starts_at": local_input(start),
            "ends_at": local_input(start + dt.timedelta(hours=4)),
            "visibility": "public",
            "signup_mode": "approval",
            "min_age": 16,
            "political_status": "",
            "agreement_required": "on",
            "agreement_text": "本人自愿参加，注意安全。",
            "cover": image_upload("JPEG", size=(1200, 800), name="cover.jpg"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(title="金平湖·志愿服务日（东湖）")
    assert (activity.status, activity.signup_mode, activity.min_age, activity.checkin_radius_m) == (
        S.DRAFT,
        "approval",
        16,
        200,
    )
    assert activity.cover.name.endswith(".jpg") and activity.created_by == city.users["leader"]
    page = leader.get(response.url).content.decode()
    assert "提交审核" in page and "本人自愿参加" in page

    response = leader.post(
        reverse("activities:shift_grid", args=[activity.pk]),
        {
            "positions": "量血压 × 4\n理发\n磨刀",
            "slots": "08:30-10:00\n10:00-11:30",
            "on": day,
            "capacity": 2,
            "waitlist_size": 1,
        },
    )
    assert response.status_code == 302
    assert activity.shifts.count() == 6

    response = leader.post(reverse("activities:console_submit", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == S.PENDING

    town = as_role("town_admin")
    queue = town.get(reverse("activities:review_queue")).content.decode()
    assert "金平湖·志愿服务日（东湖）" in queue
    response = town.post(reverse("activities:console_review", args=[activity.pk]), {"action": "reject"})
    assert response.status_code == 422
    assert "请说明需要修改什么：发起人会看到。" in response.content.decode()
    response = town.post(reverse("activities:console_review", args=[activity.pk]), {"action": "approve"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == S.PUBLISHED and activity.reviewed_by == city.users["town_admin"]
    assert Notification.objects.filter(user=city.users["leader"], kind="activity_approved").exists()
    assert "没有待审核的活动。" in town.get(reverse("activities:review_queue")).content.decode()


def test_the_editor_explains_bad_input_in_chinese(city, as_role):
    start = timezone.now() + dt.timedelta(days=5)
    response = as_role("org_admin").post(
        reverse("activities:console_create"),
        {
            "organization": city.org_a.pk,
            "title": "敬老院义剪",
            "category": category().pk,
            "starts_at": local_input(start),
            "ends_at": local_input(start - dt.timedelta(hours=1)),
            "visibility": "public",
            "signup_mode": "instant",
            "checkin_radius_m": 300,
            "cancel_cutoff_hours": 24,
            "agreement_required": "on",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "活动结束时间必须晚于开始时间。" in body
    assert "请填写志愿者报名时须同意的协议内容。" in body
    assert not Activity.objects.exists()


def test_leaders_choose_only_their_own_organization(city, as_role):
    response = as_role("leader").post(
        reverse("activities:console_create"), {"organization": city.org_a1.pk, "title": "x"}
    )
    assert response.status_code == 422
    assert not Activity.objects.exists()


def test_copy_and_detail_page(city, scene, as_role):
    on = timezone.localdate() + dt.timedelta(days=40)
    response = as_role("leader").post(
        reverse("activities:console_copy", args=[scene.published.pk]), {"on": on}
    )
    assert response.status_code == 302
    copy = Activity.objects.get(copied_from=scene.published)
    assert copy.status == S.DRAFT and copy.shifts.count() == 1
    page = as_role("leader").get(response.url).content.decode()
    assert copy.title in page and "草稿" in page


def test_roster_contact_details_per_role(city, scene, as_role):
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    url = reverse("activities:roster", args=[scene.shift.pk])
    full, masked = "13900000006", "139****0006"
    for role, phone_shown in [
        ("org_admin", full),
        ("town_admin", full),
        ("city_admin", full),
        ("leader", masked),
        ("auditor", masked),
    ]:
        body = as_role(role).get(url).content.decode()
        assert phone_shown in body, role
        if phone_shown == masked:
            assert full not in body, role
        assert volunteer.id_masked in body and volunteer.decrypt_id_number() not in body
        assert volunteer.volunteer_number in body and "张小明" in body


def test_roster_posts_decisions_to_the_enrollment_decide_page(city, scene, as_role):
    body = as_role("org_admin").get(reverse("activities:roster", args=[scene.shift.pk])).content.decode()
    decide = reverse("activities:enrollment_decide", args=[scene.shift.pk])
    assert f'action="{decide}"' in body
    assert f'name="approve_one" value="{scene.applied.pk}"' in body
    assert reverse("activities:team_signup", args=[scene.shift.pk]) in body
    response = as_role("org_admin").post(decide, {"approve_one": scene.applied.pk})
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=scene.applied.pk).status == Enrollment.Status.CONFIRMED
    # An auditor reads the roster but gets no decision buttons.
    body = as_role("auditor").get(reverse("activities:roster", args=[scene.shift.pk])).content.decode()
    assert "approve_one" not in body


def test_roster_export_is_masked_neutralized_and_audited(city, scene, as_role):
    sneaky = VolunteerFactory(
        user=UserFactory(phone="13811112222"),
        real_name='=HYPERLINK("http://evil","x")',
        residence_region=city.town_a,
    )
    enrol(scene.shift, sneaky)
    for role, phone in [("leader", "138****2222"), ("org_admin", "13811112222")]:
        response = as_role(role).get(reverse("activities:roster_export", args=[scene.shift.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        assert rows[1][:4] == ["志愿者编号", "真实姓名", "证件号码", "手机号"]
        row = next(r for r in rows if r[0] == sneaky.volunteer_number)
        assert row[1] == '\'=HYPERLINK("http://evil","x")'
        assert row[2] == sneaky.id_masked and "*" in row[2]
        assert row[3] == phone
        entry = AuditEntry.objects.filter(action="export", actor=city.users[role]).get()
        assert entry.detail["what"] == "roster" and entry.detail["rows"] == 3
        assert entry.object_id == str(scene.shift.pk)


def test_series_pages(city, scene, as_role):
    client = as_role("org_admin")
    start_day = timezone.localtime(scene.published.starts_at).date() + dt.timedelta(days=1)
    response = client.post(
        reverse("activities:series_create", args=[scene.published.pk]),
        {
            "rule": "monthly_week",
            "weekdays": ["6"],
            "ordinal": "2",
            "starts_on": start_day,
            "horizon_months": 3,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    series = Series.objects.get()
    page = client.get(response.url).content.decode()
    assert "每月第2周的星期六" in page
    assert series.occurrences.count() >= 3
    # Bad rule input is explained.
    other = make_activity(city.org_a, status=S.PUBLISHED)
    response = client.post(
        reverse("activities:series_create", args=[other.pk]),
        {
            "rule": "monthly_nth",
            "weekdays": ["6", "7"],
            "ordinal": "2",
            "starts_on": start_day,
            "horizon_months": 3,
        },
    )
    assert response.status_code == 422
    assert "每月系列只能选一个星期几。" in response.content.decode()


def test_list_filters(city, scene, as_role):
    client = as_role("org_admin")
    url = reverse("activities:console_list")
    body = client.get(url, {"status": "pending"}).content.decode()
    assert scene.pending.title in body and scene.published.title not in body
    body = client.get(url, {"organization": city.org_a1.pk}).content.decode()
    assert scene.pending_a1.title in body and scene.pending.title not in body
    day = timezone.localtime(scene.finished.starts_at).date()
    body = client.get(url, {"date_from": day.isoformat(), "date_to": day.isoformat()}).content.decode()
    assert scene.finished.title in body and scene.published.title not in body
    assert scene.published_b.title not in client.get(url).content.decode()
    # Filters that cannot be read are named above the list (422), never a 500; the rest still apply.
    response = client.get(
        url, {"date_from": "2026-13-45", "organization": "x", "status": "zzz", "page": "999"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "请输入日期，例如 2026-05-01。" in body
    assert "请从选项中选择。" in body
    assert scene.published_b.title not in body


# --- query counts -------------------------------------------------------------------------------------


def grow(city, n: int) -> None:
    """n more activities of org A and A1, each with two shifts, sign-ups, photos; a series."""
    for i in range(n):
        org = city.org_a if i % 2 else city.org_a1
        status = [S.PUBLISHED, S.PENDING, S.DRAFT, S.FINISHED][i % 4]
        activity = make_activity(org, status=status, days=3 + i)
        for name in ("量血压", "理发"):
            shift = make_shift(activity, name=name)
            enrol(shift, member(org))
            enrol(shift, member(org), Enrollment.Status.APPLIED)


LIST_PAGES = [
    ("city_admin", "activities:console_list"),
    ("town_admin", "activities:console_list"),
    ("org_admin", "activities:console_list"),
    ("leader", "activities:console_list"),
    ("auditor", "activities:console_list"),
    ("city_admin", "activities:review_queue"),
    ("town_admin", "activities:review_queue"),
    ("org_admin", "activities:review_queue"),
]


@pytest.mark.parametrize("role,name", LIST_PAGES, ids=[f"{r}-{n.split(':')[1]}" for r, n in LIST_PAGES])
def test_list_pages_do_not_grow_with_rows(city, as_role, assert_queries_constant, role, name):
    client = as_role(role)
    url = reverse(name)
    grow(city, 3)

    assert assert_queries_constant(lambda: client.get(url), lambda: grow(city, 30)) <= 12


def test_detail_roster_and_series_pages_do_not_grow_with_rows(
    city, scene, as_role, assert_queries_constant, django_assert_max_num_queries
):
    client = as_role("org_admin")
    detail = reverse("activities:console_detail", args=[scene.published.pk])
    roster = reverse("activities:roster", args=[scene.shift.pk])
    series = Series.objects.create(
        organization=city.org_a,
        title="x",
        rule="weekly",
        weekdays=[6],
        starts_on=timezone.localdate(),
        template=scene.published,
    )
    Activity.objects.filter(pk=scene.published.pk).update(series=series)
    series_url = reverse("activities:series_detail", args=[series.pk])

    def more(n):
        for _ in range(n):
            shift = make_shift(scene.published, name="磨刀")
            enrol(shift, member(city.org_a))
            enrol(
                scene.shift,
                member(city.org_a),
                Enrollment.Status.WAITLISTED if scene.shift.waitlisted < 2 else Enrollment.Status.APPLIED,
            )
            photo = ActivityPhoto(activity=scene.published, width=400, height=300)
            photo.image.save("p.png", image_upload(), save=True)
            make_activity(city.org_a, status=S.PUBLISHED, series=series)

    more(2)
    assert_queries_constant(
        lambda: [client.get(url) for url in (detail, roster, series_url)], lambda: more(12)
    )
    with django_assert_max_num_queries(20):
        client.get(detail)
