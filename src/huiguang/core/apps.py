from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "huiguang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Imported here: core.checks loads core.models, which needs the app registry.
        from .checks import check_keys

        checks.register(check_keys, "huiguang_keys")
