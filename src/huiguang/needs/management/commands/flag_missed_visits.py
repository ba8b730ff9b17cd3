from django.core.management.base import BaseCommand

from huiguang.needs.services.care import missed_visits_flag


class Command(BaseCommand):
    help = (
        "Tell teams and communities of planned home visits missed in the period that ended yesterday (daily)."
    )

    def handle(self, *args, **options):
        flagged = missed_visits_flag()
        self.stdout.write(f"missed: {flagged.plans}, told: {flagged.told}")
