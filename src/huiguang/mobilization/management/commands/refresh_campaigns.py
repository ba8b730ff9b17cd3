"""`huiguang refresh_campaigns`: move recruits who now hold their campaign's induction
qualification to "trained" (run nightly from cron, or after a big session's results)."""

from django.core.management.base import BaseCommand

from huiguang.mobilization.campaign_tasks import refresh_all_campaigns


class Command(BaseCommand):
    help = "Move recruits who hold their campaign's induction qualification to the trained stage."

    def handle(self, *args, **options):
        moved = refresh_all_campaigns()
        self.stdout.write(f"{moved} recruits trained")
