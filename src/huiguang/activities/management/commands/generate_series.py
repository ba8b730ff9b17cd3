"""`huiguang generate_series`: extend every running series up to its horizon (run daily by cron).

Safe to run twice or concurrently: generation is idempotent (services/series.py).
"""

from django.core.management.base import BaseCommand

from huiguang.activities.services.series import series_generate_all


class Command(BaseCommand):
    help = "Generate the occurrences of every recurring activity up to its horizon (idempotent)."

    def handle(self, *args, **options):
        counts = series_generate_all()
        created = sum(counts.values())
        self.stdout.write(f"{len(counts)} series checked, {created} occurrences created.")
