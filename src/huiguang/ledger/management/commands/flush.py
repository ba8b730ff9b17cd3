"""`flush` empties every table, the ledger included: the triggers that refuse to delete (SQLite)
or truncate (PostgreSQL) confirmed service records are lifted for it and put back in the same
transaction (Django's own flush would fail on them; the test runner flushes after each
transactional test). Anything else that deletes confirmed records still meets the triggers."""

from django.core.management.commands import flush
from django.db import connections, transaction

from huiguang.ledger.triggers import create_triggers, drop_triggers, missing_triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        with transaction.atomic(using=connection.alias):
            protected = not missing_triggers(connection)
            if protected:
                drop_triggers(connection)
            super().handle(**options)
            if protected:
                create_triggers(connection)
