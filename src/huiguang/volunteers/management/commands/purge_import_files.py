"""`huiguang purge_import_files [--enqueue]`: delete uploaded import files older than
HUIGUANG_IMPORT_FILE_TTL_HOURS (cron, every hour). Runs the task's function in this process;
--enqueue hands it to the worker."""

from django.core.management.base import BaseCommand

from huiguang.volunteers.tasks import purge_import_files


class Command(BaseCommand):
    help = "Delete uploaded volunteer import files older than HUIGUANG_IMPORT_FILE_TTL_HOURS (default 24)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead of running it here"
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            queued = purge_import_files.enqueue()
            self.stdout.write(f"enqueued task {queued.id}")
            return
        result = purge_import_files.call()
        self.stdout.write(f"{result['deleted']} import file(s) deleted")
