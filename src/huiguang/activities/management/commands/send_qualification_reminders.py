"""`huiguang send_qualification_reminders [--enqueue]`: tell volunteers whose qualification expires
within 30 days, with the next sessions that renew it (cron, daily). Running it twice sends nothing
twice."""

from django.core.management.base import BaseCommand

from huiguang.activities.tasks import send_qualification_reminders


class Command(BaseCommand):
    help = "Remind volunteers of qualifications expiring within 30 days (once per expiry)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead of running it here"
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            result = send_qualification_reminders.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        count = send_qualification_reminders.call()
        self.stdout.write(f"{count} reminder(s) sent")
