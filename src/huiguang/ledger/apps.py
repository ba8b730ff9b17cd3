from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "huiguang.ledger"
    label = "ledger"
    verbose_name = _("Service-hours ledger")

    def ready(self) -> None:
        # Imported here, not at the top: the receivers import models, loaded after the app configs.
        from huiguang.attendance.signals import checked_out

        from . import receivers

        checked_out.connect(receivers.record_checkout, dispatch_uid="ledger.record_checkout")
