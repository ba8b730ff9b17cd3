from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from huiguang.attendance.signals import checked_out


class LedgerConfig(AppConfig):
    name = "huiguang.ledger"
    label = "ledger"
    verbose_name = _("Service-hours ledger")

    def ready(self) -> None:
        # Imported here: the receivers import models, which exist only once every app is loaded.
        from . import receivers

        checked_out.connect(receivers.record_checkout, dispatch_uid="ledger.record_checkout")
