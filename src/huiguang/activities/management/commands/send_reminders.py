"""`huiguang send_reminders [--enqueue]`: send the reminders owed now (cron, every 10 minutes).

Runs the `send_due_reminders` task's function in this process; with --enqueue it queues the
task for the worker (`huiguang db_worker`) instead. Running it twice sends nothing twice.
"""

from django.core.management.base import BaseCommand

from huiguang.activities.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Send the reminders before shifts (24 h and 2 h before); each one is sent once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead of running it here"
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            result = send_due_reminders.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        count = send_due_reminders.call()
        self.stdout.write(f"{count} reminder(s) sent")
