"""The triggers that refuse changes to confirmed service records (DESIGN §5): their SQL per
database (migration 0004 creates them from here), which ones a database is missing
(`verify_ledger` reports it), and lifting them for `flush`, which empties every table.

The application never changes a confirmed row (ServiceRecord.save/delete refuse, the services
only move pending → confirmed with a guarded UPDATE); the triggers make the database say so to
everything else too: raw SQL, a shell, a bulk queryset update. The one transition a record
makes, pending → confirmed, starts from OLD.status = 'pending' and passes. On PostgreSQL a
TRUNCATE of the table, which fires no row trigger, is refused as well.

Changing this SQL needs a new migration that drops and creates the triggers again. On SQLite a
migration that rebuilds ledger_servicerecord (its ALTER TABLE emulation copies the table) drops
the triggers: such a migration must call `create_triggers` again (verify_ledger would say so).
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "ledger_servicerecord"
MESSAGE = "a confirmed service record never changes: append a reversing row instead"

SQLITE_TRIGGERS = ("ledger_confirmed_record_no_update", "ledger_confirmed_record_no_delete")
POSTGRESQL_TRIGGERS = (*SQLITE_TRIGGERS, "ledger_records_no_truncate")
TRIGGERS = SQLITE_TRIGGERS  # the ones both databases have

CREATE = {
    "sqlite": [
        f"""CREATE TRIGGER ledger_confirmed_record_no_update
            BEFORE UPDATE ON {TABLE} FOR EACH ROW WHEN OLD.status = 'confirmed'
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER ledger_confirmed_record_no_delete
            BEFORE DELETE ON {TABLE} FOR EACH ROW WHEN OLD.status = 'confirmed'
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ],
    "postgresql": [
        # SQLSTATE 23001 (restrict_violation): Django raises IntegrityError, as on SQLite.
        f"""CREATE OR REPLACE FUNCTION ledger_refuse_confirmed_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'TRUNCATE' THEN
                    RAISE EXCEPTION 'the ledger is never truncated: {MESSAGE}'
                        USING ERRCODE = 'restrict_violation';
                END IF;
                RAISE EXCEPTION 'service record %: {MESSAGE}', OLD.id
                    USING ERRCODE = 'restrict_violation';
            END
            $$""",
        f"""CREATE TRIGGER ledger_confirmed_record_no_update
            BEFORE UPDATE ON {TABLE} FOR EACH ROW WHEN (OLD.status = 'confirmed')
            EXECUTE FUNCTION ledger_refuse_confirmed_change()""",
        f"""CREATE TRIGGER ledger_confirmed_record_no_delete
            BEFORE DELETE ON {TABLE} FOR EACH ROW WHEN (OLD.status = 'confirmed')
            EXECUTE FUNCTION ledger_refuse_confirmed_change()""",
        f"""CREATE TRIGGER ledger_records_no_truncate
            BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT
            EXECUTE FUNCTION ledger_refuse_confirmed_change()""",
    ],
}
DROP = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS],
    "postgresql": [
        *(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in POSTGRESQL_TRIGGERS),
        "DROP FUNCTION IF EXISTS ledger_refuse_confirmed_change()",
    ],
}


def expected(connection: BaseDatabaseWrapper) -> tuple[str, ...]:
    return POSTGRESQL_TRIGGERS if connection.vendor == "postgresql" else SQLITE_TRIGGERS


def _execute(connection: BaseDatabaseWrapper, statements: dict[str, list[str]]) -> None:
    if connection.vendor not in statements:
        raise RuntimeError(f"no ledger triggers for the {connection.vendor} database")
    with connection.cursor() as cursor:
        for statement in statements[connection.vendor]:
            cursor.execute(statement)


def create_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, CREATE)


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, DROP)


def missing_triggers(connection: BaseDatabaseWrapper | None = None) -> list[str]:
    """The names of the triggers that are absent (or disabled, on PostgreSQL)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal "
                "AND tgenabled <> 'D'",
                [TABLE],
            )
        else:
            return list(expected(connection))
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected(connection) if name not in present]
