"""The notification centre and the channel preferences: a user's own notices only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from huiguang.core.models import AuditEntry
from huiguang.notifications.context_processors import unread
from huiguang.notifications.models import Notification, NotificationPreference

from ..conftest import login_client


def make(user, n: int, **extra) -> list[Notification]:
    return [
        Notification.objects.create(user=user, kind="info", title=f"通知{i}", body=f"内容{i}", **extra)
        for i in range(n)
    ]


def test_centre_lists_own_notifications_newest_first_with_unread_marked(city, as_role):
    user = city.users["volunteer"]
    old = Notification.objects.create(user=user, kind="info", title="旧通知", read_at=timezone.now())
    new = Notification.objects.create(user=user, kind="reminder", title="新提醒", body="明天 9 点")
    Notification.objects.create(user=city.users["volunteer_b"], kind="info", title="别人的通知")
    response = as_role("volunteer").get(reverse("notifications:center"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("新提醒") < body.index("旧通知")
    assert "别人的通知" not in body
    assert "1 条未读" in body
    assert body.count("notification-unread") == 1
    assert reverse("notifications:open", args=[new.pk]) in body
    assert reverse("notifications:open", args=[old.pk]) in body
    assert "全部标为已读" in body


def test_centre_needs_a_login(client):
    response = client.get(reverse("notifications:center"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unread_filter(city, as_role):
    user = city.users["volunteer"]
    Notification.objects.create(user=user, kind="info", title="已读的", read_at=timezone.now())
    Notification.objects.create(user=user, kind="info", title="未读的")
    body = as_role("volunteer").get(reverse("notifications:center") + "?unread=1").content.decode()
    assert "未读的" in body and "已读的" not in body


def test_empty_centre_says_so(city, as_role):
    body = as_role("volunteer").get(reverse("notifications:center")).content.decode()
    assert "您还没有收到通知。" in body


def test_opening_a_notification_marks_it_read_and_follows_its_link(city, as_role):
    user = city.users["volunteer"]
    notification = Notification.objects.create(user=user, kind="reminder", title="提醒", url="/me/activities")
    response = as_role("volunteer").get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/me/activities"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_not_followed(city, as_role):
    user = city.users["volunteer"]
    notification = Notification.objects.create(user=user, kind="info", title="x", url="https://evil.example/")
    response = as_role("volunteer").get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:center")


def test_another_users_notification_answers_404_and_stays_unread(city, as_role):
    theirs = Notification.objects.create(user=city.users["volunteer_b"], kind="info", title="别人的")
    for role in ("volunteer", "city_admin"):
        assert as_role(role).get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_marks_only_own(city, as_role):
    make(city.users["volunteer"], 3)
    make(city.users["volunteer_b"], 2)
    response = as_role("volunteer").post(reverse("notifications:mark_all_read"), follow=True)
    assert "已将 3 条通知标为已读。" in response.content.decode()
    assert not Notification.objects.filter(user=city.users["volunteer"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=city.users["volunteer_b"], read_at__isnull=True).count() == 2


def test_mark_all_read_needs_post(city, as_role):
    assert as_role("volunteer").get(reverse("notifications:mark_all_read")).status_code == 405


def test_centre_query_count_does_not_grow_with_rows(city, assert_queries_constant):
    make(city.users["volunteer"], 3)
    client = login_client(city.users["volunteer"])

    def page():
        assert client.get(reverse("notifications:center")).status_code == 200

    # session, user, scope (grants), volunteer profile, page count, page rows, unread counts.
    assert assert_queries_constant(page, lambda: make(city.users["volunteer"], 57)) <= 9


def test_unread_count_context_processor(city, rf, django_assert_num_queries):
    user = city.users["volunteer"]
    make(user, 2)
    make(user, 1, read_at=timezone.now())
    make(city.users["volunteer_b"], 4)
    request = rf.get("/")
    request.user = user
    context = unread(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"] == 2
        assert str(context["unread_notifications"]) == "2"
        assert unread(request)["unread_notifications"] == 2  # counted once per request

    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {"unread_notifications": 0}


# --- preferences -------------------------------------------------------------------------------


def test_preferences_page_shows_the_defaults(city, as_role):
    response = as_role("volunteer").get(reverse("notifications:preferences"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "用短信提醒我上岗时间和紧急变动" in body
    assert 'name="sms" id="id_sms" class="form-check-input" checked' in body
    assert 'name="email" id="id_email" class="form-check-input">' in body
    assert "所有通知都会显示在这里。" in body


def test_preferences_page_saves_the_choice_and_the_address(city, as_role):
    client = as_role("volunteer")
    response = client.post(
        reverse("notifications:preferences"), {"email": "on", "email_address": "xm@example.com"}, follow=True
    )
    assert "通知设置已保存。" in response.content.decode()
    preference = NotificationPreference.objects.get(user=city.users["volunteer"])
    assert (preference.email, preference.sms) == (True, False)
    city.users["volunteer"].refresh_from_db()
    assert city.users["volunteer"].email == "xm@example.com"
    assert AuditEntry.objects.filter(action="notification_preferences_changed").count() == 1
    # Unticking everything is a choice too (the form posts no field at all).
    client.post(reverse("notifications:preferences"), {})
    preference.refresh_from_db()
    assert (preference.email, preference.sms) == (False, False)


def test_email_without_an_address_is_refused_in_chinese(city, as_role):
    response = as_role("volunteer").post(reverse("notifications:preferences"), {"email": "on", "sms": "on"})
    assert response.status_code == 422
    assert "要通过电子邮件接收通知，请填写电子邮箱地址。" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_bad_address_is_refused(city, as_role):
    response = as_role("volunteer").post(
        reverse("notifications:preferences"), {"email": "on", "email_address": "not-an-address"}
    )
    assert response.status_code == 422
    assert "输入一个有效的 Email 地址。" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_preferences_need_a_login(client, db):
    assert client.get(reverse("notifications:preferences")).status_code == 302


@pytest.mark.parametrize("role", ["volunteer", "org_admin", "city_admin", "auditor"])
def test_every_signed_in_role_has_a_centre_and_preferences(city, role):
    client: Client = login_client(city.users[role])
    assert client.get(reverse("notifications:center")).status_code == 200
    assert client.get(reverse("notifications:preferences")).status_code == 200
