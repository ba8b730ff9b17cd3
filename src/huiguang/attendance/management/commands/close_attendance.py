"""`huiguang close_attendance [--enqueue]`: close forgotten check-outs and mark no-shows (cron,
every 10 minutes). Runs the task's function in this process; --enqueue hands it to the worker."""

from django.core.management.base import BaseCommand

from huiguang.attendance.tasks import close_attendance


class Command(BaseCommand):
    help = "Close check-ins left open after their shift ended (pending records) and mark no-shows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead of running it here"
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            queued = close_attendance.enqueue()
            self.stdout.write(f"enqueued task {queued.id}")
            return
        result = close_attendance.call()
        self.stdout.write(f"{result['closed']} check-out(s) closed, {result['no_shows']} no-show(s) marked")
