from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city (seed_demo, demo_logins). Sits above every domain app."""

    name = "huiguang.demo"
    label = "demo"
    verbose_name = _("Demo city")
