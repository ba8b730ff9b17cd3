"""Reminders 24 h and 2 h before a shift: sent once, even when the task runs twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from huiguang.activities import reminders
from huiguang.activities.models import Activity, Enrollment
from huiguang.activities.tasks import send_due_reminders
from huiguang.notifications import sms
from huiguang.notifications.models import Notification, NotificationPreference

H = dt.timedelta(hours=1)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def run(capture, now=None) -> int:
    with capture(execute=True):
        return reminders.send_due_reminders(now=now)


def keys():
    return sorted(Notification.objects.filter(kind="reminder").values_list("dedupe_key", flat=True))


def test_a_reminder_is_sent_once_when_the_task_runs_twice(make_shift, enroll, volunteer, capture):
    shift = make_shift(starts_in=20 * H)
    enrollment = enroll(shift, volunteer)
    assert run(capture) == 1
    assert run(capture) == 0
    assert keys() == [f"reminder-24h:{enrollment.pk}"]
    assert len(sms.outbox) == 1
    assert sms.outbox[0].phone == volunteer.user.phone
    notification = Notification.objects.get(kind="reminder")
    assert notification.user == volunteer.user
    assert notification.title.startswith("提醒：敬老院陪伴 将于 ")
    assert "您的岗位：陪老人聊天" in notification.body
    assert "地点：当湖街道东湖路1号。" in notification.body
    assert "“我的活动”" in notification.body
    assert notification.url == f"/activities/{shift.activity_id}/"
    assert sms.outbox[0].text.startswith("【汇光】提醒：敬老院陪伴")


def test_the_task_itself_running_twice_sends_once(make_shift, enroll, volunteer, capture):
    enroll(make_shift(starts_in=90 * dt.timedelta(minutes=1)), volunteer)
    with capture(execute=True):
        first = send_due_reminders.enqueue()  # the immediate backend in tests
        second = send_due_reminders.enqueue()
    assert (first.return_value, second.return_value) == (1, 0)
    assert len(keys()) == 1 and len(sms.outbox) == 1


def test_both_windows_in_turn(make_shift, enroll, volunteer, capture):
    shift = make_shift(starts_in=23 * H)
    enrollment = enroll(shift, volunteer)
    now = timezone.now()
    assert run(capture, now) == 1  # 23 h before: the 24 h reminder
    assert run(capture, now + 10 * H) == 0  # 13 h before: nothing new
    assert run(capture, now + 21.5 * H) == 1  # 1.5 h before: the 2 h one
    assert run(capture, now + 22 * H) == 0
    assert run(capture, now + 24 * H) == 0  # started
    assert keys() == sorted([f"reminder-24h:{enrollment.pk}", f"reminder-2h:{enrollment.pk}"])
    assert len(sms.outbox) == 2


def test_late_sign_up_gets_only_the_2h_reminder_once(make_shift, enroll, volunteer, capture):
    enrollment = enroll(make_shift(starts_in=1 * H), volunteer)
    assert run(capture) == 1
    assert run(capture) == 0
    assert keys() == [f"reminder-2h:{enrollment.pk}"]
    assert len(sms.outbox) == 1


@pytest.mark.parametrize(
    "status",
    [
        Enrollment.Status.CANCELLED,
        Enrollment.Status.WAITLISTED,
        Enrollment.Status.APPLIED,
        Enrollment.Status.REJECTED,
    ],
)
def test_only_confirmed_places_are_reminded(make_shift, enroll, volunteer, status, capture):
    enroll(make_shift(starts_in=5 * H), volunteer, status=status)
    assert run(capture) == 0
    assert keys() == [] and sms.outbox == []


def test_shifts_out_of_the_windows_or_not_published_are_not_reminded(make_shift, enroll, volunteer, capture):
    enroll(make_shift(starts_in=25 * H), volunteer)  # too early
    enroll(make_shift(starts_in=-1 * H), volunteer)  # started
    enroll(make_shift(starts_in=3 * H, status=Activity.Status.CANCELLED), volunteer)
    enroll(make_shift(starts_in=3 * H, status=Activity.Status.DRAFT), volunteer)
    assert run(capture) == 0
    assert keys() == []


def test_a_volunteer_who_turned_sms_off_gets_the_reminder_in_the_centre_only(
    make_shift, enroll, volunteer, capture
):
    NotificationPreference.objects.create(user=volunteer.user, sms=False)
    enroll(make_shift(starts_in=5 * H), volunteer)
    assert run(capture) == 1
    assert len(keys()) == 1 and sms.outbox == []


def test_everyone_confirmed_on_several_shifts_is_reminded_once(make_shift, enroll, make_volunteer, capture):
    shifts = [make_shift(starts_in=h * H) for h in (1, 5, 20)]
    volunteers = [make_volunteer(i) for i in range(4)]
    for shift in shifts:
        for v in volunteers:
            enroll(shift, v)
    assert run(capture) == 12
    assert run(capture) == 0
    assert Notification.objects.filter(kind="reminder").count() == 12
    assert len(sms.outbox) == 12
    assert sum(k.startswith("reminder-2h") for k in keys()) == 4


@pytest.mark.parametrize("per_shift", [2, 15])
def test_selection_queries_do_not_grow_with_enrollments(
    make_shift, enroll, make_volunteer, per_shift, django_assert_num_queries
):
    volunteers = [make_volunteer(i) for i in range(per_shift)]
    for h in (1, 3, 12):
        shift = make_shift(starts_in=h * H)
        for v in volunteers:
            enroll(shift, v)
    # shifts (range on the start index), their enrollments with everything the text needs,
    # the reminders already sent.
    with django_assert_num_queries(3):
        owed = list(reminders.due_reminders())
        texts = [(e.shift.activity.title, e.shift.activity.site, e.volunteer.user.phone) for _, e in owed]
        [getattr(e.volunteer.user, "notification_preference", None) for _, e in owed]
    assert len(texts) == 3 * per_shift


def test_due_reminders_skip_what_was_sent(make_shift, enroll, volunteer, capture):
    enroll(make_shift(starts_in=5 * H), volunteer)
    assert len(list(reminders.due_reminders())) == 1
    run(capture)
    assert list(reminders.due_reminders()) == []


def test_nearest_window():
    now = timezone.now()
    hours = [2, 24]
    assert reminders.nearest_window(now + 30 * H, now, hours) is None
    assert reminders.nearest_window(now + 24 * H, now, hours) == 24
    assert reminders.nearest_window(now + 2.5 * H, now, hours) == 24
    assert reminders.nearest_window(now + 2 * H, now, hours) == 2
    assert reminders.nearest_window(now + dt.timedelta(minutes=1), now, hours) == 2
    assert reminders.nearest_window(now, now, hours) is None


def test_the_cron_command_runs_the_task_in_process(make_shift, enroll, volunteer, capture):
    enroll(make_shift(starts_in=5 * H), volunteer)
    out = io.StringIO()
    with capture(execute=True):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["1 reminder(s) sent", "0 reminder(s) sent"]
    assert len(sms.outbox) == 1


def test_the_cron_command_can_hand_the_task_to_the_worker(make_shift, enroll, volunteer, settings, capture):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    enroll(make_shift(starts_in=5 * H), volunteer)
    out = io.StringIO()
    call_command("send_reminders", "--enqueue", stdout=out)
    task = DBTaskResult.objects.get()
    assert task.task_path == "huiguang.activities.tasks.send_due_reminders"
    assert out.getvalue().startswith(f"enqueued task {task.id}")
    assert keys() == []  # the worker sends them


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(city, make_shift, enroll, make_volunteer):
    """Two workers racing: the unique (user, dedupe_key) constraint lets one notify per key."""
    import threading

    from django.db import connection

    shift = make_shift(starts_in=5 * H)
    for i in range(6):
        enroll(shift, make_volunteer(i))
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            owed = list(reminders.due_reminders())  # both see every reminder as owed
            barrier.wait(timeout=10)
            counts.append(sum(reminders.reminder_send(enrollment=e, hours=h) is not None for h, e in owed))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(counts) == 6
    assert Notification.objects.filter(kind="reminder").count() == 6
    assert len(sms.outbox) == 6
