"""Write the city's organizations, memberships, activities and service records into DIR in the
history import's template format (the round trip of docs/history-import.md).

    huiguang export_history DIR
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from huiguang.core.audit import audit_log
from huiguang.ledger.history.columns import KIND_LABELS
from huiguang.ledger.history.export import history_export


class Command(BaseCommand):
    help = "Export organizations, memberships, activities and service records to DIR (template format)."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        counts = history_export(Path(directory))
        audit_log(action="history.export", actor_label="export_history", rows=counts)
        for kind, n in counts.items():
            self.stdout.write(f"{KIND_LABELS[kind]}: {n}")
