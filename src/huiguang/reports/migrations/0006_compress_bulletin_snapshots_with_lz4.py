"""A bulletin's snapshot (some 90 KB of JSON for a county) compressed with lz4 instead of pglz on
PostgreSQL: generating a bulletin writes it once, and pglz took longer to compress it than the
bulletin took to compute most of its figures (issue 10: the save went from 6.5 to 4.0 ms). A server
built without lz4 keeps pglz; SQLite has no such setting."""

from django.db import DatabaseError, migrations, transaction


def _compression(method: str):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=connection.alias):
                schema_editor.execute(
                    f"ALTER TABLE reports_bulletin ALTER COLUMN snapshot SET COMPRESSION {method}"
                )
        except DatabaseError:  # a server built without lz4: pglz stays
            pass

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_add_registration_rollups")]

    operations = [migrations.RunPython(_compression("lz4"), _compression("pglz"))]
