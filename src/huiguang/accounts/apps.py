from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "huiguang.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Django's documented place: the receivers need the models, loaded after the app configs.
        from . import signals  # noqa: F401
