from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "huiguang.credit"
    label = "credit"
    verbose_name = _("Credit score and honors")

    def ready(self):
        # Imported here: the app registry must be ready before models are imported.
        from huiguang.projects.signals import results_published

        from . import receivers

        results_published.connect(receivers.record_award_honors, dispatch_uid="credit.record_award_honors")
