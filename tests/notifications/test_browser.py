"""On a 375 px phone: a volunteer reads a reminder in the centre, opens it, marks the rest read and
turns e-mail on in the settings."""

from __future__ import annotations

from huiguang.notifications.models import Notification, NotificationPreference
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import PASSWORD


def test_volunteer_reads_notifications_and_chooses_channels_on_a_phone(city, live_server, phone):
    user = city.users["volunteer"]
    for i in range(3):
        Notification.objects.create(
            user=user, kind="info", title=f"报名已通过：社区义诊第{i + 1}场", body="请准时到达。"
        )
    reminder = Notification.objects.create(
        user=user,
        kind="reminder",
        title="提醒：敬老院陪伴 将于 11月30日 09:00 开始",
        body="您的岗位：陪老人聊天，11月30日 09:00 开始。\n地点：当湖街道东湖路1号。",
        url="/me/notifications/settings/",
    )
    base = live_server.url
    page = phone.new_page()
    login(page, base, user.phone, PASSWORD)
    page.goto(f"{base}/me/notifications/")
    assert scroll_width(page) <= 375
    assert "4 条未读" in page.content()
    shot(page, "notifications-centre-375")

    page.click("text=提醒：敬老院陪伴")
    page.wait_for_url("**/me/notifications/settings/")
    reminder.refresh_from_db()
    assert reminder.read_at is not None

    page.goto(f"{base}/me/notifications/")
    assert "3 条未读" in page.content()
    page.click("text=全部标为已读")
    page.wait_for_load_state()
    assert "已将 3 条通知标为已读。" in page.content()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    shot(page, "notifications-all-read-375")

    page.click("text=通知设置")
    page.wait_for_url("**/me/notifications/settings/")
    page.check("input[name=email]")
    page.click("button[type=submit]")
    assert "要通过电子邮件接收通知，请填写电子邮箱地址。" in page.content()
    page.fill("input[name=email_address]", "xiaoming@example.com")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "通知设置已保存。" in page.content()
    assert scroll_width(page) <= 375
    shot(page, "notification-settings-375")
    preference = NotificationPreference.objects.get(user=user)
    assert preference.email and preference.sms
