from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from huiguang.ledger.signals import records_confirmed
from huiguang.network.signals import memberships_changed
from huiguang.volunteers.signals import volunteers_registered


class ReportsConfig(AppConfig):
    name = "huiguang.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Imported here: the receivers import models, which exist only once every app is loaded.
        from . import receivers

        records_confirmed.connect(receivers.add_confirmed, dispatch_uid="reports.add_confirmed")
        volunteers_registered.connect(receivers.add_registered, dispatch_uid="reports.add_registered")
        memberships_changed.connect(receivers.add_memberships, dispatch_uid="reports.add_memberships")
