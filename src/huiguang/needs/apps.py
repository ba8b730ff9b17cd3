from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "huiguang.needs"
    label = "needs"
    verbose_name = _("Residents' needs")
