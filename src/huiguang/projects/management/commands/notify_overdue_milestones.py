"""`huiguang notify_overdue_milestones [--enqueue]`: the daily overdue-milestone notice (cron, once a day)."""

from django.core.management.base import BaseCommand

from huiguang.projects.tasks import notify_overdue_milestones


class Command(BaseCommand):
    help = (
        "Tell mentors and the city of the milestones due today or earlier and not yet accepted (once each)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead of running it here"
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            result = notify_overdue_milestones.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        count = notify_overdue_milestones.call()
        self.stdout.write(f"{count} overdue milestone(s) notified")
