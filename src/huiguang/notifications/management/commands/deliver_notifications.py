"""`huiguang deliver_notifications [--older-than MINUTES]`: send e-mail and SMS still pending.

notify() enqueues each delivery for the task worker after commit; this command (cron, e.g.
every 10 minutes) sends those that are still waiting after some minutes — an enqueue that
failed, a worker that was down. Nothing is sent twice.
"""

from django.core.management.base import BaseCommand

from huiguang.notifications.delivery import deliveries_send_pending


class Command(BaseCommand):
    help = "Send the e-mail and SMS deliveries of notifications that are still pending."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=5, help="only deliveries waiting at least this many minutes"
        )

    def handle(self, *args, older_than, **options):
        count = deliveries_send_pending(older_than_minutes=max(older_than, 0))
        self.stdout.write(f"{count} notification(s) processed")
