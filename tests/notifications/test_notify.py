"""notify(): dedupe, the channels a user chose, delivery only after commit, failures recorded."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from huiguang.notifications import sms
from huiguang.notifications.delivery import notification_deliver
from huiguang.notifications.models import Delivery, Notification, NotificationPreference
from huiguang.notifications.services import notify
from huiguang.notifications.sms import BaseSmsBackend, ConsoleSmsBackend, SmsError


class FailingSmsBackend(BaseSmsBackend):
    def send(self, phone, text):
        raise SmsError("quota exceeded")


@pytest.fixture
def user(city):
    return city.users["volunteer"]


def set_channels(user, *, email: bool, sms: bool, address: str = ""):
    user.email = address
    user.save(update_fields=["email"])
    NotificationPreference.objects.update_or_create(user=user, defaults={"email": email, "sms": sms})
    if hasattr(user, "_state"):
        user._state.fields_cache.pop("notification_preference", None)


def test_second_notify_with_the_same_dedupe_key_does_nothing(user, city):
    first = notify(user=user, kind="reminder", title="提醒", dedupe_key="reminder-24h:1")
    second = notify(user=user, kind="reminder", title="提醒", dedupe_key="reminder-24h:1")
    assert first is not None and second is None
    assert Notification.objects.filter(user=user).count() == 1
    # The key is per user: another user gets theirs.
    assert notify(user=city.users["volunteer_b"], kind="reminder", title="提醒", dedupe_key="reminder-24h:1")
    # Without a key, every call notifies.
    notify(user=user, kind="info", title="a")
    notify(user=user, kind="info", title="a")
    assert Notification.objects.filter(user=user).count() == 3


def test_default_channels_text_a_reminder_and_send_no_email(user, django_capture_on_commit_callbacks):
    user.email = "xiaoming@example.com"
    user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            user=user, kind="reminder", title="提醒：敬老院陪伴 明天 09:00 开始", url="/activities/5/"
        )
    assert [m.phone for m in sms.outbox] == [user.phone]
    assert sms.outbox[0].text == "【汇光】提醒：敬老院陪伴 明天 09:00 开始 https://zyz.example/activities/5/"
    assert mail.outbox == []
    delivery = Delivery.objects.get(notification=notification)
    assert (delivery.channel, delivery.status, delivery.error) == ("sms", "sent", "")
    assert delivery.recipient == "139****0006"  # masked
    assert delivery.sent_at is not None


def test_sms_carries_only_urgent_kinds(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="enrollment_rejected", title="您的报名未通过")
        notify(user=user, kind="enrollment_promoted", title="您已递补成功")
    assert [m.text for m in sms.outbox] == ["【汇光】您已递补成功"]
    assert Notification.objects.filter(user=user).count() == 2


def test_in_app_only_when_the_user_turned_the_other_channels_off(user, django_capture_on_commit_callbacks):
    set_channels(user, email=False, sms=False, address="xiaoming@example.com")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify(user=user, kind="reminder", title="提醒")
    assert callbacks == []  # nothing to deliver: no task enqueued
    assert Notification.objects.get(pk=notification.pk).title == "提醒"
    assert sms.outbox == [] and mail.outbox == []
    assert not Delivery.objects.exists()


def test_email_goes_to_users_who_chose_it(user, django_capture_on_commit_callbacks):
    set_channels(user, email=True, sms=False, address="xiaoming@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=user,
            kind="enrollment_rejected",
            title="您的报名未通过",
            body="名额已满。",
            url="/me/activities/",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["xiaoming@example.com"]
    assert message.subject == "【汇光】您的报名未通过"
    assert "名额已满。" in message.body
    assert "https://zyz.example/me/activities/" in message.body
    assert "https://zyz.example/me/notifications/settings/" in message.body
    assert sms.outbox == []
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status) == ("email", "sent")
    assert delivery.recipient == "xiaoming@example.com"


def test_email_and_sms_together(user, django_capture_on_commit_callbacks):
    set_channels(user, email=True, sms=True, address="xiaoming@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="activity_cancelled", title="活动已取消")
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1
    assert set(Delivery.objects.values_list("channel", "status")) == {("email", "sent"), ("sms", "sent")}


def test_email_choice_without_an_address_sends_no_email(user, django_capture_on_commit_callbacks):
    set_channels(user, email=True, sms=False, address="")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="reminder", title="提醒")
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_an_inactive_account_gets_nothing_but_the_centre(user, django_capture_on_commit_callbacks):
    user.is_active = False
    user.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="reminder", title="提醒")
    assert sms.outbox == [] and Notification.objects.filter(user=user).count() == 1


def test_a_rolled_back_transaction_sends_nothing(user, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(user=user, kind="enrollment_promoted", title="您已递补成功")
        raise RuntimeError("the sign-up failed after notifying")
    assert sms.outbox == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_delivery_waits_for_the_commit(city):
    user = city.users["volunteer"]
    with transaction.atomic():
        notify(user=user, kind="enrollment_promoted", title="您已递补成功")
        assert sms.outbox == []  # not yet: the transaction may still roll back
    assert [m.text for m in sms.outbox] == ["【汇光】您已递补成功"]

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user=user, kind="enrollment_promoted", title="第二次")
        raise RuntimeError
    assert len(sms.outbox) == 1
    assert Notification.objects.filter(user=user).count() == 1


def test_a_failed_sms_is_recorded_and_the_other_channels_still_go(
    user, settings, django_capture_on_commit_callbacks
):
    settings.HUIGUANG_SMS_BACKEND = "tests.notifications.test_notify.FailingSmsBackend"
    set_channels(user, email=True, sms=True, address="xiaoming@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=user, kind="reminder", title="提醒")
    sms_delivery = Delivery.objects.get(notification=notification, channel="sms")
    assert sms_delivery.status == "failed"
    assert sms_delivery.error == "SmsError: quota exceeded"
    assert sms_delivery.attempts == 1
    assert Delivery.objects.get(notification=notification, channel="email").status == "sent"
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_a_delivery_is_never_sent_twice(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=user, kind="reminder", title="提醒")
    assert notification_deliver(notification_id=notification.pk) == {}
    assert len(sms.outbox) == 1


def test_pending_deliveries_are_sent_by_the_cron_command(user, settings, django_capture_on_commit_callbacks):
    # A backend that only records the enqueue (a worker that never came): the rows stay pending.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=user, kind="reminder", title="提醒")
    assert sms.outbox == []
    assert Delivery.objects.get(notification=notification).status == "pending"
    out = io.StringIO()
    call_command("deliver_notifications", "--older-than", "0", stdout=out)
    call_command("deliver_notifications", "--older-than", "0", stdout=out)
    assert out.getvalue().splitlines() == ["1 notification(s) processed", "0 notification(s) processed"]
    assert len(sms.outbox) == 1
    assert Delivery.objects.get(notification=notification).status == "sent"


@pytest.mark.django_db(transaction=True)
def test_the_database_task_backend_queues_the_delivery_for_the_worker(city, settings):
    """django-tasks-db: after commit the delivery is a queued task; `huiguang db_worker` sends it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        notify(user=city.users["volunteer"], kind="reminder", title="提醒")
        assert not DBTaskResult.objects.exists()
    task = DBTaskResult.objects.get()
    assert task.task_path == "huiguang.notifications.tasks.deliver_notification"
    assert sms.outbox == []  # the worker sends it
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(sms.outbox) == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert Delivery.objects.get().status == "sent"


def test_texts_are_stored_in_chinese_whatever_the_actors_language(user):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    with translation.override("en"):
        notification = notify(user=user, kind="info", title=gettext_lazy("Notifications"))
    assert notification.title == "通知"


def test_console_backend_prints_like_the_console_email_backend(capsys):
    ConsoleSmsBackend().send("13900000006", "【汇光】提醒")
    out = capsys.readouterr().out
    assert "13900000006" in out and "【汇光】提醒" in out
