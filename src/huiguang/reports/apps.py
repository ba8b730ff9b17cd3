from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from huiguang.ledger.signals import records_confirmed


class ReportsConfig(AppConfig):
    name = "huiguang.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Imported here: the receivers import models, which exist only once every app is loaded.
        from . import receivers

        records_confirmed.connect(receivers.add_confirmed, dispatch_uid="reports.add_confirmed")
