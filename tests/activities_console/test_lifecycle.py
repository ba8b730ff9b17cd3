"""An activity's life: draft → pending → published → finished → archived, or cancelled; who may
take each step; the notices the organizer gets (with the reason); copies."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Series, Shift
from huiguang.activities.services import activities, outcomes
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.models import AuditEntry
from huiguang.network.models import Site
from huiguang.notifications.models import Notification
from huiguang.volunteers.models import Skill

from ..factories import enrol, make_shift, member
from .conftest import category, make_activity

S = Activity.Status


def new_draft(city, actor_role="org_admin", org=None, **fields):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=14)
    values = {
        "title": "金平湖·志愿服务日",
        "category": category(),
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=3),
    }
    values.update(fields)
    return activities.activity_create(actor=city.users[actor_role], organization=org or city.org_a, **values)


def test_create_fills_the_place_from_the_site_and_defaults_to_the_organizations_region(city):
    site = Site.objects.get(name="东湖新时代文明实践站")
    site.lat, site.lng, site.address = "30.700100", "121.010200", "东湖路1号"
    site.save()
    activity = new_draft(city, site=site)
    assert (activity.status, activity.address, str(activity.lat), activity.region) == (
        S.DRAFT,
        "东湖路1号",
        "30.700100",
        city.village_a1,
    )
    plain = new_draft(city)
    assert plain.region == city.town_a and plain.share_token and plain.created_by == city.users["org_admin"]
    assert AuditEntry.objects.filter(action="activity_created").count() == 2


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"title": "  "}, "title", "请填写活动名称。"),
        ({"agreement_required": True}, "agreement_text", "请填写志愿者报名时须同意的协议内容。"),
        ({"min_age": 18, "max_age": 16}, "max_age", "最大年龄不能小于最小年龄。"),
        ({"lat": "30.7"}, "lng", "纬度和经度请同时填写，或都不填。"),
        ({"lat": "95", "lng": "121"}, "lat", "纬度应在 -90 到 90 之间。"),
        ({"political_status": "king"}, "political_status", "请从列表中选择政治面貌。"),
        ({"checkin_radius_m": 5}, "checkin_radius_m", "请输入 20 到 5000 之间的整数。"),
    ],
)
def test_create_refuses_bad_data_in_chinese(city, fields, field, message):
    with pytest.raises(FieldErrors) as exc:
        new_draft(city, **fields)
    assert exc.value.errors[field] == [message]
    assert not Activity.objects.exists()


def test_times_are_checked(city):
    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(FieldErrors) as exc:
        new_draft(city, starts_at=start, ends_at=start - dt.timedelta(hours=1))
    assert exc.value.errors["ends_at"] == ["活动结束时间必须晚于开始时间。"]
    with pytest.raises(FieldErrors) as exc:
        new_draft(
            city,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            recruit_opens_at=start,
            recruit_closes_at=start - dt.timedelta(days=1),
        )
    assert exc.value.errors["recruit_closes_at"] == ["报名截止时间必须晚于报名开始时间。"]


@pytest.mark.parametrize(
    "role,allowed",
    [
        ("city_admin", True),
        ("town_admin", True),
        ("org_admin", True),
        ("leader", True),
        ("auditor", False),
        ("outsider", False),
        ("volunteer", False),
    ],
)
def test_who_may_create_for_org_a(city, role, allowed):
    if allowed:
        assert new_draft(city, actor_role=role).organization == city.org_a
    else:
        with pytest.raises(PermissionDenied):
            new_draft(city, actor_role=role)


def test_a_leader_may_not_create_for_a_sub_team(city):
    with pytest.raises(PermissionDenied):
        new_draft(city, actor_role="leader", org=city.org_a1)
    assert new_draft(city, actor_role="org_admin", org=city.org_a1).organization == city.org_a1


def test_submit_needs_a_shift_then_waits_for_the_town_admin(city):
    leader = city.users["leader"]
    activity = new_draft(city, actor_role="leader")
    with pytest.raises(Refused) as exc:
        activities.activity_submit(actor=leader, activity=activity)
    assert exc.value.reason == "no_shifts" and str(exc.value.message) == "请先添加至少一个岗位，再提交活动。"
    make_shift(activity)
    activities.activity_submit(actor=leader, activity=activity)
    activity.refresh_from_db()
    assert activity.status == S.PENDING and activity.reviewed_by is None
    # The town admin (region admin of the organization's region) is told; the city admin is not.
    assert Notification.objects.filter(user=city.users["town_admin"], kind="activity_submitted").count() == 1
    assert not Notification.objects.filter(user=city.users["city_admin"]).exists()


def test_org_a_admin_is_not_the_reviewer_of_org_a_but_of_its_sub_team(city, scene):
    org_admin = city.users["org_admin"]
    with pytest.raises(PermissionDenied):
        activities.activity_review(actor=org_admin, activity=scene.pending, approve=True)
    activities.activity_review(actor=org_admin, activity=scene.pending_a1, approve=True)
    scene.pending_a1.refresh_from_db()
    assert scene.pending_a1.status == S.PUBLISHED and scene.pending_a1.reviewed_by == org_admin


@pytest.mark.parametrize("role", ["leader", "auditor", "outsider", "volunteer"])
def test_others_may_not_review(city, scene, role):
    with pytest.raises(PermissionDenied):
        activities.activity_review(actor=city.users[role], activity=scene.pending, approve=True)
    scene.pending.refresh_from_db()
    assert scene.pending.status == S.PENDING


def test_rejection_needs_a_reason_and_tells_the_organizer(city, scene):
    town_admin = city.users["town_admin"]
    with pytest.raises(FieldErrors) as exc:
        activities.activity_review(actor=town_admin, activity=scene.pending, approve=False, reason=" ")
    assert exc.value.errors["reason"] == ["请说明需要修改什么：发起人会看到。"]
    activities.activity_review(
        actor=town_admin, activity=scene.pending, approve=False, reason="请补充保险说明"
    )
    scene.pending.refresh_from_db()
    assert (scene.pending.status, scene.pending.status_reason) == (S.REJECTED, "请补充保险说明")
    notice = Notification.objects.get(user=city.users["leader"], kind="activity_rejected")
    assert scene.pending.title in notice.title and notice.title.startswith("活动被退回修改")
    assert "请补充保险说明" in notice.body
    assert notice.url == f"/console/activities/{scene.pending.pk}/"
    assert AuditEntry.objects.get(action="activity_rejected").detail["reason"] == "请补充保险说明"


def test_approval_publishes_and_tells_the_organizer(city, scene):
    activities.activity_review(
        actor=city.users["city_admin"], activity=scene.pending, approve=True, reason="注意防暑"
    )
    scene.pending.refresh_from_db()
    assert scene.pending.status == S.PUBLISHED and scene.pending.reviewed_at is not None
    notice = Notification.objects.get(user=city.users["leader"], kind="activity_approved")
    assert notice.title.startswith("已通过审核并发布") and "注意防暑" in notice.body


def test_a_returned_activity_goes_back_to_draft_when_edited_and_can_be_resubmitted(city, scene):
    leader = city.users["leader"]
    activities.activity_review(
        actor=city.users["town_admin"], activity=scene.pending, approve=False, reason="改时间"
    )
    scene.pending.refresh_from_db()
    activities.activity_update(
        actor=leader, activity=scene.pending, insurance_required=True, insurance_note="已投保"
    )
    scene.pending.refresh_from_db()
    assert scene.pending.status == S.DRAFT and scene.pending.insurance_note == "已投保"
    activities.activity_submit(actor=leader, activity=scene.pending)
    assert scene.pending.status == S.PENDING


def test_a_decision_is_taken_once(city, scene):
    activities.activity_review(actor=city.users["town_admin"], activity=scene.pending, approve=True)
    stale = Activity.objects.select_related("organization__region", "organization__parent").get(
        pk=scene.pending.pk
    )
    stale.status = S.PENDING  # a second reviewer's page, loaded before the first decision
    with pytest.raises(Refused) as exc:
        activities.activity_review(
            actor=city.users["city_admin"], activity=stale, approve=False, reason="不行"
        )
    assert exc.value.reason == "wrong_status"
    assert Activity.objects.get(pk=scene.pending.pk).status == S.PUBLISHED


def test_trusted_organization_and_reviewers_publish_on_submit(city):
    city.org_a.publishes_without_review = True
    city.org_a.save()
    activity = new_draft(city, actor_role="leader")
    make_shift(activity)
    activities.activity_submit(actor=city.users["leader"], activity=activity)
    assert activity.status == S.PUBLISHED and activity.reviewed_by is None
    city.org_a.publishes_without_review = False
    city.org_a.save()
    own = new_draft(city, actor_role="town_admin")
    make_shift(own)
    activities.activity_submit(actor=city.users["town_admin"], activity=own)
    assert own.status == S.PUBLISHED and own.reviewed_by == city.users["town_admin"]


def test_a_started_activity_cannot_be_submitted(city):
    activity = make_activity(city.org_a, days=-1)
    make_shift(activity)
    with pytest.raises(Refused) as exc:
        activities.activity_submit(actor=city.users["org_admin"], activity=activity)
    assert exc.value.reason == "started"


def test_editing_a_published_activity_is_for_admins_and_tells_the_volunteers(city, scene):
    with pytest.raises(PermissionDenied):
        activities.activity_update(actor=city.users["leader"], activity=scene.published, title="改名")
    new_start = scene.published.starts_at + dt.timedelta(days=1)
    activities.activity_update(
        actor=city.users["org_admin"],
        activity=scene.published,
        starts_at=new_start,
        ends_at=new_start + dt.timedelta(hours=4),
    )
    shift = Shift.objects.get(pk=scene.shift.pk)
    assert shift.starts_at == new_start  # the shift moved with the activity
    notices = Notification.objects.filter(kind="activity_changed")
    # The confirmed and the applied volunteer, once each.
    assert notices.count() == 2
    notice = notices.get(user=city.users["volunteer"])
    assert notice.title.startswith("活动有变") and "理发" in notice.body


def test_a_shift_cannot_fall_outside_the_activity(city, scene):
    with pytest.raises(FieldErrors) as exc:
        activities.activity_update(
            actor=city.users["org_admin"],
            activity=scene.draft,
            ends_at=scene.draft.starts_at + dt.timedelta(hours=1),
        )
    assert "ends_at" in exc.value.errors


def test_cancelling_a_published_activity_needs_a_reason_and_cancels_the_sign_ups(city, scene):
    pytest.importorskip("huiguang.activities.services.enrollments").enrollments_cancel_for_activity
    with pytest.raises(PermissionDenied):
        activities.activity_cancel(actor=city.users["leader"], activity=scene.published, reason="下雨")
    with pytest.raises(FieldErrors) as exc:
        activities.activity_cancel(actor=city.users["org_admin"], activity=scene.published)
    assert exc.value.errors["reason"] == ["请说明取消的原因：报名的志愿者会看到。"]
    n = activities.activity_cancel(
        actor=city.users["town_admin"], activity=scene.published, reason="台风预警"
    )
    assert n == 2
    scene.published.refresh_from_db()
    assert (scene.published.status, scene.published.status_reason) == (S.CANCELLED, "台风预警")
    assert set(Enrollment.objects.filter(shift=scene.shift).values_list("status", flat=True)) == {"cancelled"}
    shift = Shift.objects.get(pk=scene.shift.pk)
    assert (shift.taken, shift.waitlisted) == (0, 0)
    assert Notification.objects.filter(user=city.users["volunteer"], kind="activity_cancelled").count() == 1
    organizer_notice = Notification.objects.get(user=city.users["org_admin"], kind="activity_cancelled")
    assert "台风预警" in organizer_notice.body


def test_a_leader_may_drop_a_draft_but_not_a_finished_activity(city, scene):
    activities.activity_cancel(actor=city.users["leader"], activity=scene.draft)
    assert scene.draft.status == S.CANCELLED
    with pytest.raises(Refused) as exc:
        activities.activity_cancel(actor=city.users["org_admin"], activity=scene.finished, reason="x")
    assert str(exc.value.message) == "活动处于“已结束”状态，不能进行此操作。"


def test_finish_with_outcome_then_archive(city, scene):
    with pytest.raises(Refused) as exc:
        outcomes.activity_finish(actor=city.users["org_admin"], activity=scene.published)
    assert exc.value.reason == "not_started"
    with pytest.raises(PermissionDenied):
        outcomes.activity_finish(actor=city.users["leader"], activity=scene.started)
    outcomes.activity_finish(
        actor=city.users["org_admin"],
        activity=scene.started,
        people_served=120,
        outputs=[{"name": "爱心包", "count": 200}],
        outcome_summary="为社区老人量血压、理发。",
    )
    scene.started.refresh_from_db()
    assert scene.started.status == S.FINISHED
    assert (scene.started.people_served, scene.started.outputs) == (120, [{"name": "爱心包", "count": 200}])
    # The leader corrects the outcome (they ran it on the day), then an admin archives it.
    outcomes.activity_outcome_update(actor=city.users["leader"], activity=scene.started, people_served=126)
    assert Activity.objects.get(pk=scene.started.pk).people_served == 126
    with pytest.raises(PermissionDenied):
        outcomes.activity_archive(actor=city.users["leader"], activity=scene.started)
    outcomes.activity_archive(actor=city.users["org_admin"], activity=scene.started)
    assert Activity.objects.get(pk=scene.started.pk).status == S.ARCHIVED
    with pytest.raises(Refused):
        outcomes.activity_outcome_update(
            actor=city.users["org_admin"], activity=scene.started, people_served=1
        )


def test_outputs_must_be_named_and_counted(city, scene):
    with pytest.raises(FieldErrors) as exc:
        outcomes.activity_finish(
            actor=city.users["org_admin"], activity=scene.started, outputs=[{"name": "爱心包", "count": -1}]
        )
    assert exc.value.errors["outputs"] == ["每项产出请填一个整数，例如：爱心包 × 200。"]
    assert Activity.objects.get(pk=scene.started.pk).status == S.PUBLISHED


def test_copy_to_a_new_date_as_a_draft_with_its_shifts(city, scene):
    skill = Skill.objects.create(code="haircut", name="理发")
    scene.published.required_skills.add(skill)
    make_shift(scene.published, name="磨刀", capacity=3)
    on = timezone.localdate() + dt.timedelta(days=30)
    copy = activities.activity_copy(actor=city.users["leader"], activity=scene.published, on=on)
    assert (copy.status, copy.copied_from, copy.created_by) == (
        S.DRAFT,
        scene.published,
        city.users["leader"],
    )
    assert timezone.localtime(copy.starts_at).date() == on
    assert timezone.localtime(copy.starts_at).time() == timezone.localtime(scene.published.starts_at).time()
    shifts = list(copy.shifts.order_by("name"))
    assert [(s.name, s.capacity, s.taken, s.waitlisted) for s in shifts] == [
        ("理发", 5, 0, 0),
        ("磨刀", 3, 0, 0),
    ]
    assert timezone.localtime(shifts[0].starts_at).date() == on
    assert list(copy.required_skills.all()) == [skill]
    assert copy.series is None and copy.share_token != scene.published.share_token
    with pytest.raises(FieldErrors):
        activities.activity_copy(
            actor=city.users["leader"],
            activity=scene.published,
            on=timezone.localdate() - dt.timedelta(days=1),
        )
    with pytest.raises(PermissionDenied):
        activities.activity_copy(actor=city.users["auditor"], activity=scene.published, on=on)


def test_editing_an_occurrence_detaches_it_from_its_series(city, scene):
    series = Series.objects.create(
        organization=city.org_a, title="x", rule="weekly", weekdays=[6], starts_on=timezone.localdate()
    )
    Activity.objects.filter(pk=scene.published.pk).update(series=series)
    scene.published.refresh_from_db()
    activities.activity_update(
        actor=city.users["org_admin"], activity=scene.published, description="本次改在室内"
    )
    scene.published.refresh_from_db()
    assert scene.published.series == series and scene.published.series_detached


def test_political_requirement_and_members_only_are_stored(city):
    activity = new_draft(city, political_status="party", members_only=True, min_age=18, max_age=60)
    activity.refresh_from_db()
    assert (activity.political_status, activity.members_only, activity.min_age, activity.max_age) == (
        "party",
        True,
        18,
        60,
    )


def test_an_applicant_in_another_organization_is_not_told_twice(city, scene):
    # One volunteer holding places on two shifts of the activity gets one change notice.
    volunteer = member(city.org_a)
    second = make_shift(scene.published, name="磨刀")
    enrol(second, volunteer)
    enrol(scene.shift, volunteer)
    activities.activity_update(actor=city.users["org_admin"], activity=scene.published, address="东湖路2号")
    assert Notification.objects.filter(user=volunteer.user, kind="activity_changed").count() == 1
