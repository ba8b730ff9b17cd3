from django.core.management.base import BaseCommand

from huiguang.needs.services.care import care_records_purge, retention_days


class Command(BaseCommand):
    help = "Erase the personal data of care recipients whose care ended before the retention period (daily)."

    def handle(self, *args, **options):
        erased = care_records_purge()
        self.stdout.write(f"erased: {erased} (retention: {retention_days()} days after the end of care)")
