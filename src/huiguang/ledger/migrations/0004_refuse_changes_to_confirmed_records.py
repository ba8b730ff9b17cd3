"""Database triggers refuse an UPDATE or a DELETE of a confirmed service record, and (PostgreSQL)
a TRUNCATE of the table: huiguang/ledger/triggers.py holds the SQL and says why."""

from django.db import migrations

from huiguang.ledger.triggers import create_triggers, drop_triggers


def forwards(apps, schema_editor):
    create_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_chained_seals")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
