from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "huiguang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Imported here: core.checks loads core.models, which needs the app registry.
        from . import lookups  # noqa: F401  (registers __any_in on every field)
        from .checks import check_keys

        checks.register(check_keys, "huiguang_keys")
