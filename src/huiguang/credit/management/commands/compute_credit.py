"""`huiguang compute_credit`: every volunteer's credit score now (the nightly job, from cron)."""

from django.core.management.base import BaseCommand

from huiguang.credit.services.snapshots import snapshots_recompute_all


class Command(BaseCommand):
    help = "Recompute every volunteer's credit score (writes a snapshot where the inputs changed)."

    def handle(self, *args, **options):
        result = snapshots_recompute_all()
        written, version = result.written, result.policy_version
        self.stdout.write(f"{result.volunteers} volunteers, {written} new snapshots (policy v{version})")
