"""`huiguang generate_bulletin [--month YYYY-MM] [--enqueue]`: last month's bulletin as a draft
when it does not exist yet (cron daily: it is made on the 1st), or the given month's made again
(a draft or reviewed bulletin; a published one never changes)."""

from django.core.management.base import BaseCommand, CommandError

from huiguang.core.errors import FieldErrors, Refused
from huiguang.reports.services.bulletins import bulletin_generate, parse_month
from huiguang.reports.tasks import generate_monthly_bulletin


class Command(BaseCommand):
    help = "Generate last month's bulletin as a draft if it does not exist (run daily), or --month's."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM: generate (again) this month's bulletin")
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead of running it here"
        )

    def handle(self, *args, month=None, enqueue=False, **options):
        if month:
            try:
                bulletin = bulletin_generate(actor=None, month=parse_month(month))
            except FieldErrors as exc:
                raise CommandError("; ".join(m for msgs in exc.errors.values() for m in msgs)) from None
            except Refused as exc:
                raise CommandError(str(exc.message)) from None
            self.stdout.write(f"bulletin {bulletin.month:%Y-%m} generated")
            return
        if enqueue:
            queued = generate_monthly_bulletin.enqueue()
            self.stdout.write(f"enqueued task {queued.id}")
            return
        self.stdout.write(generate_monthly_bulletin.call())
