from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications, e-mail and SMS. Knows only accounts: every app may notify."""

    name = "huiguang.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
